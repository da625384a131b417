"""What every feature extractor returns: named features and evidence tied to sentences."""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from typing import Protocol, runtime_checkable

from padcheck.document import Document

__all__ = ["Evidence", "Extraction", "Extractor", "FeatureSpec", "sentence_at", "quote"]


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """Documentation of one feature: its full name, meaning and range."""

    name: str
    description: str
    range: str = "[0, 1]"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason, located in one sentence.

    Attributes
    ----------
    code : str
        Stable dotted reason code, e.g. ``"filler.phrase"``.
    sentence : int
        Index into ``Document.sentences`` of the sentence the evidence sits in.
    start, end : int
        Character span of what matched, in ``Document.text``.
    weight : float
        Strength of this piece of evidence, > 0. Evidence feeding the same feature shares that
        feature's contribution in proportion to weight.
    message : str
        Short human message quoting what matched ("template heading 'Conclusion'").
    feature : str
        Full name of the feature this evidence feeds (``"filler.phrases_per_100w"``).
    related : int or None
        Another sentence this evidence refers to (for repetition: the first copy).
    """

    code: str
    sentence: int
    start: int
    end: int
    weight: float
    message: str
    feature: str
    related: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Extraction:
    """Output of one extractor: ``features`` (name → float) and ``evidence``."""

    features: dict[str, float]
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)


@runtime_checkable
class Extractor(Protocol):
    """A feature family.

    ``name`` is the family prefix of every feature and reason code it emits; ``specs`` lists its
    features (full names ``"<name>.<feature>"``) in a fixed order; ``extract`` must return every
    one of them, finite, for any document (an empty document included).
    """

    name: str
    specs: tuple[FeatureSpec, ...]

    def extract(self, doc: Document) -> Extraction: ...


def sentence_at(doc: Document, offset: int) -> int | None:
    """Index of the sentence containing character ``offset`` (or the nearest one before it)."""
    if not doc.sentences:
        return None
    starts = _sentence_starts(doc)
    i = bisect.bisect_right(starts, offset) - 1
    return max(i, 0)


def _sentence_starts(doc: Document) -> list[int]:
    cache = doc._by_kind  # per-document cache dict (not part of equality)
    starts = cache.get("_sentence_starts")
    if starts is None:
        starts = [s.start for s in doc.sentences]
        cache["_sentence_starts"] = starts
    return starts


def quote(text: str, limit: int = 80) -> str:
    """Matched text for a reason message: on one line, cut to ``limit`` characters with "…"."""
    if len(text) > 4 * limit:
        # Collapsing whitespace in a prefix gives a prefix of the collapsed text, so when the
        # prefix alone is too long the message is the same, without splitting a long span.
        head = " ".join(text[:4 * limit].split())
        if len(head) > limit:
            return head[: limit - 1].rstrip() + "…"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
