"""A learned lexical signal: hashed word-and-punctuation 1–2-grams and character 3–6-grams.

A document is two TF-IDF views of hashed features, each L2-normalised and weighted
``1/sqrt(2)``:

- the **token view**: unigrams and bigrams of tokens, where a token is a word or a single
  punctuation mark or symbol, so ", and", "however ," and "—" are features of their own;
- the **character view**: character 3–6-grams of the lower-cased text with whitespace runs
  collapsed to one space, across word boundaries, so spacing, punctuation habits and word
  junctions are seen along with spelling.

Term frequency is sublinear (``1 + log tf``); inverse document frequency is fitted on the
training texts. The linear model over these features is trained as NB-LR (Wang and Manning
2012: features scaled by their naive-Bayes log-count ratio) and the ratio is folded into the
stored weights, so scoring is one dot product. The document's lexical logit is a sum over
features, so it splits exactly over sentences: each feature is credited to the sentence where it
first occurs.

Token hashes are CRC-32 (stable across processes and platforms), computed once per distinct
token and cached; bigram hashes combine two unigram hashes arithmetically. Character n-grams are
hashed with numpy over the text's code points (a polynomial rolling hash mod 2**64 and the
MurmurHash3 finaliser), with no Python work per character.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from padcheck._compiled import speedups as _speedups
from padcheck._text import lower_in_place
from padcheck.document import Document

__all__ = ["LexicalScorer", "ngram_positions", "hashed_matrix", "document_frequencies", "DEFAULT_BITS",
           "LEXICAL_SCHEME"]

#: A word (with one inner apostrophe) or any single character that is neither a word character nor space.
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?|[^\w\s]|_", re.UNICODE)
#: Bits per view: token n-grams use indices [0, 2**bits), character n-grams [2**bits, 2**(bits+1)).
DEFAULT_BITS = 19
#: Name of the feature scheme, stored in model files: a model is only read by the scheme it was trained with.
LEXICAL_SCHEME = "tokpunct12+char36-sublinear-tfidf-nblr"
_CHAR_NS = (3, 4, 5, 6)
_CACHE_LIMIT = 500_000
_DENSE_FROM = 1 << 18  # n-gram occurrences from which counting beats sorting
_BLOCK = 1 << 15  # characters hashed at once in a long document
_token_cache: dict[str, int] = {}
_EMPTY = np.zeros(0, dtype=np.int64)
_GROUP, _START = re.Match.group, re.Match.start
_POLY = np.uint64(1_000_003)
_MIX1, _MIX2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)


def _token_hash(token: str) -> int:
    """CRC-32 of a (lower-cased) token, cached."""
    found = _token_cache.get(token)
    if found is None:
        if len(_token_cache) >= _CACHE_LIMIT:
            _token_cache.clear()
        found = _token_cache[token] = zlib.crc32(b"w " + token.encode("utf-8", "surrogatepass"))
    return found


def _lowered(text: str) -> str:
    """``text`` lower-cased (``’`` as ``'``) with every character kept at its offset."""
    low = lower_in_place(text)
    if low is not None:
        return low
    # Rare: a character whose lower case is longer ("İ"), or Greek capital sigma. Lower-case
    # character by character and keep those whose lower case would move offsets as they are.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text).replace("’", "'")


@lru_cache(maxsize=1)
def _space_codes() -> np.ndarray:
    """Code points of the characters ``str.isspace`` accepts (all below U+3001)."""
    return np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)


def _token_features(low: str, mask: int) -> tuple[np.ndarray, np.ndarray]:
    """Token unigram and bigram indices and their offsets, one per occurrence."""
    matches = list(_TOKEN.finditer(low))
    if not matches:
        return _EMPTY, _EMPTY
    pos = np.fromiter(map(_START, matches), dtype=np.int64, count=len(matches))
    cached = _token_cache.get
    hashes = [cached(t) for t in map(_GROUP, matches)]
    if None in hashes:
        hashes = [_token_hash(m.group()) if h is None else h for h, m in zip(hashes, matches, strict=True)]
    uni = np.array(hashes, dtype=np.int64)
    bigrams = (uni[:-1] * 1_000_003 + uni[1:] * 7919 + 0x5BD1E995) & 0x7FFFFFFF
    return np.concatenate([uni & mask, bigrams & mask]), np.concatenate([pos, pos[1:]])


