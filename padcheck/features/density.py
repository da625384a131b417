"""Density and style: how much a text says per word, and how evenly it is written.

Padded, machine-written pages say little per word and say it evenly: sentences of similar
length, few numbers, dates or names, many generic sentences and restatements, a steady
sprinkling of headings and lists. Human writing cites specifics, varies its rhythm
("burstiness") and talks in the first person. Every feature here is computed from the
document alone and normalised by length (shares, rates per 100 words, ratios), so short and
long documents compare.

Sources of the definitions and defaults:

- MATTR, the moving-average type-token ratio, is from Covington and McFall (2010), "Cutting
  the Gordian knot: the moving-average type-token ratio", *Journal of Quantitative
  Linguistics* 17(2); ``mattr_window=50`` follows the brief (50 words is also the window
  TextDescriptives-style tools use for short web texts).
- Sentence-length coefficient of variation as "burstiness" follows GPTZero's and DetectGPT-era
  detectors' use of sentence-length variance; human text varies more.
- The zlib compression ratio as a cheap redundancy signal is the one used in the CCNet /
  "Deduplicating training data" literature and in web-corpus filters (Lee et al. 2022).
- ``information_density`` is padcheck's own: the share of body words in sentences that are
  neither exact nor near duplicates of an earlier sentence (found with the helpers of
  :mod:`padcheck.features.repetition`, with its defaults) and that carry at least one specific
  (a number, a spelled-out number, or a capitalised word past the sentence's first word, i.e.
  a name). It deliberately does not use the filler lexicon: density must stand on its own.
- ``sentence_length_scale=50`` words maps typical sentence lengths (10-30 words) into
  [0.2, 0.6]; the clip bounds (coefficient of variation <= 3, word length <= 20 characters)
  only guard against degenerate inputs (one 1 MB "word").

Density emits no evidence: none of these features has a natural location in one sentence.
"""

from __future__ import annotations

import math
import zlib
from functools import lru_cache

import numpy as np

from padcheck._compiled import speedups as _speedups
from padcheck.document import BlockKind, Document
from padcheck.features._lexicon import load_lexicon
from padcheck.features.base import Extraction, FeatureSpec
from padcheck.features.repetition import RepetitionExtractor, SharedAnalysis, shared_analysis

__all__ = ["DensityExtractor", "cv", "mattr"]

NAME = "density"

_COMPRESSION_SAMPLE = 1_000_000  # characters compressed at most: level 9 costs about 60 ns a byte
_REPETITION = RepetitionExtractor()  # its stemming defaults define "near duplicate" here too
_SPECS = (
    ("information_density", "share of body words in sentences that are not (near-)duplicates and cite a specific "
                            "(number or name)", "[0, 1]"),
    ("mattr", "moving-average type-token ratio of the words (window mattr_window; plain TTR when shorter)", "[0, 1]"),
    ("sentence_length_mean", "mean words per body sentence / sentence_length_scale, clipped", "[0, 1]"),
    ("sentence_length_cv", "coefficient of variation of words per body sentence (burstiness), clipped", "[0, 3]"),
    ("paragraph_length_cv", "coefficient of variation of words per paragraph, clipped", "[0, 3]"),
    ("compression_ratio", "zlib-compressed size / UTF-8 size of the text (its first million characters), clipped "
                          "(lower = more redundant)",
     "[0, 1]"),
    ("mean_word_length", "mean characters per word, clipped", "[0, 20]"),
    ("heading_share", "share of sentences that are headings", "[0, 1]"),
    ("list_share", "share of block characters inside list items", "[0, 1]"),
    ("first_person_per_100w", "first-person pronouns (I, we, my, ...) per 100 words", "[0, 100]"),
    ("second_person_per_100w", "second-person pronouns (you, your, ...) per 100 words", "[0, 100]"),
    ("numbers_per_100w", "words with a digit or spelled-out numbers per 100 words", "[0, 100]"),
    ("names_per_100w", "capitalised words past a sentence's first word (names) per 100 body words", "[0, 100]"),
    ("question_share", "share of body sentences ending in a question mark", "[0, 1]"),
    ("exclamation_share", "share of sentences ending in an exclamation mark", "[0, 1]"),
)


# ---------------------------------------------------------------------------------------------
# Pure helpers


