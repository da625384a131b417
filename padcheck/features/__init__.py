"""Feature extractors: the registry of every signal padcheck computes.

Adding a signal = one module under ``padcheck/features/`` + its lexicon in
``padcheck/lexicons/`` + one line in :data:`REGISTRY`.
"""

from __future__ import annotations

from dataclasses import dataclass

from padcheck.document import Document
from padcheck.features.base import Evidence, Extraction, Extractor, FeatureSpec
from padcheck.features.density import DensityExtractor
from padcheck.features.filler import FillerExtractor
from padcheck.features.headings import HeadingExtractor
from padcheck.features.promo import PromoExtractor
from padcheck.features.prompt import PromptLeftoverExtractor
from padcheck.features.repetition import RepetitionExtractor

__all__ = [
    "REGISTRY",
    "Evidence",
    "Extraction",
    "Extractor",
    "FeatureSpec",
    "ExtractorInfo",
    "extractors",
    "feature_names",
    "feature_specs",
    "extract_all",
]

#: Every extractor padcheck runs, in a fixed order (the model's feature order follows it).
REGISTRY: tuple[Extractor, ...] = (
    RepetitionExtractor(),
    FillerExtractor(),
    HeadingExtractor(),
    PromptLeftoverExtractor(),
    PromoExtractor(),
    DensityExtractor(),
)


@dataclass(frozen=True)
class ExtractorInfo:
    """Name of an extractor and the full names of the features it emits."""

    name: str
    feature_names: tuple[str, ...]


def extractors() -> list[ExtractorInfo]:
    """List the registered extractors and their feature names."""
    return [ExtractorInfo(e.name, tuple(s.name for s in e.specs)) for e in REGISTRY]


def feature_specs() -> tuple[FeatureSpec, ...]:
    """Documentation (name, meaning, range) of every registered feature, in model order."""
    return tuple(spec for e in REGISTRY for spec in e.specs)


def feature_names() -> tuple[str, ...]:
    """Full names of every registered feature, in model order."""
    return tuple(spec.name for spec in feature_specs())


def extract_all(doc: Document) -> Extraction:
    """Run every registered extractor on ``doc``; features in :func:`feature_names` order."""
    features: dict[str, float] = {}
    evidence: list[Evidence] = []
    for extractor in REGISTRY:
        out = extractor.extract(doc)
        for spec in extractor.specs:
            features[spec.name] = float(out.features[spec.name])
        evidence.extend(out.evidence)
    evidence.sort(key=lambda e: (e.sentence, e.start, e.code))
    return Extraction(features, tuple(evidence))