def _normalised_codes(low: str) -> tuple[np.ndarray, np.ndarray]:
    """Code points of ``low`` with whitespace runs collapsed to one space, and each one's offset."""
    codes = np.frombuffer(low.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    space = np.isin(codes, _space_codes())
    keep = ~(space & np.r_[False, space[:-1]])  # the first character of every whitespace run stays
    return np.where(space, np.uint32(32), codes)[keep].astype(np.uint64), np.flatnonzero(keep)


def _char_blocks(cp: np.ndarray, offsets: np.ndarray, mask: int, block: int):
    """Character n-gram indices (before the view offset) and offsets, for n-grams starting in each
    block of ``block`` positions: long texts are hashed piece by piece, so the arrays stay in cache."""
    longest = _CHAR_NS[-1]
    for lo in range(0, max(len(cp) - _CHAR_NS[0] + 1, 0), block):
        piece = cp[lo:lo + block + longest - 1]
        idx, where = [], []
        key = piece.copy()
        with np.errstate(over="ignore"):
            for n in range(2, longest + 1):
                if len(key) < 2:
                    break
                key = key[:-1] * _POLY + piece[n - 1:]  # rolling hash of the n characters from each position
                if n in _CHAR_NS:
                    h = key[:block] + np.uint64(n)
                    h ^= h >> _S33
                    h *= _MIX1
                    h ^= h >> _S33
                    h *= _MIX2
                    h ^= h >> _S33
                    idx.append((h & np.uint64(mask)).astype(np.int64))
                    where.append(offsets[lo:lo + len(h)])
        if idx:
            yield np.concatenate(idx), np.concatenate(where)


def ngram_positions(text: str, bits: int = DEFAULT_BITS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct feature indices of ``text`` (ascending), the offset where each first occurs, and their counts.

    Token features have indices below ``2**bits``; character features ``2**bits`` and above.
    The compiled extension computes this when it is built; :func:`_ngram_positions_numpy` is
    the reference it must agree with.
    """
    low = _lowered(text)
    if _speedups is not None and bits <= _speedups.MAX_BITS:
        idx, first, counts = _speedups.ngram_counts(low, bits)
        return np.frombuffer(idx, dtype=np.int64), np.frombuffer(first, dtype=np.int64), np.frombuffer(counts)
    return _ngram_positions_numpy(low, bits)


def _ngram_positions_numpy(low: str, bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`ngram_positions` of an already lower-cased text, in numpy."""
    size = 1 << bits
    mask = size - 1
    t_idx, t_where = _token_features(low, mask)
    cp, offsets = _normalised_codes(low) if low else (np.zeros(0, dtype=np.uint64), _EMPTY)
    if len(t_idx) + len(_CHAR_NS) * len(cp) >= _DENSE_FROM:
        # A long document: count into one slot per feature (linear time, no sort), block by block.
        counts = np.bincount(t_idx, minlength=2 * size).astype(np.float64)
        first = np.full(2 * size, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, t_idx, t_where)
        char_counts, char_first = counts[size:], first[size:]
        for c_idx, c_where in _char_blocks(cp, offsets, mask, _BLOCK):
            char_counts += np.bincount(c_idx, minlength=size)
            np.minimum.at(char_first, c_idx, c_where)
        present = np.flatnonzero(counts)
        return present, first[present], counts[present]
    blocks = list(_char_blocks(cp, offsets, mask, max(len(cp), 1)))
    c_idx, c_where = blocks[0] if blocks else (_EMPTY, _EMPTY)
    if not len(t_idx) and not len(c_idx):
        return _EMPTY, _EMPTY, np.zeros(0)
    idx = np.concatenate([t_idx, c_idx + size])
    where = np.concatenate([t_where, c_where])
    order = np.argsort(idx)
    idx = idx[order]
    first = np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])
    counts = np.diff(np.r_[first, len(idx)]).astype(np.float64)
    return idx[first], np.minimum.reduceat(where[order], first), counts


def _tfidf_values(idx: np.ndarray, tf: np.ndarray, idf: np.ndarray | None, bits: int) -> np.ndarray:
    """Sublinear TF-IDF values with each view (token, character) L2-normalised to ``1/sqrt(2)``; ``idx`` sorted."""
    values = 1.0 + np.log(tf)
    if idf is not None:
        values = values * idf[idx]
    split = int(np.searchsorted(idx, 1 << bits))  # indices are sorted: token view first, then characters
    for view in (slice(0, split), slice(split, len(idx))):
        norm = np.sqrt(np.square(values[view]).sum())  # not np.dot: BLAS threads would spin in every worker
        if norm > 0:
            values[view] /= norm * np.sqrt(2.0)
    return values


def document_frequencies(texts, bits: int = DEFAULT_BITS) -> np.ndarray:
    """Smoothed inverse document frequency ``log((1 + n) / (1 + df)) + 1`` of each feature."""
    df = np.zeros(2 << bits)
    for text in texts:
        df[ngram_positions(text, bits)[0]] += 1
    return np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0


