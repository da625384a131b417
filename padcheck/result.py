"""What :func:`padcheck.score` returns: a probability that explains itself sentence by sentence."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from padcheck.model import sigmoid

__all__ = ["Reason", "SentenceResult", "PadResult"]


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a sentence counts as padding.

    Attributes
    ----------
    code : str
        Stable dotted reason code (``"filler.phrase"``, ``"repetition.duplicate_paragraph"``).
    message : str
        Human message quoting what matched.
    start, end : int
        Span of what matched in ``PadResult.text``.
    log_odds : float
        The share of the document's log-odds this reason carries.
    related : int or None
        Index of a related sentence (for a repetition: the first copy).
    """

    code: str
    message: str
    start: int
    end: int
    log_odds: float
    related: int | None = None


@dataclass(frozen=True, slots=True)
class SentenceResult:
    """One sentence with its padding score (0–1) and its reasons, strongest first."""

    index: int
    start: int
    end: int
    text: str
    score: float
    reasons: tuple[Reason, ...] = ()

    @property
    def is_padding(self) -> bool:
        """Whether the sentence carries at least half a unit of padding evidence (score ≥ 0.5)."""
        return self.score >= 0.5


@dataclass(frozen=True)
class PadResult:
    """The padding verdict for one document.

    Attributes
    ----------
    probability : float
        Calibrated probability (0–1) that the text is padded, machine-written filler, at an even
        prior: the model is calibrated as if half the texts it sees were padded. For a corpus
        where another share is padded, use :meth:`probability_at_prior`.
    is_padded : bool
        ``probability >= threshold``.
    threshold : float
        The model's default decision threshold.
    features : dict
        Feature name → value.
    contributions : dict
        Feature name → log-odds contribution; ``intercept + sum(contributions) == logit``.
    intercept : float
        The model's calibrated intercept.
    logit : float
        The document's calibrated log-odds.
    sentences : tuple of SentenceResult
        Every sentence with its score and reasons.
    essence : str
        The text without padding sentences, duplicate copies and headings.
    text : str
        The text the spans index (the extracted text for HTML input).
    format : str
        The format the input was parsed as.
    truncated : bool
        Whether the input was cut at ``max_chars`` before scoring.
    language_supported : bool
        Whether the text looks like English prose. When it does not (another language, code, a
        table), ``is_padded`` is always ``False`` and ``probability`` should not be trusted.
    support_note : str
        Why the text is not supported ("" when it is).
    """

    probability: float
    is_padded: bool
    threshold: float
    features: dict
    contributions: dict
    intercept: float
    logit: float
    sentences: tuple[SentenceResult, ...]
    essence: str
    text: str
    format: str
    truncated: bool = False
    language_supported: bool = True
    support_note: str = ""

    def probability_at_prior(self, prior: float) -> float:
        """The probability for a corpus in which a share ``prior`` of texts is padded.

        Bayes' rule moves the calibrated log-odds by ``log(prior / (1 - prior))``;
        ``prior=0.5`` gives :attr:`probability` back. Ranking, and so :attr:`is_padded` at the
        default threshold, does not change.

        Parameters
        ----------
        prior : float
            Share of padded texts in the corpus scored, strictly between 0 and 1.

        Returns
        -------
        float
            The calibrated probability at that prior.
        """
        if isinstance(prior, bool) or not isinstance(prior, (int, float)) or not 0.0 < prior < 1.0:
            raise ValueError(f"prior must be a number strictly between 0 and 1, not {prior!r}")
        return sigmoid(self.logit + math.log(prior / (1.0 - prior)))

    def top_sentences(self, k: int = 5) -> list[SentenceResult]:
        """The ``k`` sentences with the highest padding score (ties in text order), score > 0."""
        ranked = sorted((s for s in self.sentences if s.score > 0), key=lambda s: (-s.score, s.index))
        return ranked[:k]

    def top_reasons(self, k: int = 5) -> list[Reason]:
        """The ``k`` reasons carrying the most log-odds across the document."""
        reasons = [r for s in self.sentences for r in s.reasons]
        return sorted(reasons, key=lambda r: -r.log_odds)[:k]

    def reason_summary(self, k: int = 5) -> list[dict]:
        """The top ``k`` reasons as plain dicts (code, message, span, log-odds rounded to 4 places),
        the shape every padcheck output (CLI, Dask, datatrove) uses."""
        return [{"code": r.code, "message": r.message, "start": r.start, "end": r.end, "log_odds": round(r.log_odds, 4)}
                for r in self.top_reasons(k)]

    def to_dict(self, sentences: bool = True) -> dict:
        """A JSON-serialisable dict (``sentences=False`` leaves out the per-sentence detail)."""
        out = {
            "probability": self.probability,
            "is_padded": self.is_padded,
            "threshold": self.threshold,
            "logit": self.logit,
            "intercept": self.intercept,
            "format": self.format,
            "truncated": self.truncated,
            "language_supported": self.language_supported,
            "support_note": self.support_note,
            "features": dict(self.features),
            "contributions": dict(self.contributions),
            "top_reasons": [asdict(r) for r in self.top_reasons()],
            "essence": self.essence,
        }
        if sentences:
            out["sentences"] = [
                {**{k: getattr(s, k) for k in ("index", "start", "end", "text", "score")},
                 "reasons": [asdict(r) for r in s.reasons]}
                for s in self.sentences
            ]
        return out
