"""A datatrove filter that drops padded, content-farm documents and says why.

>>> from datatrove.pipeline.readers import JsonlReader                 # doctest: +SKIP
>>> from datatrove.pipeline.writers import JsonlWriter
>>> from datatrove.executor import LocalPipelineExecutor
>>> from padcheck.datatrove import PaddingFilter
>>> LocalPipelineExecutor(pipeline=[JsonlReader("in/"), PaddingFilter(), JsonlWriter("out/")],
...                       tasks=4).run()

Every document that passes through gets ``metadata["padcheck_probability"]`` (float),
``metadata["padcheck_reasons"]`` (JSON string: the top reasons with code, message, span and
log-odds) and ``metadata["padcheck_language_supported"]`` (bool), whether it is kept or dropped,
so an ``exclusion_writer`` records why each dropped document went. The reasons are a JSON
*string* rather than a list because Parquet writers fix a schema from the first batch, and a
batch of clean documents would otherwise fix it as a list of nulls.
"""

from __future__ import annotations

import json
import os
import threading

try:
    from datatrove.data import Document
    from datatrove.pipeline.filters.base_filter import BaseFilter
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("padcheck.datatrove needs datatrove: pip install 'padcheck[datatrove]'") from exc

from padcheck.model import PadModel, default_model, load_model
from padcheck.result import PadResult
from padcheck.scoring import DEFAULT_MAX_CHARS, score

__all__ = ["PaddingFilter"]

# Per-process cache, model path -> model: datatrove pickles the pipeline into each task, so the
# filter carries only a path and each process loads the model on its first document.
_MODELS: dict[str, PadModel] = {}
_LOCK = threading.Lock()


def _load(path: str) -> PadModel:
    model = _MODELS.get(path)
    if model is None:
        with _LOCK:
            model = _MODELS.get(path)
            if model is None:
                model = _MODELS[path] = load_model(path)
    return model


class PaddingFilter(BaseFilter):
    """Keep real writing; drop padded, content-farm documents with a ``padcheck.<code>`` reason.

    Parameters
    ----------
    threshold : float or None
        Drop documents whose padding probability is at least this; ``None`` uses the model's
        own threshold (chosen for a 1% false-positive rate on its validation data).
    model : str, path-like, PadModel or None
        A model folder written by :func:`padcheck.train`, a loaded model, or ``None`` for the
        shipped model. A path is preferred on multi-process executors: only the path is pickled
        into each task and every process loads it once.
    keep_unsupported : bool
        Keep documents in a language padcheck's features do not cover (their score means
        little). ``False`` drops them with reason ``"padcheck.unsupported_language"``.
    top_reasons : int
        How many of the strongest reasons go into ``metadata["padcheck_reasons"]``.
    max_chars : int
        Longer documents are cut to this many characters before scoring.
    exclusion_writer : datatrove DiskWriter or None
        Where dropped documents go (with ``metadata["filter_reason"]``), as in any datatrove filter.
    """

    name = "padcheck padding"

    def __init__(
        self,
        threshold: float | None = None,
        model: str | os.PathLike | PadModel | None = None,
        keep_unsupported: bool = True,
        *,
        top_reasons: int = 3,
        max_chars: int = DEFAULT_MAX_CHARS,
        exclusion_writer=None,
    ):
        super().__init__(exclusion_writer)
        if threshold is not None and not 0.0 <= float(threshold) <= 1.0:
            raise ValueError(f"threshold must be a probability in [0, 1], got {threshold!r}")
        if not isinstance(top_reasons, int) or top_reasons < 0:
            raise ValueError(f"top_reasons must be a non-negative integer, got {top_reasons!r}")
        if not isinstance(max_chars, int) or max_chars < 1:
            raise ValueError(f"max_chars must be a positive number of characters, got {max_chars!r}")
        if model is not None and not isinstance(model, (str, os.PathLike, PadModel)):
            raise TypeError(f"model must be None, a model folder or a PadModel, got {type(model).__name__}")
        self.threshold = None if threshold is None else float(threshold)
        # Absolute, so a task started in another working directory finds the same folder.
        self.model = os.path.abspath(os.fspath(model)) if isinstance(model, (str, os.PathLike)) else model
        if isinstance(self.model, str):
            _load(self.model)  # a bad path fails when the pipeline is built, not in every task
        self.keep_unsupported = keep_unsupported
        self.top_reasons = top_reasons
        self.max_chars = max_chars

    def _model(self) -> PadModel:
        if self.model is None:
            return default_model()
        if isinstance(self.model, PadModel):
            return self.model
        return _load(self.model)

    def score(self, doc: Document) -> PadResult:
        """The full :class:`padcheck.PadResult` for one document (what :meth:`filter` decides on)."""
        return score(doc.text, model=self._model(), max_chars=self.max_chars)

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        """Score ``doc``, write its metadata, and return ``True`` to keep or ``(False, reason)`` to drop.

        Parameters
        ----------
        doc : datatrove.data.Document
            The document; its ``metadata`` gains ``padcheck_probability``, ``padcheck_reasons``
            and ``padcheck_language_supported``.

        Returns
        -------
        bool or (bool, str)
            ``True`` to keep; ``(False, "padcheck.<code>")`` to drop, where ``<code>`` is the
            strongest reason's code (``"padcheck.padded"`` if no single reason stands out).
        """
        result = self.score(doc)
        reasons = result.top_reasons(self.top_reasons)
        doc.metadata["padcheck_probability"] = result.probability
        doc.metadata["padcheck_reasons"] = json.dumps(result.reason_summary(self.top_reasons), ensure_ascii=False)
        doc.metadata["padcheck_language_supported"] = result.language_supported
        if not result.language_supported:
            return True if self.keep_unsupported else (False, "padcheck.unsupported_language")
        threshold = result.threshold if self.threshold is None else self.threshold
        if result.probability < threshold:
            return True
        # top_reasons(k) may be empty with k=0; the strongest reason names the drop all the same
        top = reasons[0] if reasons else next(iter(result.top_reasons(1)), None)
        return False, f"padcheck.{top.code}" if top is not None else "padcheck.padded"
