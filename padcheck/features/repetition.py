"""Repetition: text that says the same thing again, word for word or nearly.

Padding repeats itself. A content farm pastes an embedded tweet's text into the article once
more, restates the opening claim in every section, and reuses the same long phrases and
sentence openings. This module measures that, and puts the evidence on the *later* copy of
each repetition (``Evidence.related`` is the sentence of the first copy).

Signals
-------
- Exact duplicate paragraphs and sentences, after normalising case, whitespace and
  punctuation. Units shorter than ``min_words`` words and headings are ignored, so a recipe's
  repeated "Stir well." or a repeated section heading does not count.
- Near-duplicate sentences: Jaccard similarity of the sets of content-word stems of two
  sentences (function words removed, words cut to their first ``stem_chars`` letters so that
  "attacks"/"attack" and "preparing"/"preparations" meet). Candidate pairs come from MinHash
  signatures bucketed with locality-sensitive hashing (Broder 1997; Leskovec, Rajaraman and
  Ullman, *Mining of Massive Datasets*, ch. 3), each bucket keeping only its first few members,
  so the cost is linear in the number of sentences, never all-pairs.
- Gopher n-gram statistics (Rae et al. 2021, "Scaling Language Models: Methods, Analysis &
  Insights from Training Gopher", appendix A, table A1), computed the way datatrove's
  ``GopherRepetitionFilter`` does, but vectorised with numpy over hashed word ids:

  ======================================================  =========================
  statistic                                               Gopher drop threshold
  ======================================================  =========================
  duplicate line fraction / duplicate paragraph fraction  0.30 / 0.30
  duplicate line / paragraph character fraction           0.20 / 0.20
  top 2-gram / 3-gram / 4-gram character fraction         0.20 / 0.18 / 0.16
  duplicate 5, 6, 7, 8, 9, 10-gram character fraction     0.15, 0.14, 0.13, 0.12, 0.11, 0.10
  ======================================================  =========================

  padcheck reports the fractions as features (the trained model weighs them) rather than
  dropping documents; the top n-gram thresholds only decide when the top n-gram is worth
  pointing at as evidence (below them it is ordinary "of the" reuse).
- Repeated sentence openings: share of sentences whose first ``opening_words`` words repeat
  the opening of an earlier sentence ("The role of …", "The role of …").

Embedded social posts (tweets) are *sources*: an article sentence that repeats a tweet is a
duplicate of it, but a tweet itself never receives evidence and is not counted in any
fraction. Numbers in messages are indices into ``Document.sentences`` / ``Document.blocks``
(0-based, as in ``Evidence.related``).

Defaults: ``min_words=5`` keeps short formulaic sentences ("Stir well.", "All rights
reserved.") out of the duplicate counts. ``near_threshold=0.4``, ``near_min_words=6`` and
``near_min_gap=5`` were set by reading the pairs they flag in padded and human pages of the
``wild_train`` set: paraphrased restatements of a claim score 0.4-0.5, while human near-pairs
are mostly adjacent (a headline echoed by its lead, parallel steps of a manual); with the gap
rule 4% of human and 6% of padded excerpts get any near-duplicate. ``opening_words=3`` because
two-word openings ("It is", "In the") repeat in any text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, count

import numpy as np

from padcheck._compiled import speedups as _speedups
from padcheck._text import lower_in_place
from padcheck.document import BlockKind, Document
from padcheck.features._lexicon import load_lexicon
from padcheck.features.base import Evidence, Extraction, FeatureSpec, quote

__all__ = [
    "RepetitionExtractor",
    "SharedAnalysis",
    "Unit",
    "document_units",
    "exact_duplicates",
    "near_duplicates",
    "normalise",
    "shared_analysis",
    "word_spans",
]

NAME = "repetition"

# A word: letters/digits with inner apostrophes, hyphens or dots ("don't", "Iran-backed", "U.S"),
# and digit groups ("1,200"). Every repetition starts with a separator character, so matching
# is linear (no backtracking).
_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+|(?<=\d),\d+)*")
# Starts only at the start of a token (the lookbehind), so a long token without a link is
# scanned once, not once per character.
_URL = re.compile(r"(?<!\S)\S*(?:https?://|www\.|pic\.twitter\.com/)\S*")

_BODY_KINDS = frozenset({BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE})
_SOURCE_KINDS = frozenset({BlockKind.SOCIAL_POST})
_SKIP_KINDS = frozenset({BlockKind.CODE, BlockKind.CODE_FENCE})

# MinHash / LSH layout: 24 bands of 2 rows puts the LSH S-curve midpoint near Jaccard 0.2, so
# pairs at the 0.4 threshold become candidates with probability ~0.985; every candidate is then
# verified with the exact Jaccard, so the loose curve costs time, not precision.
_BANDS, _ROWS = 24, 2
_BUCKET_CAP = 4  # members kept per LSH bucket: bounds work on 100k near-identical sentences
_MESSAGE_CHARS = 60
_SPECS = (
    ("duplicate_paragraph_frac", "share of body words in paragraphs that repeat an earlier paragraph word for word"),
    ("duplicate_sentence_frac", "share of body words in sentences that repeat an earlier sentence or a social post "
                                "word for word (outside repeated paragraphs)"),
    ("near_duplicate_frac", "share of body words in sentences that restate an earlier sentence or social post "
                            "(content-word Jaccard >= near_threshold)"),
    ("top_2gram_frac", "Gopher: share of word characters covered by the most frequent repeated word 2-gram"),
    ("top_3gram_frac", "Gopher: share of word characters covered by the most frequent repeated word 3-gram"),
    ("top_4gram_frac", "Gopher: share of word characters covered by the most frequent repeated word 4-gram"),
    ("dup_5gram_frac", "Gopher: share of word characters inside word 5-grams that occurred earlier"),
    ("dup_7gram_frac", "Gopher: share of word characters inside word 7-grams that occurred earlier"),
    ("dup_10gram_frac", "Gopher: share of word characters inside word 10-grams that occurred earlier"),
    ("repeated_opening_frac", "share of body sentences whose first words repeat an earlier sentence's opening"),
    ("repeated_passages", "number n of later verbatim copies of a paragraph or sentence of >= passage_min_words "
                          "words, scaled n/(n+1); not length-normalised: one copied passage is a tell at any length"),
)
_TOP_NS = (2, 3, 4)
_DUP_NS = (5, 7, 10)


# ---------------------------------------------------------------------------------------------
# Pure helpers


def word_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the words in ``text[start:end]``, as offsets into ``text``."""
    end = len(text) if end is None else end
    return [m.span() for m in _WORD.finditer(text, start, end)]