@lru_cache(maxsize=1)
def _tagged_words() -> dict[str, frozenset[str]]:
    tags: dict[str, set[str]] = {}
    for entry in load_lexicon("function_words.tsv"):
        tags.setdefault(entry.tag, set()).add(entry.phrase.lower())
    return {tag: frozenset(words) for tag, words in tags.items()}


def mattr(words: list[str] | np.ndarray, window: int) -> float:
    """Moving-average type-token ratio of ``words`` (plain type-token ratio if shorter than ``window``).

    ``words`` may be strings or integer word ids (equal words, equal ids). Linear after one
    sort: the sum over windows of their distinct-word counts is the sum over positions ``j`` of
    the number of windows in which ``words[j]`` is the first occurrence of its word, i.e. the
    windows that contain ``j`` but not the previous occurrence of the same word. Every count is
    an integer, so the result is exactly that of sliding the window one word at a time.
    """
    n = len(words)
    if n == 0:
        return 0.0
    if n <= window:
        return len(set(words if isinstance(words, list) else words.tolist())) / n
    return _window_types(_as_ids(words), window) / ((n - window + 1) * window)


def _window_types(ids: np.ndarray, window: int) -> int:
    """Sum over the windows of ``window`` ids (``len(ids) > window``) of their number of distinct ids."""
    n = len(ids)
    if _speedups is not None and ids.dtype.itemsize == 8 and ids.dtype.kind in "iu" and ids.min() >= 0:
        bound = int(ids.max()) + 1
        if bound <= 4 * n:  # word ids (what padcheck passes): a table of bound entries is cheap
            return _speedups.window_types(np.ascontiguousarray(ids), window, bound)
    return _window_types_numpy(ids, window)


def _window_types_numpy(ids: np.ndarray, window: int) -> int:
    n = len(ids)
    order = np.argsort(ids, kind="stable")  # equal words together, in text order
    prev = np.full(n, -1, dtype=np.int64)
    same = ids[order[1:]] == ids[order[:-1]]
    prev[order[1:][same]] = order[:-1][same]
    j = np.arange(n, dtype=np.int64)
    # Window t covers [t, t + window - 1], t = 0 .. n - window.
    lo = np.maximum(np.maximum(prev + 1, j - window + 1), 0)
    hi = np.minimum(j, n - window)
    return int(np.maximum(hi - lo + 1, 0).sum())


def _as_ids(words: list[str] | np.ndarray) -> np.ndarray:
    if isinstance(words, np.ndarray):
        return words
    index: dict[str, int] = {}
    return np.fromiter((index.setdefault(w, len(index)) for w in words), dtype=np.int64, count=len(words))


def cv(values: list[int] | np.ndarray) -> float:
    """Coefficient of variation (population standard deviation / mean); 0 for fewer than two values."""
    n = len(values)
    if n < 2:
        return 0.0
    if isinstance(values, np.ndarray):
        values = values.tolist()
    mean = math.fsum(values) / n  # plain Python: numpy's per-call cost dominates on a few numbers
    if mean <= 0:
        return 0.0
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / n) / mean


def compression_ratio(text: str) -> float:
    """zlib (level 9) compressed size over UTF-8 size of the text's first ``_COMPRESSION_SAMPLE``
    characters (the default ``max_chars`` of scoring; longer texts are judged on a sample, as the
    language check is); 0 for empty text."""
    raw = text[:_COMPRESSION_SAMPLE].encode("utf-8", "surrogatepass")  # lone surrogates must not raise
    if not raw:
        return 0.0
    return len(zlib.compress(raw, 9)) / len(raw)


def _clip(x: float, hi: float) -> float:
    return float(min(max(x, 0.0), hi)) if math.isfinite(x) else 0.0


# ---------------------------------------------------------------------------------------------
# Extractor


