"""padcheck: tell padded, content-farm writing from real writing, and say why, sentence by sentence.

>>> import padcheck
>>> doc = padcheck.parse("Conclusion\\nIt rained.")
>>> [h.text for h in doc.headings]
['Conclusion']
"""

from padcheck._version import __version__
from padcheck.document import Block, BlockKind, Document, Line, Sentence
from padcheck.estimators import PadClassifier, PadFeaturizer
from padcheck.features import extractors
from padcheck.model import ModelError, PadModel, load_model
from padcheck.parse import parse
from padcheck.result import PadResult, Reason, SentenceResult
from padcheck.scoring import score, score_many
from padcheck.training import train

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