def normalise(text: str) -> str:
    """Lower-cased words joined by one space: case, whitespace and punctuation removed."""
    return " ".join(m.group(0).lower().replace("’", "'") for m in _WORD.finditer(text))


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    return frozenset(e.phrase.lower() for e in load_lexicon("function_words.tsv") if e.tag != "number")


def content_stems(words: Iterable[str], stem_chars: int) -> frozenset[str]:
    """Set of content-word stems: function words dropped, each word cut to ``stem_chars`` letters."""
    stop = _function_words()
    return frozenset(w[:stem_chars] for w in words if w not in stop)


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence as repetition sees it.

    Attributes
    ----------
    sentence : int
        Index into ``Document.sentences``.
    role : str
        ``"body"`` (counted, may get evidence), ``"source"`` (a social-post line: may be repeated,
        never counted nor flagged), ``"heading"`` or ``"code"``.
    start, end : int
        Span of the unit in ``Document.text`` (a social-post unit is one line of the post).
    words : tuple of str
        Lower-cased words.
    """

    sentence: int
    role: str
    start: int
    end: int
    words: tuple[str, ...]


def document_units(doc: Document) -> list[Unit]:
    """Split ``doc`` into :class:`Unit` objects: social-post lines first, then sentences in order.

    Social posts come first so that an article sentence repeating a tweet is the "later copy"
    wherever the tweet sits. The units are computed once per document (see
    :func:`shared_analysis`); the list returned is a fresh copy.
    """
    return list(shared_analysis(doc).units)


def _lower_words(text: str, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """``text[a:b].lower().replace("’", "'")`` for every span (int64 arrays), without a Python call per word."""
    low = lower_in_place(text)
    if low is not None:
        if _speedups is not None:
            return _speedups.substrings(low, starts, ends)
        return list(map(low.__getitem__, map(slice, starts.tolist(), ends.tolist())))
    return [text[a:b].lower().replace("’", "'") for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]


def _vocabulary(words: list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct words in order of first appearance, and the uint64 id of each word."""
    if _speedups is not None:
        vocab, ids = _speedups.vocab_ids(words)
        return vocab, np.frombuffer(ids, dtype=np.uint64)
    vocab = list(dict.fromkeys(words))
    index = dict(zip(vocab, range(len(vocab)), strict=True))
    return vocab, np.fromiter(map(index.__getitem__, words), dtype=np.uint64, count=len(words))


def _text_word_spans(text: str) -> tuple[np.ndarray, np.ndarray]:
    """int64 starts and ends of every word of ``text`` (what ``_WORD.finditer(text)`` finds)."""
    if _speedups is not None:
        spans = np.frombuffer(_speedups.word_spans(text), dtype=np.int64).reshape(-1, 2)
        return spans[:, 0].copy(), spans[:, 1].copy()
    matches = list(_WORD.finditer(text))
    return (np.fromiter(map(re.Match.start, matches), dtype=np.int64, count=len(matches)),
            np.fromiter(map(re.Match.end, matches), dtype=np.int64, count=len(matches)))