class DensityExtractor:
    """Information density, lexical diversity, rhythm, redundancy and style rates.

    Parameters
    ----------
    mattr_window : int, default 50
        Window of the moving-average type-token ratio (Covington and McFall 2010).
    sentence_length_scale : float, default 50.0
        Mean sentence length is divided by this and clipped to [0, 1].
    duplicate_min_words : int, default 5
        Sentences shorter than this are never exact duplicates (as in the repetition extractor).
    near_threshold : float, default 0.4
        Content-word Jaccard from which a sentence is a near duplicate (as in the repetition extractor).
    near_min_gap : int, default 5
        Minimum sentence distance of a near duplicate (as in the repetition extractor).

    Examples
    --------
    >>> import padcheck
    >>> out = DensityExtractor().extract(padcheck.parse("We met on 3 May. Was it raining? It was."))
    >>> out.features["density.question_share"], out.evidence
    (0.3333333333333333, ())
    """

    name = NAME
    specs = tuple(FeatureSpec(f"{NAME}.{short}", meaning, rng) for short, meaning, rng in _SPECS)

    def __init__(
        self,
        *,
        mattr_window: int = 50,
        sentence_length_scale: float = 50.0,
        duplicate_min_words: int = 5,
        near_threshold: float = 0.4,
        near_min_gap: int = 5,
    ) -> None:
        self.mattr_window = mattr_window
        self.sentence_length_scale = sentence_length_scale
        self.duplicate_min_words = duplicate_min_words
        self.near_threshold = near_threshold
        self.near_min_gap = near_min_gap

    def extract(self, doc: Document) -> Extraction:
        """Compute the density features of ``doc`` (no evidence).

        Parameters
        ----------
        doc : Document
            A parsed document.

        Returns
        -------
        Extraction
            Every feature of :attr:`specs`, finite and within its documented range.
        """
        f = {spec.name: 0.0 for spec in self.specs}
        if not doc.sentences:
            return Extraction(f)
        text = doc.text
        shared = shared_analysis(doc)
        flags = _word_flags(shared)
        first_person, second_person, numeric = flags["first_person"], flags["second_person"], flags["numeric"]

        # The words of the non-code sentences, as table indices (every sentence is one range).
        ranges = [
            r for s, r in zip(doc.sentences, shared.sentence_ranges, strict=True)
            if doc.blocks[s.block].kind not in (BlockKind.CODE, BlockKind.CODE_FENCE)
        ]
        index = _concat_ranges(ranges)
        n_words = len(index)
        if n_words:
            ids = shared.ids[index]
            word_chars = int((shared.ends[index] - shared.starts[index]).sum())
            per100 = 100.0 / n_words
            f[f"{NAME}.mattr"] = _clip(mattr(ids, self.mattr_window), 1.0)
            f[f"{NAME}.mean_word_length"] = _clip(word_chars / n_words, 20.0)
            f[f"{NAME}.first_person_per_100w"] = _clip(int(first_person[ids].sum()) * per100, 100.0)
            f[f"{NAME}.second_person_per_100w"] = _clip(int(second_person[ids].sum()) * per100, 100.0)
            f[f"{NAME}.numbers_per_100w"] = _clip(int(numeric[ids].sum()) * per100, 100.0)

        n_sent = len(doc.sentences)
        f[f"{NAME}.heading_share"] = len(doc.headings) / n_sent
        f[f"{NAME}.exclamation_share"] = sum(s.text.rstrip("\"'”’)] ").endswith("!") for s in doc.sentences) / n_sent
        block_chars = sum(b.end - b.start for b in doc.blocks)
        if block_chars:
            f[f"{NAME}.list_share"] = _clip(sum(b.end - b.start for b in doc.list_items) / block_chars, 1.0)
        f[f"{NAME}.compression_ratio"] = _clip(compression_ratio(text), 1.0)

        paragraph_words = [shared.count_words(b.start, b.end) for b in doc.paragraphs]
        f[f"{NAME}.paragraph_length_cv"] = _clip(cv([n for n in paragraph_words if n]), 3.0)
        self._body(doc, shared, f)
        return Extraction(f)

    def _body(self, doc: Document, shared: SharedAnalysis, f: dict[str, float]) -> None:
        """Features over body sentences: lengths, questions, names and information density."""
        all_units = shared.units
        # Positions (in shared.units) of the body and social-post units, the only ones looked at.
        kept = [i for i, u in enumerate(all_units) if u.role in ("body", "source")]
        body = [i for i in kept if all_units[i].role == "body" and all_units[i].words]
        if not body:
            return
        lengths = [len(all_units[i].words) for i in body]
        body_words = sum(lengths)
        f[f"{NAME}.sentence_length_mean"] = _clip(body_words / len(lengths) / self.sentence_length_scale, 1.0)
        f[f"{NAME}.sentence_length_cv"] = _clip(cv(lengths), 3.0)
        sentences = doc.sentences
        questions = sum(sentences[all_units[i].sentence].text.rstrip("\"'”’)] ").endswith("?") for i in body)
        f[f"{NAME}.question_share"] = questions / len(body)

        # Duplicates, exactly as repetition finds them (sentence level; tweets as sources). The
        # searches are shared with the repetition extractor when they ask the same question.
        exact = shared.exact(self.duplicate_min_words)
        repeated = {i for i in kept if exact[i] is not None}
        stems = shared.stems(_REPETITION.stem_chars)
        live = [i for i in kept if i not in repeated and stems[i] and len(stems[i]) >= _REPETITION.near_min_words]
        repeated.update(shared.near(live, _REPETITION.stem_chars, self.near_threshold, self.near_min_gap))

        # Per table word: a capitalised first letter, and "a number"; prefix sums count them per unit.
        flags = _word_flags(shared)
        upper_sum = np.concatenate(([0], np.cumsum(flags["upper"])))
        number_sum = np.concatenate(([0], np.cumsum(flags["numeric"][shared.ids])))
        ranges = np.asarray([shared.unit_ranges[i] for i in body], dtype=np.int64)
        lo, hi = ranges[:, 0], ranges[:, 1]
        # Names: capitalised words past the sentence's first word (a unit here always has a word).
        n_names = upper_sum[hi] - upper_sum[np.minimum(lo + 1, hi)]
        specific = (n_names > 0) | (number_sum[hi] - number_sum[lo] > 0)
        not_repeated = np.fromiter((i not in repeated for i in body), dtype=bool, count=len(body))
        names = int(n_names.sum())
        dense_words = int(np.asarray(lengths, dtype=np.int64)[specific & not_repeated].sum())
        f[f"{NAME}.names_per_100w"] = _clip(names * 100.0 / body_words, 100.0)
        f[f"{NAME}.information_density"] = _clip(dense_words / body_words, 1.0)


