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

from padcheck.document import BlockKind, Document
from padcheck.features._lexicon import load_lexicon
from padcheck.features.base import Extraction, FeatureSpec
from padcheck.features.repetition import (
    RepetitionExtractor,
    content_stems,
    document_units,
    exact_duplicates,
    near_duplicates,
    word_spans,
)

__all__ = ["DensityExtractor", "cv", "mattr"]

NAME = "density"

_REPETITION = RepetitionExtractor()  # its stemming defaults define "near duplicate" here too
_SPECS = (
    ("information_density", "share of body words in sentences that are not (near-)duplicates and cite a specific "
                            "(number or name)", "[0, 1]"),
    ("mattr", "moving-average type-token ratio of the words (window mattr_window; plain TTR when shorter)", "[0, 1]"),
    ("sentence_length_mean", "mean words per body sentence / sentence_length_scale, clipped", "[0, 1]"),
    ("sentence_length_cv", "coefficient of variation of words per body sentence (burstiness), clipped", "[0, 3]"),
    ("paragraph_length_cv", "coefficient of variation of words per paragraph, clipped", "[0, 3]"),
    ("compression_ratio", "zlib-compressed size / UTF-8 size of the text, clipped (lower = more redundant)",
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


def mattr(words: list[str], window: int) -> float:
    """Moving-average type-token ratio of ``words`` (plain type-token ratio if shorter than ``window``).

    Linear: the distinct-word count is updated as the window slides, one word in, one word out.
    """
    n = len(words)
    if n == 0:
        return 0.0
    if n <= window:
        return len(set(words)) / n
    counts: dict[str, int] = {}
    for w in words[:window]:
        counts[w] = counts.get(w, 0) + 1
    distinct = len(counts)
    total = distinct
    for i in range(window, n):
        new, old = words[i], words[i - window]
        if new != old:
            counts[old] -= 1
            if counts[old] == 0:
                distinct -= 1
            c = counts.get(new, 0)
            if c == 0:
                distinct += 1
            counts[new] = c + 1
        total += distinct
    return total / ((n - window + 1) * window)


def cv(values: list[int] | np.ndarray) -> float:
    """Coefficient of variation (population standard deviation / mean); 0 for fewer than two values."""
    arr = np.asarray(values, dtype=float)
    if arr.size < 2 or arr.mean() <= 0:
        return 0.0
    return float(arr.std() / arr.mean())


def compression_ratio(text: str) -> float:
    """zlib (level 9) compressed size over UTF-8 size; 0 for empty text."""
    raw = text.encode("utf-8", "surrogatepass")  # lone surrogates must not raise
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
        tags = _tagged_words()
        first_person, second_person = tags.get("first_person", frozenset()), tags.get("second_person", frozenset())
        number_words = tags.get("number", frozenset())

        words: list[str] = []
        word_chars = 0
        for s in doc.sentences:
            if doc.blocks[s.block].kind in (BlockKind.CODE, BlockKind.CODE_FENCE):
                continue
            for a, b in word_spans(text, s.start, s.end):
                words.append(text[a:b].lower().replace("’", "'"))
                word_chars += b - a
        n_words = len(words)
        if n_words:
            per100 = 100.0 / n_words
            f[f"{NAME}.mattr"] = _clip(mattr(words, self.mattr_window), 1.0)
            f[f"{NAME}.mean_word_length"] = _clip(word_chars / n_words, 20.0)
            f[f"{NAME}.first_person_per_100w"] = _clip(sum(w in first_person for w in words) * per100, 100.0)
            f[f"{NAME}.second_person_per_100w"] = _clip(sum(w in second_person for w in words) * per100, 100.0)
            numbers = sum(w in number_words or any(c.isdigit() for c in w) for w in words)
            f[f"{NAME}.numbers_per_100w"] = _clip(numbers * per100, 100.0)

        n_sent = len(doc.sentences)
        f[f"{NAME}.heading_share"] = len(doc.headings) / n_sent
        f[f"{NAME}.exclamation_share"] = sum(s.text.rstrip("\"'”’)] ").endswith("!") for s in doc.sentences) / n_sent
        block_chars = sum(b.end - b.start for b in doc.blocks)
        if block_chars:
            f[f"{NAME}.list_share"] = _clip(sum(b.end - b.start for b in doc.list_items) / block_chars, 1.0)
        f[f"{NAME}.compression_ratio"] = _clip(compression_ratio(text), 1.0)

        paragraph_words = [len(word_spans(text, b.start, b.end)) for b in doc.paragraphs]
        f[f"{NAME}.paragraph_length_cv"] = _clip(cv([n for n in paragraph_words if n]), 3.0)
        self._body(doc, f)
        return Extraction(f)

    def _body(self, doc: Document, f: dict[str, float]) -> None:
        """Features over body sentences: lengths, questions, names and information density."""
        text = doc.text
        units = [u for u in document_units(doc) if u.role in ("body", "source")]
        body = [i for i, u in enumerate(units) if u.role == "body" and u.words]
        if not body:
            return
        lengths = [len(units[i].words) for i in body]
        body_words = sum(lengths)
        f[f"{NAME}.sentence_length_mean"] = _clip(np.mean(lengths) / self.sentence_length_scale, 1.0)
        f[f"{NAME}.sentence_length_cv"] = _clip(cv(lengths), 3.0)
        sentences = doc.sentences
        questions = sum(sentences[units[i].sentence].text.rstrip("\"'”’)] ").endswith("?") for i in body)
        f[f"{NAME}.question_share"] = questions / len(body)

        # Duplicates, exactly as repetition finds them (sentence level; tweets as sources).
        keys = [" ".join(u.words) if len(u.words) >= self.duplicate_min_words else None for u in units]
        repeated = {i for i, j in enumerate(exact_duplicates(keys)) if j is not None}
        sets = []
        for i, u in enumerate(units):
            stems = None if i in repeated else content_stems(u.words, _REPETITION.stem_chars)
            sets.append(stems if stems and len(stems) >= _REPETITION.near_min_words else None)
        hits = near_duplicates(sets, self.near_threshold, [u.sentence for u in units], self.near_min_gap)
        repeated.update(i for i, hit in enumerate(hits) if hit is not None)

        number_words = _tagged_words().get("number", frozenset())
        names = 0
        dense_words = 0
        for i in body:
            u = units[i]
            spans = word_spans(text, u.start, u.end)
            n_names = sum(1 for a, _ in spans[1:] if text[a].isupper())
            names += n_names
            specific = n_names > 0 or any(w in number_words or any(c.isdigit() for c in w) for w in u.words)
            if specific and i not in repeated:
                dense_words += len(u.words)
        f[f"{NAME}.names_per_100w"] = _clip(names * 100.0 / body_words, 100.0)
        f[f"{NAME}.information_density"] = _clip(dense_words / body_words, 1.0)