class SharedAnalysis:
    """Per-document word table and units, shared by the repetition and density extractors.

    Built once per :class:`~padcheck.document.Document` by :func:`shared_analysis` and kept in
    the document's private cache, so both extractors tokenise the text once and density reuses
    repetition's duplicate search when it asks the same question.

    The word table holds every word of ``doc.text`` (one ``finditer`` over the whole text),
    followed by words re-matched inside single units when a whole-text word straddles a unit
    boundary (a sentence split inside "U.S"): matching within a span gives the words of the
    whole-text match wherever none straddles the span's ends, so only those units need it.
    Every unit and sentence is therefore one contiguous range of the table.

    Attributes
    ----------
    text : str
        ``doc.text``.
    units : tuple of Unit
        What :func:`document_units` returns.
    starts, ends : numpy.ndarray
        int64 character spans of the words of the table.
    words : list of str
        Lower-cased words (``’`` as ``'``), as in :func:`normalise`.
    ids : numpy.ndarray
        uint64 id of each word (equal words, equal ids; ids in order of first appearance).
    vocab : list of str
        The word of each id.
    sentence_ranges : list of tuple of int
        ``(lo, hi)`` table range of the words of each sentence (``word_spans`` of its span).
    unit_ranges : list of tuple of int
        ``(lo, hi)`` table range of ``word_spans`` of each unit's span (for a social-post line
        this includes link words, which ``Unit.words`` leaves out).
    """

    __slots__ = (
        "text", "units", "starts", "ends", "words", "ids", "vocab", "sentence_ranges", "unit_ranges",
        "_n_text_words", "_starts_list", "_ends_list", "_cache",
    )

    def __init__(self, doc: Document) -> None:
        text = doc.text
        s_arr, e_arr = _text_word_spans(text)
        starts, ends = s_arr.tolist(), e_arr.tolist()
        words = _lower_words(text, s_arr, e_arr)
        self.text = text
        self._n_text_words = len(starts)
        self._starts_list, self._ends_list = starts, ends
        sentences = doc.sentences
        locate = self.locate
        sent_ranges = [locate(s.start, s.end) for s in sentences]
        # Extra words (re-matched in a straddled span) are appended to these lists.
        self.sentence_ranges = [
            r if r is not None else self._append(s.start, s.end, starts, ends, words)
            for s, r in zip(sentences, sent_ranges, strict=True)
        ]
        sources: list[Unit] = []
        source_ranges: list[tuple[int, int]] = []
        units: list[Unit] = []
        unit_ranges: list[tuple[int, int]] = []
        blocks = doc.blocks
        for s in sentences:
            kind = blocks[s.block].kind
            if kind in _SOURCE_KINDS:
                # One tweet sentence may hold the post and its attribution line: compare line by line,
                # without links, which the article never repeats.
                pos = s.start
                for piece in re.split(r"[\r\n]+", s.text):
                    a = text.find(piece, pos, s.end) if piece else -1
                    if a < 0:
                        continue
                    pos = a + len(piece)
                    piece_words = tuple(normalise(_URL.sub(" ", piece)).split())
                    if piece_words:
                        sources.append(Unit(s.index, "source", a, a + len(piece), piece_words))
                        found = self.locate(a, a + len(piece))
                        source_ranges.append(found if found is not None else
                                             self._append(a, a + len(piece), starts, ends, words))
                continue
            role = "body" if kind in _BODY_KINDS else "heading" if kind is BlockKind.HEADING else "code"
            lo, hi = self.sentence_ranges[s.index]
            units.append(Unit(s.index, role, s.start, s.end, tuple(words[lo:hi])))
            unit_ranges.append((lo, hi))
        self.units = tuple(sources + units)
        self.unit_ranges = source_ranges + unit_ranges
        if len(starts) == len(s_arr):  # no straddled span re-matched: the arrays are the lists
            self.starts, self.ends = s_arr, e_arr
        else:
            self.starts = np.asarray(starts, dtype=np.int64)
            self.ends = np.asarray(ends, dtype=np.int64)
        self.words = words
        self.vocab, self.ids = _vocabulary(words)
        self._cache: dict = {}

    def locate(self, start: int, end: int) -> tuple[int, int] | None:
        """Table range of ``word_spans(text, start, end)``, or ``None`` when a whole-text word straddles an end."""
        starts, ends, n = self._starts_list, self._ends_list, self._n_text_words
        lo = bisect.bisect_left(starts, start, 0, n)
        hi = max(bisect.bisect_right(ends, end, 0, n), lo)
        if (lo > 0 and ends[lo - 1] > start) or (hi < n and starts[hi] < end):
            return None
        return lo, hi

    def count_words(self, start: int, end: int) -> int:
        """``len(word_spans(text, start, end))``."""
        found = self.locate(start, end)
        return found[1] - found[0] if found is not None else len(word_spans(self.text, start, end))

    def normalised(self, start: int, end: int) -> str:
        """``normalise(text[start:end])``."""
        found = self.locate(start, end)
        return " ".join(self.words[found[0]:found[1]]) if found is not None else normalise(self.text[start:end])

    def _append(self, start, end, starts, ends, words) -> tuple[int, int]:
        found = word_spans(self.text, start, end)
        lo = len(starts)
        starts.extend(a for a, _ in found)
        ends.extend(b for _, b in found)
        words.extend(self.text[a:b].lower().replace("’", "'") for a, b in found)
        return lo, len(starts)

    # -- memoised intermediate results (keyed by the parameters they depend on) -------------

    def stems(self, stem_chars: int) -> list[frozenset[str]]:
        """``content_stems(unit.words, stem_chars)`` of every unit."""
        key = ("stems", stem_chars)
        out = self._cache.get(key)
        if out is None:
            stop = _function_words()
            # Stem each distinct word once; then keep the content words of the table in order, and
            # each table position's count of content words before it, so a unit's stems are one slice.
            by_id = [w[:stem_chars] for w in self.vocab]
            content_id = ~np.fromiter(map(stop.__contains__, self.vocab), dtype=bool, count=len(self.vocab))
            is_content = content_id[self.ids] if len(self.ids) else np.zeros(0, dtype=bool)
            stems = list(map(by_id.__getitem__, self.ids[is_content].tolist()))
            before = np.concatenate(([0], np.cumsum(is_content)))
            bounds = np.asarray(self.unit_ranges, dtype=np.int64).reshape(-1, 2)
            out = []
            for u, a, b in zip(self.units, before[bounds[:, 0]].tolist(), before[bounds[:, 1]].tolist(), strict=True):
                if u.role == "source":  # its words are not its span's words (links removed)
                    out.append(content_stems(u.words, stem_chars))
                    continue
                out.append(frozenset(stems[a:b]))
            self._cache[key] = out
        return out

    def exact(self, min_words: int) -> list[int | None]:
        """:func:`exact_duplicates` over the body and social-post units of at least ``min_words`` words."""
        key = ("exact", min_words)
        out = self._cache.get(key)
        if out is None:
            out = exact_duplicates(
                " ".join(u.words) if u.role in ("body", "source") and len(u.words) >= min_words else None
                for u in self.units
            )
            self._cache[key] = out
        return out

    def near(self, live: list[int], stem_chars: int, threshold: float, min_gap: int) -> dict[int, tuple[int, float]]:
        """:func:`near_duplicates` over the stem sets of the units at positions ``live`` (in order).

        Returns ``{unit position: (earlier unit position, Jaccard)}``. The search depends only on
        the sequence of sets and their sentence positions, so the same ``live`` gives the same
        answer: density and repetition share it when they exclude the same units.
        """
        key = ("near", stem_chars, threshold, min_gap, tuple(live))
        out = self._cache.get(key)
        if out is None:
            stems = self.stems(stem_chars)
            units = self.units
            hits = near_duplicates([stems[p] for p in live], threshold, [units[p].sentence for p in live], min_gap)
            out = {live[i]: (live[hit[0]], hit[1]) for i, hit in enumerate(hits) if hit is not None}
            self._cache[key] = out
        return out