def hashed_matrix(texts, bits: int = DEFAULT_BITS, idf: np.ndarray | None = None):
    """TF-IDF hashed feature matrix of ``texts`` (one row per text), a ``scipy.sparse.csr_matrix``."""
    from scipy import sparse  # training only: scoring never pays for importing scipy
    indptr, indices, data = [0], [], []
    for text in texts:
        idx, _, tf = ngram_positions(text, bits)
        indices.append(idx)
        data.append(_tfidf_values(idx, tf, idf, bits))
        indptr.append(indptr[-1] + len(idx))
    cat_i = np.concatenate(indices) if indices else _EMPTY
    cat_d = np.concatenate(data) if data else np.zeros(0)
    return sparse.csr_matrix((cat_d, cat_i, np.array(indptr)), shape=(len(indptr) - 1, 2 << bits))


@dataclass(frozen=True)
class LexicalScorer:
    """Hashed feature weights, inverse document frequencies and bias of a fitted linear model."""

    weights: np.ndarray
    bias: float
    idf: np.ndarray | None = None
    bits: int = DEFAULT_BITS

    def _terms(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        idx, pos, tf = ngram_positions(text, self.bits)
        return pos, self.weights[idx] * _tfidf_values(idx, tf, self.idf, self.bits)

    @cached_property
    def _pairs(self) -> np.ndarray | None:
        """Per feature, its inverse document frequency and its weight side by side as float32, the
        precision of model files (the compiled loop then reads one small table); ``None`` without
        the compiled loop or when the weights are not float32 values (a model being trained)."""
        if _speedups is None or self.bits > _speedups.MAX_BITS:
            return None
        idf = np.ones(len(self.weights)) if self.idf is None else self.idf
        pairs = np.column_stack([idf, self.weights]).astype(np.float32)
        if not np.array_equal(pairs, np.column_stack([idf, self.weights])):
            return None
        return np.ascontiguousarray(pairs)

    def warm(self) -> None:
        """Build the compiled loop's weight table now rather than on the first text."""
        _ = self._pairs

    def _compiled_sums(self, text: str, starts: np.ndarray) -> np.ndarray | None:
        """Terms summed per sentence starting at ``starts`` by the compiled loop; ``None`` without it."""
        pairs = self._pairs
        if pairs is None or _speedups is None:
            return None
        return np.frombuffer(_speedups.sentence_terms(_lowered(text), self.bits, pairs, starts))

    def logit(self, text: str) -> float:
        """The lexical logit of a text."""
        total = self._compiled_sums(text, np.zeros(1, dtype=np.int64))
        if total is None:
            total = self._terms(text)[1]
        return float(total.sum() + self.bias)

    def sentence_logits(self, doc: Document) -> np.ndarray:
        """Each sentence's share of the lexical logit (without the bias); sums to ``logit - bias``."""
        out = np.zeros(len(doc.sentences))
        if not len(out):
            return out
        starts = np.fromiter((s.start for s in doc.sentences), dtype=np.int64, count=len(out))
        compiled = self._compiled_sums(doc.text, starts)
        if compiled is not None:
            return compiled
        pos, terms = self._terms(doc.text)
        if not len(terms):
            return out
        owner = np.clip(np.searchsorted(starts, pos, side="right") - 1, 0, len(out) - 1)
        return np.bincount(owner, weights=terms, minlength=len(out))

    def config(self) -> dict:
        return {"bits": self.bits, "bias": self.bias, "scheme": LEXICAL_SCHEME}

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = {"lexical_weights": self.weights.astype(np.float32)}
        if self.idf is not None:
            arrays["lexical_idf"] = self.idf.astype(np.float32)
        return arrays

    @classmethod
    def from_arrays(cls, config: dict, arrays: dict[str, np.ndarray]) -> LexicalScorer:
        if config.get("scheme") != LEXICAL_SCHEME:
            raise ValueError(f"lexical features of scheme {config.get('scheme', config.get('weighting'))!r}, "
                             f"but this padcheck computes {LEXICAL_SCHEME!r}; retrain the model")
        bits = int(config["bits"])
        weights = arrays.get("lexical_weights")
        idf = arrays.get("lexical_idf")
        if weights is None or weights.shape != (2 << bits,) or (idf is not None and idf.shape != weights.shape):
            raise ValueError("lexical weights missing or of the wrong shape")
        return cls(weights=weights.astype(np.float64), bias=float(config["bias"]),
                   idf=None if idf is None else idf.astype(np.float64), bits=bits)
