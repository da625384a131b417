"""A spaCy pipeline component: ``doc._.padding`` for the document, ``span._.padding`` per sentence.

>>> import spacy
>>> import padcheck.spacy_component  # registers the "padcheck" factory
>>> nlp = spacy.blank("en")
>>> _ = nlp.add_pipe("sentencizer")
>>> _ = nlp.add_pipe("padcheck")
>>> doc = nlp("Certainly! Here is the article you asked for. It rained on Tuesday.")
>>> 0.0 <= doc._.padding.probability <= 1.0
True
>>> [round(s._.padding.score, 2) >= 0 for s in doc.sents]
[True, True, True]

``span._.padding`` and ``doc._.padding_sents`` are ``None`` / empty when padcheck read the text
as HTML, since its spans then index the extracted text, not ``doc.text``.

The result is kept in ``doc.user_data`` as plain dicts and lists, and the extensions are getters
that rebuild frozen objects from it: ``Doc.to_bytes`` (which ``nlp.pipe(n_process=...)`` uses to
send documents between processes) can serialise that, but not a dataclass.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from padcheck.model import PadModel, default_model, load_model
from padcheck.result import PadResult, Reason, SentenceResult
from padcheck.scoring import DEFAULT_MAX_CHARS, score

__all__ = ["PadcheckComponent", "SpanPadding", "make_padcheck", "USER_DATA_KEY"]

#: Key of the stored result in ``doc.user_data``; a string so msgpack serialises it.
USER_DATA_KEY = "padcheck.result"


@dataclass(frozen=True, slots=True)
class SpanPadding:
    """Padding of a spaCy span, from the padcheck sentences that overlap it.

    Attributes
    ----------
    score : float
        The highest padding score (0–1) of the overlapping padcheck sentences.
    reasons : tuple of Reason
        Their reasons, strongest first.
    sentences : tuple of int
        Indices of the overlapping sentences in ``doc._.padding.sentences``.
    """

    score: float
    reasons: tuple[Reason, ...] = ()
    sentences: tuple[int, ...] = ()

    @property
    def is_padding(self) -> bool:
        """Whether the span holds a padding sentence (score ≥ 0.5, as ``SentenceResult``)."""
        return self.score >= 0.5


def _result_to_data(result: PadResult, doc_text: str) -> dict:
    data = dataclasses.asdict(result)
    if data["text"] == doc_text:
        data["text"] = None  # the Doc already holds it; no need to store the text twice
    return data


def _result_from_data(data: dict, doc_text: str) -> PadResult:
    sentences = tuple(
        SentenceResult(**{**s, "reasons": tuple(Reason(**r) for r in s["reasons"])}) for s in data["sentences"]
    )
    text = doc_text if data["text"] is None else data["text"]
    return PadResult(**{**data, "sentences": sentences, "text": text})


def _doc_padding(doc: Doc) -> PadResult | None:
    data = doc.user_data.get(USER_DATA_KEY)
    return None if data is None else _result_from_data(data, doc.text)


def _aligned_data(doc: Doc) -> dict | None:
    """The stored result if its spans index ``doc.text`` (equal, or a prefix when truncated)."""
    data = doc.user_data.get(USER_DATA_KEY)
    if data is None or (data["text"] is not None and not doc.text.startswith(data["text"])):
        return None  # not scored, or scored as HTML: offsets are into the extracted text
    return data


def _span_padding(span: Span) -> SpanPadding | None:
    data = _aligned_data(span.doc)
    if data is None:
        return None
    start, end = span.start_char, span.end_char
    hits = [s for s in data["sentences"] if s["start"] < end and s["end"] > start]
    if not hits:
        return SpanPadding(0.0)
    reasons = sorted({Reason(**r) for s in hits for r in s["reasons"]}, key=lambda r: -r.log_odds)
    return SpanPadding(max(s["score"] for s in hits), tuple(reasons), tuple(s["index"] for s in hits))


def _doc_padding_sents(doc: Doc) -> list[Span]:
    # padcheck's own sentences as spans, for pipelines without a sentencizer or parser.
    data = _aligned_data(doc)
    if data is None:
        return []
    spans = (doc.char_span(s["start"], s["end"], alignment_mode="expand") for s in data["sentences"])
    return [s for s in spans if s is not None]


# Registered once; has_extension keeps a re-import from raising (set_extension refuses twice).
for _cls, _name, _getter in (
    (Doc, "padding", _doc_padding),
    (Doc, "padding_sents", _doc_padding_sents),
    (Span, "padding", _span_padding),
):
    if not _cls.has_extension(_name):
        _cls.set_extension(_name, getter=_getter)


class PadcheckComponent:
    """Score each Doc with padcheck and store the result for the ``._.padding`` extensions.

    Parameters
    ----------
    name : str
        Component name in the pipeline.
    model : str or None
        Model folder; ``None`` is the model shipped with padcheck. Loaded on first use, in each
        process, so a pipeline sent to worker processes does not carry the model with it.
    max_chars : int
        Longer texts are cut before scoring (``doc._.padding.truncated`` says so).
    """

    def __init__(self, name: str = "padcheck", model: str | PadModel | None = None,
                 max_chars: int = DEFAULT_MAX_CHARS):
        if max_chars < 1:
            raise ValueError(f"max_chars must be a positive number of characters, got {max_chars}")
        self.name = name
        self.model = model
        self.max_chars = max_chars
        self._model: PadModel | None = model if isinstance(model, PadModel) else None

    @property
    def pad_model(self) -> PadModel:
        """The model, loaded on first access."""
        if self._model is None:
            self._model = default_model() if self.model is None else load_model(self.model)
        return self._model

    def __call__(self, doc: Doc) -> Doc:
        result = score(doc.text, model=self.pad_model, max_chars=self.max_chars)
        doc.user_data[USER_DATA_KEY] = _result_to_data(result, doc.text)
        return doc

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if not isinstance(self.model, PadModel):
            state["_model"] = None  # reload from its path in the receiving process
        return state


@Language.factory(
    "padcheck",
    default_config={"model": None, "max_chars": DEFAULT_MAX_CHARS},
    assigns=["doc._.padding", "doc._.padding_sents", "span._.padding"],
)
def make_padcheck(nlp: Language, name: str, model: str | None, max_chars: int) -> PadcheckComponent:
    """Build the ``padcheck`` component (``nlp.add_pipe("padcheck", config={"model": path})``).

    Parameters
    ----------
    nlp : Language
        The pipeline.
    name : str
        Component name.
    model : str or None
        Model folder; ``None`` is the shipped model.
    max_chars : int
        Texts longer than this are cut before scoring.

    Returns
    -------
    PadcheckComponent
        The component.
    """
    return PadcheckComponent(name=name, model=model, max_chars=max_chars)