def shared_analysis(doc: Document) -> SharedAnalysis:
    """The :class:`SharedAnalysis` of ``doc``, built on first use and kept in the document's cache.

    ``Document`` is frozen, but its private ``_by_kind`` dict is a per-document cache outside
    equality; the entry lives and dies with the document, so there is no stale-identity risk.
    """
    cache = doc._by_kind
    found = cache.get("repetition.analysis")
    if found is None:
        found = SharedAnalysis(doc)
        cache["repetition.analysis"] = found
    return found


def exact_duplicates(keys: Iterable[str | None]) -> list[int | None]:
    """For each key, the position of its first earlier occurrence (``None`` if first or key is ``None``)."""
    first: dict[str, int] = {}
    out: list[int | None] = []
    for i, key in enumerate(keys):
        if key is None:
            out.append(None)
            continue
        j = first.setdefault(key, i)
        out.append(j if j != i else None)
    return out


@lru_cache(maxsize=4)
def _hash_params(n_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Multipliers and offsets of the ``n_perm`` MinHash functions (drawing them costs more than hashing a page)."""
    rng = np.random.default_rng(20211208)  # fixed seed: signatures must not change between runs
    a = rng.integers(1, 2**63, size=n_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=n_perm, dtype=np.uint64)
    a.flags.writeable = b.flags.writeable = False  # shared by every call
    return a, b


#: Largest ``ids x hash functions`` block hashed at once (8 MB of uint64).
_HASH_BLOCK = 1 << 20


def _set_ids(sets: list[frozenset[str]]) -> tuple[np.ndarray, np.ndarray]:
    """The sets as runs of uint64 vocabulary ids, and the length of each run.

    Strings get ids from 1 in order of first appearance (deterministic, unlike ``hash()``), each
    set's strings taken sorted, because set iteration order depends on the string hash seed.
    """
    flat = list(chain.from_iterable(map(sorted, sets)))
    vocab = dict(zip(dict.fromkeys(flat), count(1)))
    ids = np.fromiter(map(vocab.__getitem__, flat), dtype=np.uint64, count=len(flat))
    return ids, np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))


def _minhash(sets: list[frozenset[str]], n_perm: int) -> np.ndarray:
    """MinHash signatures (``len(sets) x n_perm`` uint64) of non-empty sets of strings.

    The ``n_perm`` fixed multiply-shift hash functions are applied to the vocabulary ids of all
    sets at once (see :func:`_set_ids`), as many functions per numpy call as fit in
    ``_HASH_BLOCK`` values.
    """
    ids, lengths = _set_ids(sets)
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    a, b = _hash_params(n_perm)
    signatures = np.empty((len(sets), n_perm), dtype=np.uint64)
    step = max(1, min(n_perm, _HASH_BLOCK // max(len(ids), 1)))
    with np.errstate(over="ignore"):
        for k in range(0, n_perm, step):  # bounded memory on a huge document
            hashed = (ids[:, None] * a[None, k:k + step] + b[None, k:k + step]) >> np.uint64(32)  # wraps mod 2**64
            signatures[:, k:k + step] = np.minimum.reduceat(hashed, offsets, axis=0)
    return signatures


def near_duplicates(
    sets: list[frozenset[str] | None],
    threshold: float,
    positions: list[int] | None = None,
    min_gap: int = 0,
) -> list[tuple[int, float] | None]:
    """For each set, the earliest earlier set with Jaccard >= ``threshold``, found through LSH.

    Parameters
    ----------
    sets : list of frozenset or None
        Content-word stem sets in text order; ``None`` marks a unit that takes no part.
    threshold : float
        Minimum Jaccard similarity.
    positions : list of int, optional
        Position of each set in the text (e.g. its sentence index); defaults to its list index.
    min_gap : int
        Pairs closer than this many positions are not reported.

    Returns
    -------
    list
        ``(position of the earlier set, Jaccard)`` or ``None`` per input.
    """
    out: list[tuple[int, float] | None] = [None] * len(sets)
    positions = list(range(len(sets))) if positions is None else positions
    live = [i for i, s in enumerate(sets) if s]
    if len(live) < 2:
        return out
    if _speedups is not None:
        ids, lengths = _set_ids([sets[i] for i in live])
        a, b = _hash_params(_BANDS * _ROWS)
        where = np.asarray([positions[i] for i in live], dtype=np.int64)
        match, jaccard = _speedups.near_matches(ids, lengths, a, b, where, min_gap, threshold, _BUCKET_CAP)
        for row, (earlier, value) in enumerate(zip(np.frombuffer(match, dtype=np.int64).tolist(),
                                                    np.frombuffer(jaccard).tolist(), strict=True)):
            if earlier >= 0:
                out[live[row]] = (live[earlier], value)
        return out
    signatures = _minhash([sets[i] for i in live], _BANDS * _ROWS)
    # One integer key per (unit, band): the band's two 32-bit minima side by side.
    keys = (signatures[:, 0::2] << np.uint64(32)) | signatures[:, 1::2]
    rows, cands = _lsh_candidates(keys, _BUCKET_CAP)
    if not len(rows):
        return out
    live_arr = np.asarray(live, dtype=np.int64)
    pos_arr = np.asarray(positions, dtype=np.int64)
    mine, other = live_arr[rows], live_arr[cands]
    keep = np.abs(pos_arr[mine] - pos_arr[other]) >= min_gap
    mine, other = mine[keep].tolist(), other[keep].tolist()
    # Candidates come sorted by unit, then by earlier unit: the first that passes is the answer,
    # as in a scan of each unit's candidates in order.
    for i, j in zip(mine, other, strict=True):
        if out[i] is not None:
            continue
        a, b = sets[i], sets[j]
        inter = len(a & b)
        jaccard = inter / (len(a) + len(b) - inter)
        if jaccard >= threshold:
            out[i] = (j, jaccard)
    return out


def _lsh_candidates(keys: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs of LSH banding with capped buckets, as sorted ``(row, earlier row)`` arrays.

    Equivalent to visiting the rows in order and, for each band, taking as candidates the
    members already in the row's bucket (``(band, key)``), then joining the bucket if it has
    fewer than ``cap`` members: a bucket only ever holds its first ``cap`` rows, so the row of
    rank ``k`` in a bucket is paired with the bucket's first ``min(k, cap)`` rows. Done with one
    sort instead of a dictionary lookup per (row, band); pairs found in several bands appear once.
    """
    n_rows, n_bands = keys.shape
    band = np.repeat(np.arange(n_bands, dtype=np.int64), n_rows)
    row = np.tile(np.arange(n_rows, dtype=np.int64), n_bands)
    key = keys.T.ravel()
    order = np.lexsort((row, key, band))  # by bucket, rows ascending within one
    band, row, key = band[order], row[order], key[order]
    new_bucket = np.ones(len(row), dtype=bool)
    new_bucket[1:] = (band[1:] != band[:-1]) | (key[1:] != key[:-1])
    start = np.maximum.accumulate(np.where(new_bucket, np.arange(len(row)), 0))
    rank = np.arange(len(row)) - start
    mine, earlier = [], []
    for m in range(cap):
        sel = rank > m
        mine.append(row[sel])
        earlier.append(row[start[sel] + m])
    codes = np.unique(np.concatenate(mine) * n_rows + np.concatenate(earlier))  # sorted, deduplicated
    return codes // n_rows, codes % n_rows


def _ngram_keys(ids: np.ndarray, n: int) -> np.ndarray:
    """A 64-bit hash for each word n-gram of ``ids`` (collisions are negligible at 2**-64)."""
    with np.errstate(over="ignore"):
        keys = np.zeros(len(ids) - n + 1, dtype=np.uint64)
        for k in range(n):
            keys = keys * np.uint64(1_000_003) + ids[k:len(ids) - n + 1 + k]
    return keys


def _ngram_key_table(ids: np.ndarray, ns: Iterable[int]) -> dict[int, np.ndarray]:
    """``_ngram_keys(ids, n)`` for every ``n`` in ``ns`` (each at most ``len(ids)``), built incrementally.

    The key of an n-gram is the key of its first n - 1 words times the multiplier plus its last
    word, the same Horner sum mod 2**64 as :func:`_ngram_keys`, so one multiply-add per length
    replaces ``n`` of them.
    """
    wanted = set(ns)
    out: dict[int, np.ndarray] = {}
    keys = ids.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        for n in range(1, max(wanted, default=0) + 1):
            if n > 1:
                keys = keys[:-1] * np.uint64(1_000_003) + ids[n - 1:]
            if n in wanted:
                out[n] = keys
    return out


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Equal keys grouped: ``order`` (stable argsort), each group's start in it, and its size.

    Stable, so ``order[start]`` is the first occurrence of a group's key and a group's
    positions come in text order (what ``np.unique(..., return_index=True)`` reports, with
    fewer passes).
    """
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    sizes = np.diff(np.append(starts, len(keys)))
    return order, starts, sizes


def _top_positions(keys: np.ndarray) -> np.ndarray:
    """Positions of the most frequent key (ties: the one that appears first); none if no key repeats."""
    order, starts, sizes = _groups(keys)
    best_count = sizes.max()
    if best_count < 2:
        return np.empty(0, dtype=np.int64)
    best = np.flatnonzero(sizes == best_count)
    best = best[np.argmin(order[starts[best]])]  # ties: the n-gram that appears first
    return order[starts[best]:starts[best] + best_count].astype(np.int64, copy=False)


def _top_chars(positions: np.ndarray, lengths: np.ndarray, n: int) -> float:
    """Characters of the n-gram at ``positions[0]`` times its number of occurrences."""
    if not len(positions):
        return 0.0
    return float(lengths[positions[0]:positions[0] + n].sum()) * len(positions)


def _top_from_keys(keys: np.ndarray, lengths: np.ndarray, n: int) -> tuple[float, np.ndarray]:
    positions = _top_positions(keys)
    return _top_chars(positions, lengths, n), positions


def _repeat_stats(ids: np.ndarray) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Positions of the top n-gram for each n of ``_TOP_NS`` and repeated-word masks for each of ``_DUP_NS``."""
    if _speedups is not None:
        tops, dups = _speedups.ngram_repeats(np.ascontiguousarray(ids, dtype=np.uint64), _TOP_NS, _DUP_NS)
        return ({n: np.frombuffer(t, dtype=np.int64) for n, t in zip(_TOP_NS, tops, strict=True)},
                {n: np.frombuffer(d, dtype=bool) for n, d in zip(_DUP_NS, dups, strict=True)})
    table = _ngram_key_table(ids, [n for n in (*_TOP_NS, *_DUP_NS) if n <= len(ids)])
    empty = np.empty(0, dtype=np.int64)
    return ({n: _top_positions(table[n]) if n in table else empty for n in _TOP_NS},
            {n: _dup_mask_from_keys(table[n], len(ids), n) if n in table else np.zeros(len(ids), dtype=bool)
             for n in _DUP_NS})


def _dup_mask_from_keys(keys: np.ndarray, n_ids: int, n: int) -> np.ndarray:
    order, starts, _ = _groups(keys)
    later = np.ones(len(keys), dtype=bool)
    later[starts] = False
    repeats = order[later]  # start of every n-gram that occurred earlier
    if not len(repeats):
        return np.zeros(n_ids, dtype=bool)
    cover = np.bincount(repeats, minlength=n_ids + 1) - np.bincount(repeats + n, minlength=n_ids + 1)
    return np.cumsum(cover[:-1]) > 0


def top_ngram(ids: np.ndarray, lengths: np.ndarray, n: int) -> tuple[float, np.ndarray]:
    """Gopher top n-gram: characters of the most frequent n-gram times its count, and its positions.

    Only a repeated n-gram counts (a top n-gram seen once covers nothing). Ties go to the n-gram
    that appears first, as ``Counter.most_common`` does in datatrove.
    """
    if len(ids) < n:
        return 0.0, np.empty(0, dtype=np.int64)
    return _top_from_keys(_ngram_keys(ids, n), lengths, n)


def duplicate_ngram_mask(ids: np.ndarray, n: int) -> np.ndarray:
    """Boolean mask of words inside an n-gram that already occurred earlier (Gopher dup n-grams)."""
    if len(ids) < n:
        return np.zeros(len(ids), dtype=bool)
    return _dup_mask_from_keys(_ngram_keys(ids, n), len(ids), n)




def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(first, last + 1)`` of each run of ``True`` in ``mask``."""
    if not mask.any():
        return []
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True))


# ---------------------------------------------------------------------------------------------
# Extractor


class RepetitionExtractor:
    """Exact and near-duplicate text, Gopher n-gram repetition and repeated sentence openings.

    Parameters
    ----------
    min_words : int, default 5
        Sentences and paragraphs with fewer words are never exact duplicates ("Stir well.").
    passage_min_words : int, default 15
        A verbatim copy counts as a repeated passage (``repeated_passages``) from this length.
    near_threshold : float, default 0.4
        Content-word Jaccard similarity from which a sentence restates an earlier one.
    near_min_words : int, default 6
        Sentences with fewer distinct content-word stems take no part in near-duplicate search.
    near_min_gap : int, default 5
        A restatement must sit at least this many sentences after what it restates: a headline
        echoed by the lead, or two parallel steps of a manual, are normal writing.
    stem_chars : int, default 6
        Content words are cut to this many characters before comparing (a cheap stemmer).
    opening_words : int, default 3
        Number of leading words that make a sentence's opening.
    top_2gram_threshold, top_3gram_threshold, top_4gram_threshold : float, default 0.20, 0.18, 0.16
        Gopher (table A1) thresholds; the top n-gram gets evidence only above them.

    Examples
    --------
    >>> import padcheck
    >>> text = "The bridge will close on Monday for repairs.\\n\\nIt rained.\\n\\nThe bridge will close on Monday for repairs."
    >>> out = RepetitionExtractor().extract(padcheck.parse(text))
    >>> [(e.code, e.sentence, e.related) for e in out.evidence if e.code.startswith("repetition.duplicate_p")]
    [('repetition.duplicate_paragraph', 2, 0)]
    """

    name = NAME
    specs = tuple(FeatureSpec(f"{NAME}.{short}", meaning, "[0, 1]") for short, meaning in _SPECS)

    def __init__(
        self,
        *,
        min_words: int = 5,
        passage_min_words: int = 15,
        near_threshold: float = 0.4,
        near_min_words: int = 6,
        near_min_gap: int = 5,
        stem_chars: int = 6,
        opening_words: int = 3,
        top_2gram_threshold: float = 0.20,
        top_3gram_threshold: float = 0.18,
        top_4gram_threshold: float = 0.16,
    ) -> None:
        self.min_words = min_words
        self.passage_min_words = passage_min_words
        self.near_threshold = near_threshold
        self.near_min_words = near_min_words
        self.near_min_gap = near_min_gap
        self.stem_chars = stem_chars
        self.opening_words = opening_words
        self.top_2gram_threshold = top_2gram_threshold
        self.top_3gram_threshold = top_3gram_threshold
        self.top_4gram_threshold = top_4gram_threshold

    def extract(self, doc: Document) -> Extraction:
        """Compute the repetition features of ``doc`` and the evidence for them.

        Parameters
        ----------
        doc : Document
            A parsed document.

        Returns
        -------
        Extraction
            Every feature of :attr:`specs` (fractions in [0, 1]) and the evidence.
        """
        features = {spec.name: 0.0 for spec in self.specs}
        shared = shared_analysis(doc)
        units = shared.units
        evidence: list[Evidence] = []
        body_words = sum(len(u.words) for u in units if u.role == "body")
        if body_words:
            flagged = self._duplicates(doc, shared, body_words, features, evidence)
            self._near_duplicates(shared, flagged, body_words, features, evidence)
            self._openings(shared, flagged, features, evidence)
        self._ngrams(shared, features, evidence)
        return Extraction(features, tuple(evidence))

    # -- exact duplicates -------------------------------------------------------------------

    def _duplicates(self, doc, shared, body_words, features, evidence) -> set[int]:
        """Exact duplicate paragraphs, then sentences; returns the flagged unit positions."""
        units = shared.units
        flagged: set[int] = set()
        sentences = doc.sentences
        by_sentence = {u.sentence: i for i, u in enumerate(units) if u.role == "body"}

        blocks = [b for b in doc.blocks if b.kind in _BODY_KINDS]
        block_keys = []
        for b in blocks:
            key = shared.normalised(b.start, b.end)
            block_keys.append(key if key.count(" ") + 1 >= self.min_words else None)
        block_sentences: dict[int, list[int]] = {}
        for s in sentences:
            block_sentences.setdefault(s.block, []).append(s.index)
        para_words = 0
        for b, earlier in zip(blocks, exact_duplicates(block_keys), strict=True):
            if earlier is None:
                continue
            first = blocks[earlier]
            mine, theirs = block_sentences.get(b.index, []), block_sentences.get(first.index, [])
            for k, s_index in enumerate(mine):
                pos = by_sentence[s_index]
                flagged.add(pos)
                n = len(units[pos].words)
                para_words += n
                s = sentences[s_index]
                evidence.append(Evidence(
                    f"{NAME}.duplicate_paragraph", s_index, s.start, s.end, float(max(n, 1)),
                    f"repeats paragraph {first.index} word for word", f"{NAME}.duplicate_paragraph_frac",
                    related=theirs[min(k, len(theirs) - 1)] if theirs else None,
                ))
        features[f"{NAME}.duplicate_paragraph_frac"] = min(para_words / body_words, 1.0)

        sent_words = 0
        for pos, earlier in enumerate(shared.exact(self.min_words)):
            u = units[pos]
            if earlier is None or u.role != "body" or pos in flagged:
                continue
            flagged.add(pos)
            sent_words += len(u.words)
            first = units[earlier]
            what = "a social post" if first.role == "source" else "sentence"
            evidence.append(Evidence(
                f"{NAME}.duplicate_sentence", u.sentence, u.start, u.end, float(len(u.words)),
                f"repeats {what} {first.sentence} word for word", f"{NAME}.duplicate_sentence_frac",
                related=first.sentence,
            ))
        features[f"{NAME}.duplicate_sentence_frac"] = min(sent_words / body_words, 1.0)

        # Long verbatim copies, counted once per copied passage (a repeated paragraph's
        # sentences form one passage).
        passages: dict[tuple[str, int], Evidence] = {}
        for e in evidence:
            if e.code not in (f"{NAME}.duplicate_paragraph", f"{NAME}.duplicate_sentence"):
                continue
            key = (e.code, sentences[e.sentence].block if e.code.endswith("paragraph") else -1 - e.sentence)
            passages.setdefault(key, e)
        copies = 0
        for e in list(passages.values()):
            sentence = sentences[e.sentence]
            if e.code.endswith("paragraph"):
                copied = doc.blocks[sentence.block]
                words = shared.count_words(copied.start, copied.end)
            else:  # a body sentence: its unit's words are its span's words
                words = len(units[by_sentence[e.sentence]].words)
            if words < self.passage_min_words:
                continue
            copies += 1
            evidence.append(Evidence(
                f"{NAME}.repeated_passage", e.sentence, e.start, e.end, 1.0,
                f"copies a {words}-word passage verbatim ({e.message})", f"{NAME}.repeated_passages", related=e.related,
            ))
        features[f"{NAME}.repeated_passages"] = copies / (copies + 1)
        return flagged

    # -- near duplicates --------------------------------------------------------------------

    def _near_duplicates(self, shared, flagged, body_words, features, evidence) -> None:
        units = shared.units
        stems = shared.stems(self.stem_chars)
        live = [
            pos for pos, u in enumerate(units)
            if u.role in ("body", "source") and pos not in flagged and stems[pos]
            and len(stems[pos]) >= self.near_min_words
        ]
        hits = shared.near(live, self.stem_chars, self.near_threshold, self.near_min_gap)
        near_words = 0
        for pos in live:
            hit = hits.get(pos)
            u = units[pos]
            if hit is None or u.role != "body":
                continue
            earlier, jaccard = hit
            near_words += len(u.words)
            first = units[earlier]
            what = "a social post" if first.role == "source" else "sentence"
            evidence.append(Evidence(
                f"{NAME}.near_duplicate", u.sentence, u.start, u.end, float(len(u.words)) * jaccard,
                f"restates {what} {first.sentence} ({jaccard:.0%} of content words shared)",
                f"{NAME}.near_duplicate_frac", related=first.sentence,
            ))
        features[f"{NAME}.near_duplicate_frac"] = min(near_words / body_words, 1.0)

    # -- sentence openings ------------------------------------------------------------------

    def _openings(self, shared, flagged, features, evidence) -> None:
        k = self.opening_words
        units = shared.units
        # Exact copies are already evidence of their own; their openings would say it twice.
        eligible = [pos for pos, u in enumerate(units) if u.role == "body" and len(u.words) > k and pos not in flagged]
        if not eligible:
            return
        first: dict[tuple[str, ...], int] = {}
        repeats = 0
        text = shared.text
        for pos in eligible:
            u = units[pos]
            opening = u.words[:k]
            earlier = first.setdefault(opening, u.sentence)
            if earlier == u.sentence:
                continue
            repeats += 1
            lo, hi = shared.unit_ranges[pos]
            a, b = int(shared.starts[lo]), int(shared.ends[min(lo + k, hi) - 1])
            evidence.append(Evidence(
                f"{NAME}.repeated_opening", u.sentence, a, b, 1.0,
                f"opening '{quote(text[a:b], _MESSAGE_CHARS)}' repeats sentence {earlier}", f"{NAME}.repeated_opening_frac",
                related=earlier,
            ))
        features[f"{NAME}.repeated_opening_frac"] = repeats / len(eligible)

    # -- Gopher n-grams ---------------------------------------------------------------------

    def _ngrams(self, shared, features, evidence) -> None:
        text = shared.text
        roles = [u.role for u in shared.units]
        stream = [pos for pos, role in enumerate(roles) if role != "code"]
        if not stream:
            return
        ranges = np.asarray([shared.unit_ranges[pos] for pos in stream], dtype=np.int64).reshape(-1, 2)
        sizes = ranges[:, 1] - ranges[:, 0]
        n_words = int(sizes.sum())
        if not n_words:
            return
        # Table index of each word of the stream: the units' ranges laid end to end.
        owner_arr = np.repeat(np.arange(len(stream), dtype=np.int64), sizes)  # stream position of each word
        offsets = np.cumsum(sizes) - sizes
        index = np.arange(n_words, dtype=np.int64) + (ranges[:, 0] - offsets)[owner_arr]
        ids = shared.ids[index]
        starts, ends = shared.starts[index], shared.ends[index]
        lengths = ends - starts
        if "source" in roles:
            is_source = np.fromiter((roles[pos] == "source" for pos in stream), dtype=bool, count=len(stream))
            counted = ~is_source[owner_arr]
            total = float(lengths[counted].sum())
        else:  # the usual case: every word counts
            counted = None
            total = float(lengths.sum())
        if total <= 0:
            return
        units = [shared.units[pos] for pos in stream]
        lists: list[list[int]] = []  # starts, ends, owner as Python lists, made on the first evidence

        def located() -> list[list[int]]:
            if not lists:
                lists.extend((starts.tolist(), ends.tolist(), owner_arr.tolist()))
            return lists

        prefix = np.concatenate(([0], np.cumsum(lengths)))  # O(1) character sums per run
        thresholds = {2: self.top_2gram_threshold, 3: self.top_3gram_threshold, 4: self.top_4gram_threshold}
        top_positions, dup_masks = _repeat_stats(ids)
        for n in _TOP_NS:
            positions = top_positions[n]
            chars = _top_chars(positions, lengths, n)
            frac = min(chars / total, 1.0)
            features[f"{NAME}.top_{n}gram_frac"] = float(frac)
            if frac <= thresholds[n]:
                continue
            s_list, e_list, owner = located()
            # Occurrences that overlap within one sentence ("ha ha ha ha") make one item: one
            # highlight, their summed weight, so the sentence's credit is the same.
            runs: list[list] = []  # [first word, past last word, weight, unit, occurrences]
            for p in positions.tolist():
                if units[owner[p]].role == "source" or owner[p + n - 1] != owner[p]:
                    continue  # never flag a tweet; skip n-grams that straddle two sentences
                weight = float(prefix[p + n] - prefix[p])
                if runs and runs[-1][3] == owner[p] and p < runs[-1][1]:
                    runs[-1][1] = p + n
                    runs[-1][2] += weight
                    runs[-1][4] += 1
                else:
                    runs.append([p, p + n, weight, owner[p], 1])
            for first, past, weight, unit, times in runs:
                phrase = text[s_list[first]:e_list[first + n - 1]]
                overlapping = f", {times} times in a row" if times > 1 else ""
                evidence.append(Evidence(
                    f"{NAME}.top_ngram", units[unit].sentence, s_list[first], e_list[past - 1], weight,
                    f"most frequent {n}-word phrase '{quote(phrase, _MESSAGE_CHARS)}' ({frac:.0%} of the text)"
                    f"{overlapping}",
                    f"{NAME}.top_{n}gram_frac",
                ))
        cuts = cut_list = None
        for n in _DUP_NS:
            mask = dup_masks[n]
            features[f"{NAME}.dup_{n}gram_frac"] = min(
                float(lengths[mask if counted is None else mask & counted].sum()) / total, 1.0)
            runs = _runs(mask)
            if not runs:
                continue
            s_list, e_list, owner = located()
            if cuts is None:
                cuts = np.flatnonzero(np.diff(owner_arr)) + 1  # word positions where a new unit starts
                cut_list = cuts.tolist()
            # Evidence: each run of repeated words, cut at sentence boundaries (one searchsorted for all runs).
            run_arr = np.asarray(runs, dtype=np.int64)
            first_cut = np.searchsorted(cuts, run_arr[:, 0], "right").tolist()
            past_cut = np.searchsorted(cuts, run_arr[:, 1], "left").tolist()
            for (lo, hi), c0, c1 in zip(runs, first_cut, past_cut, strict=True):
                inner = cut_list[c0:c1]
                for a_w, b_w in zip([lo, *inner], [*inner, hi], strict=True):
                    u = units[owner[a_w]]
                    if u.role == "source":
                        continue
                    a, b = s_list[a_w], e_list[b_w - 1]
                    evidence.append(Evidence(
                        f"{NAME}.duplicate_ngram", u.sentence, a, b, float(prefix[b_w] - prefix[a_w]),
                        f"repeats {n}-word phrases: '{quote(text[a:b], _MESSAGE_CHARS)}'", f"{NAME}.dup_{n}gram_frac",
                    ))
