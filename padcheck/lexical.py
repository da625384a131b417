"""A learned lexical signal: hashed word 1–2-grams and character 3–5-grams, scored linearly.

A document is two TF-IDF views of hashed features, each L2-normalised and weighted
``1/sqrt(2)``: word unigrams and bigrams, and character 3–5-grams inside words (with a space
on each side, like scikit-learn's ``char_wb``), which carry style through paraphrase and
misspelling. Term frequency is sublinear (``1 + log tf``); inverse document frequency is fitted
on the training texts. The document's lexical logit is a sum over features, so it splits exactly
over sentences: each feature is credited to the sentence where it first occurs.

Hashes are CRC-32 (stable across processes and platforms), computed once per distinct word and
cached; bigram hashes combine the two unigram hashes arithmetically, so a document costs one
dictionary look-up per word plus a few numpy operations.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from padcheck._text import lower_in_place
from padcheck.document import Document

__all__ = ["LexicalScorer", "ngram_positions", "hashed_matrix", "document_frequencies", "DEFAULT_BITS"]

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
#: Bits per view: word n-grams use indices [0, 2**bits), character n-grams [2**bits, 2**(bits+1)).
DEFAULT_BITS = 19
_CHAR_NS = (3, 4, 5)
_MAX_WORD_CHARS = 40  # longer "words" (hashes, URLs) contribute their unigram only
_CACHE_LIMIT = 500_000
_word_cache: dict[str, tuple[int, np.ndarray]] = {}
_EMPTY = np.zeros(0, dtype=np.int64)
_GROUP, _START = re.Match.group, re.Match.start


def _word_hashes(word: str) -> tuple[int, np.ndarray]:
    """CRC-32 of the word and of its character n-grams (cached)."""
    cached = _word_cache.get(word)
    if cached is not None:
        return cached
    raw = word.encode("utf-8", "surrogatepass")
    unigram = zlib.crc32(b"w " + raw)
    if len(word) <= _MAX_WORD_CHARS:
        padded = f" {word} "
        grams = [padded[i:i + n] for n in _CHAR_NS for i in range(len(padded) - n + 1)]
        chars = np.fromiter((zlib.crc32(g.encode("utf-8", "surrogatepass")) for g in grams), dtype=np.int64,
                            count=len(grams))
    else:
        chars = _EMPTY
    if len(_word_cache) >= _CACHE_LIMIT:
        _word_cache.clear()
    _word_cache[word] = (unigram, chars)
    return unigram, chars


def _tokens(text: str) -> tuple[list[str], list[int]]:
    """Lower-cased tokens of ``text`` (``’`` as ``'``) and their start offsets."""
    low = lower_in_place(text)
    if low is not None:  # one regex pass over the lower-cased text, no Python call per word
        matches = list(_TOKEN.finditer(low))
        return list(map(_GROUP, matches)), list(map(_START, matches))
    matches = list(_TOKEN.finditer(text))
    return [m.group().lower().replace("’", "'") for m in matches], list(map(_START, matches))


def ngram_positions(text: str, bits: int = DEFAULT_BITS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct feature indices of ``text``, the offset where each first occurs, and their counts.

    Word features have indices below ``2**bits``; character features ``2**bits`` and above.
    Character n-grams are taken once per distinct word, weighted by the word's count and placed
    at its first occurrence, so the one sort that merges equal features is over the vocabulary's
    n-grams rather than every token's.
    """
    size = 1 << bits
    mask = size - 1
    words, starts = _tokens(text)
    if not words:
        return _EMPTY, _EMPTY, np.zeros(0)
    pos = np.asarray(starts, dtype=np.int64)
    index: dict[str, int] = {}
    ids = np.fromiter((index.setdefault(w, len(index)) for w in words), dtype=np.int64, count=len(words))
    hashes = list(map(_word_hashes, index))
    n_distinct = len(hashes)
    uni_distinct = np.fromiter((h[0] for h in hashes), dtype=np.int64, count=n_distinct)
    word_counts = np.bincount(ids, minlength=n_distinct).astype(np.float64)
    first_token = np.full(n_distinct, len(ids), dtype=np.int64)
    np.minimum.at(first_token, ids, np.arange(len(ids), dtype=np.int64))
    first_pos = pos[first_token]
    uni = uni_distinct[ids]
    bigrams = (uni[:-1] * 1_000_003 + uni[1:] * 7919 + 0x5BD1E995) & 0x7FFFFFFF
    char_parts = [h[1] for h in hashes]
    lengths = np.fromiter(map(len, char_parts), dtype=np.int64, count=n_distinct)
    chars = np.concatenate(char_parts) if lengths.sum() else _EMPTY
    idx = np.concatenate([uni_distinct & mask, bigrams & mask, (chars & mask) + size])
    where = np.concatenate([first_pos, pos[1:], np.repeat(first_pos, lengths)])
    weight = np.concatenate([word_counts, np.ones(len(bigrams)), np.repeat(word_counts, lengths)])
    order = np.argsort(idx, kind="stable")
    idx = idx[order]
    first = np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])
    return idx[first], np.minimum.reduceat(where[order], first), np.add.reduceat(weight[order], first)


def _tfidf_values(idx: np.ndarray, tf: np.ndarray, idf: np.ndarray | None, bits: int) -> np.ndarray:
    """Sublinear TF-IDF values with each view (word, character) L2-normalised to ``1/sqrt(2)``."""
    values = 1.0 + np.log(tf)
    if idf is not None:
        values = values * idf[idx]
    is_char = idx >= (1 << bits)
    for view in (~is_char, is_char):
        norm = np.sqrt(np.dot(values[view], values[view]))
        if norm > 0:
            values[view] /= norm * np.sqrt(2.0)
    return values


def document_frequencies(texts, bits: int = DEFAULT_BITS) -> np.ndarray:
    """Smoothed inverse document frequency ``log((1 + n) / (1 + df)) + 1`` of each feature."""
    df = np.zeros(2 << bits)
    for text in texts:
        df[ngram_positions(text, bits)[0]] += 1
    return np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0


def hashed_matrix(texts, bits: int = DEFAULT_BITS, idf: np.ndarray | None = None) -> sparse.csr_matrix:
    """TF-IDF hashed feature matrix of ``texts`` (one row per text)."""
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

    def logit(self, text: str) -> float:
        """The lexical logit of a text."""
        _, terms = self._terms(text)
        return float(terms.sum() + self.bias)

    def sentence_logits(self, doc: Document) -> np.ndarray:
        """Each sentence's share of the lexical logit (without the bias); sums to ``logit - bias``."""
        out = np.zeros(len(doc.sentences))
        pos, terms = self._terms(doc.text)
        if not len(terms) or not len(out):
            return out
        starts = np.array([s.start for s in doc.sentences])
        owner = np.clip(np.searchsorted(starts, pos, side="right") - 1, 0, len(out) - 1)
        np.add.at(out, owner, terms)
        return out

    def config(self) -> dict:
        return {"bits": self.bits, "bias": self.bias, "weighting": "word12+char345-sublinear-tfidf"}

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = {"lexical_weights": self.weights.astype(np.float32)}
        if self.idf is not None:
            arrays["lexical_idf"] = self.idf.astype(np.float32)
        return arrays

    @classmethod
    def from_arrays(cls, config: dict, arrays: dict[str, np.ndarray]) -> LexicalScorer:
        bits = int(config["bits"])
        weights = arrays.get("lexical_weights")
        idf = arrays.get("lexical_idf")
        if weights is None or weights.shape != (2 << bits,) or (idf is not None and idf.shape != weights.shape):
            raise ValueError("lexical weights missing or of the wrong shape")
        return cls(weights=weights.astype(np.float64), bias=float(config["bias"]),
                   idf=None if idf is None else idf.astype(np.float64), bits=bits)