def _concat_ranges(ranges: list[tuple[int, int]]) -> np.ndarray:
    """Table indices ``lo, lo + 1, ..., hi - 1`` of every range, in order, without a Python loop per word."""
    if not ranges:
        return np.empty(0, dtype=np.int64)
    arr = np.asarray(ranges, dtype=np.int64)
    sizes = arr[:, 1] - arr[:, 0]
    offsets = np.cumsum(sizes) - sizes
    return np.arange(int(sizes.sum()), dtype=np.int64) + np.repeat(arr[:, 0] - offsets, sizes)


def _numeric_words(vocab: list[str], number_words: frozenset[str]) -> np.ndarray:
    """Per word: a spelled-out number, or a word with a digit (``str.isdigit``) in it."""
    numeric = np.fromiter(map(number_words.__contains__, vocab), dtype=bool, count=len(vocab))
    # Letters are never digits, so only the words that are not all letters need a scan.
    not_alpha = np.flatnonzero(~np.fromiter(map(str.isalpha, vocab), dtype=bool, count=len(vocab)))
    for i in not_alpha.tolist():
        if not numeric[i] and any(map(str.isdigit, vocab[i])):
            numeric[i] = True
    return numeric


def _upper_initials(text: str, starts: np.ndarray) -> np.ndarray:
    """Per word start (int64 offsets into ``text``): whether its first character is upper-case."""
    if _speedups is not None:
        return np.frombuffer(_speedups.upper_initials(text, np.ascontiguousarray(starts, dtype=np.int64)), dtype=bool)
    return np.fromiter(map(str.isupper, map(text.__getitem__, starts.tolist())), dtype=bool, count=len(starts))


def _word_flags(shared: SharedAnalysis) -> dict[str, np.ndarray]:
    """Boolean word properties, computed once per document and kept in its shared analysis.

    ``first_person``, ``second_person`` and ``numeric`` (a digit or a spelled-out number) are
    indexed by word id, so each distinct word is tested once; ``upper`` (first character
    upper-case in the original text) is indexed by table position.
    """
    cache = shared._cache
    flags = cache.get("density.flags")
    if flags is None:
        tags = _tagged_words()
        first_person, second_person = tags.get("first_person", frozenset()), tags.get("second_person", frozenset())
        number_words = tags.get("number", frozenset())
        vocab = shared.vocab
        text = shared.text
        flags = {
            "first_person": np.fromiter(map(first_person.__contains__, vocab), dtype=bool, count=len(vocab)),
            "second_person": np.fromiter(map(second_person.__contains__, vocab), dtype=bool, count=len(vocab)),
            "numeric": _numeric_words(vocab, number_words),
            "upper": _upper_initials(text, shared.starts),
        }
        cache["density.flags"] = flags
    return flags
