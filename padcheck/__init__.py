"""padcheck: tell padded, content-farm writing from real writing, and say why, sentence by sentence.

>>> import padcheck
>>> doc = padcheck.parse("Conclusion\\nIt rained.")
>>> [h.text for h in doc.headings]
['Conclusion']
"""

from padcheck._version import __version__
from padcheck.document import Block, BlockKind, Document, Line, Sentence
from padcheck.features import extractors
from padcheck.model import ModelError, PadModel, load_model
from padcheck.parse import parse
from padcheck.result import PadResult, Reason, SentenceResult
from padcheck.scoring import score, score_many

# Training and the scikit-learn estimators import scikit-learn, which costs about a second at
# start-up; scoring never needs it, so these names are imported on first use (PEP 562).
_LAZY = {"train": "padcheck.training", "PadFeaturizer": "padcheck.estimators", "PadClassifier": "padcheck.estimators"}

__all__ = [
    "__version__",
    "parse",
    "score",
    "score_many",
    "train",
    "load_model",
    "extractors",
    "PadFeaturizer",
    "PadClassifier",
    "Document",
    "Block",
    "BlockKind",
    "Line",
    "Sentence",
    "PadResult",
    "SentenceResult",
    "Reason",
    "PadModel",
    "ModelError",
]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'padcheck' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
