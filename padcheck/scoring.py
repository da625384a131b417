"""``score`` and ``score_many``: text → features → calibrated probability with explanations.

Explanations are faithful by construction. The model is linear, so each feature's log-odds
contribution is exact; a feature's positive contribution is split over the sentences holding
its evidence, in proportion to evidence weight, and the lexical signal's contribution is split
over the sentences whose n-grams produced it. A sentence's score is ``1 - exp(-L)`` where ``L``
is the log-odds credited to it, so removing high-scoring sentences removes their evidence and
lowers the probability.
"""

from __future__ import annotations

import gc
import math
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np

from padcheck.document import BlockKind, Document
from padcheck.features import extract_all
from padcheck.language import assess_support
from padcheck.model import PadModel, default_model, load_model, sigmoid
from padcheck.parse import Format, coerce_text, parse
from padcheck.result import PadResult, Reason, SentenceResult

__all__ = ["score", "score_many", "featurize", "DEFAULT_MAX_CHARS", "LEXICAL_FEATURE"]

#: Work per document is bounded: longer inputs are cut here and the result says ``truncated``.
DEFAULT_MAX_CHARS = 1_000_000
LEXICAL_FEATURE = "lexical.logit"
_NOT_ESSENCE = (BlockKind.HEADING, BlockKind.CODE_FENCE, BlockKind.CODE)


def _resolve(model: PadModel | str | os.PathLike | None) -> PadModel:
    if model is None:
        return default_model()
    if isinstance(model, PadModel):
        return model
    return load_model(model)


def featurize(doc: Document, model: PadModel | None = None, lexical_logit: float | None = None):
    """Features (name → value) and evidence of a document, as the model sees them.

    ``lexical_logit`` passes an already computed lexical logit, so it is not computed twice.
    """
    extraction = extract_all(doc)
    features = dict(extraction.features)
    if model is not None and model.lexical is not None:
        features[LEXICAL_FEATURE] = model.lexical.logit(doc.text) if lexical_logit is None else lexical_logit
    return features, extraction.evidence


def score(
    text: str | bytes,
    *,
    format: Format = "auto",
    model: PadModel | str | os.PathLike | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> PadResult:
    """Score one text for padding.

    Parameters
    ----------
    text : str or bytes
        The document (bytes are decoded as UTF-8).
    format : {"auto", "text", "markdown", "html"}
        Input format, detected by default.
    model : PadModel, path or None
        The model; ``None`` uses the model shipped with padcheck (loaded once).
    max_chars : int
        Inputs longer than this are cut before scoring and the result is marked ``truncated``.

    Returns
    -------
    PadResult
        Calibrated probability, verdict, features, contributions and per-sentence reasons.

    Examples
    --------
    >>> r = score("Certainly! Here is a rewritten version of your article.")
    >>> 0.0 <= r.probability <= 1.0
    True
    """
    pad_model = _resolve(model)
    source = coerce_text(text)
    if max_chars < 1:
        raise ValueError(f"max_chars must be a positive number of characters, got {max_chars}")
    truncated = len(source) > max_chars
    with _collector_paused():
        doc = parse(source[:max_chars] if truncated else source, format)
        return _explain(doc, pad_model, truncated)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while one document is scored, if it is running.

    Scoring a document allocates many small objects that hold no reference cycles (spans, words,
    evidence, reasons) and are freed by reference counting. The collector still walks them again
    and again as they pile up: on a 1M-character document that was two fifths of the time, for
    nothing found. It is switched back on as soon as the document is done (with several threads
    scoring at once, it may come back on while one of them is still at work: that only costs time).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _explain(doc: Document, model: PadModel, truncated: bool) -> PadResult:
    lexical_parts = None
    lexical_logit = None
    if model.lexical is not None and doc.sentences:
        # One pass gives both the per-sentence shares and (their sum) the document's logit.
        lexical_parts = model.lexical.sentence_logits(doc)
        lexical_logit = model.lexical.bias + float(lexical_parts.sum())
    features, evidence = featurize(doc, model, lexical_logit)
    contributions = model.contributions(features)
    logit = model.intercept + sum(contributions.values())
    probability = sigmoid(logit)

    credit = np.zeros(len(doc.sentences))
    # Per sentence, reasons keyed by (code, start, end): one match can feed several features (a
    # filler phrase counts towards the rate, the share of sentences hit and the distinct count);
    # the user sees one reason carrying their sum. A dict keeps this linear in the evidence.
    reasons: dict[int, dict[tuple[str, int, int], Reason]] = defaultdict(dict)
    by_feature: dict[str, list] = defaultdict(list)
    for item in evidence:
        by_feature[item.feature].append(item)
    for name, items in by_feature.items():
        share = contributions.get(name, 0.0)
        if share <= 0:
            continue
        total = sum(e.weight for e in items)
        for e in items:
            part = share * e.weight / total
            credit[e.sentence] += part
            _add_reason(reasons[e.sentence], Reason(e.code, e.message, e.start, e.end, part, e.related))
    if lexical_parts is not None and LEXICAL_FEATURE in model.feature_names:
        j = model.feature_names.index(LEXICAL_FEATURE)
        per_sentence = lexical_parts * (model.coef[j] / model.scale[j])
        for i in np.flatnonzero(per_sentence > 0.05).tolist():
            part = float(per_sentence[i])
            credit[i] += part
            s = doc.sentences[i]
            _add_reason(reasons[i], Reason("lexical.wording", f"wording typical of machine text (+{part:.2f} log-odds)",
                                           s.start, s.end, part))

    duplicate_sentences = {e.sentence for e in evidence if e.code.startswith("repetition.") and e.related is not None}
    sentences = []
    kept: list[tuple[int, str]] = []
    credited = credit.tolist()
    for s in doc.sentences:
        value = 1.0 - math.exp(-credited[s.index]) if credited[s.index] > 0 else 0.0
        ordered = tuple(sorted(reasons[s.index].values(), key=lambda r: -r.log_odds)) if s.index in reasons else ()
        sentences.append(SentenceResult(s.index, s.start, s.end, s.text, value, ordered))
        if value < 0.5 and s.index not in duplicate_sentences and doc.blocks[s.block].kind not in _NOT_ESSENCE:
            kept.append((s.block, s.text))
    support = assess_support(doc)
    return PadResult(
        probability=probability,
        is_padded=support.supported and probability >= model.threshold,
        threshold=model.threshold,
        features=features,
        contributions=contributions,
        intercept=model.intercept,
        logit=logit,
        sentences=tuple(sentences),
        essence=_join_essence(kept),
        text=doc.text,
        format=doc.format,
        truncated=truncated,
        language_supported=support.supported,
        support_note=support.reason,
    )


def _add_reason(reasons: dict[tuple[str, int, int], Reason], new: Reason) -> None:
    """Add ``new``, merging it into an earlier reason with the same code and span."""
    key = (new.code, new.start, new.end)
    old = reasons.get(key)
    if old is None:
        reasons[key] = new
    else:
        reasons[key] = Reason(old.code, old.message, old.start, old.end, old.log_odds + new.log_odds, old.related)


def _join_essence(kept: list[tuple[int, str]]) -> str:
    parts: list[str] = []
    last_block = None
    for block, text in kept:
        if parts:
            parts.append(" " if block == last_block else "\n\n")
        parts.append(text)
        last_block = block
    return "".join(parts)


def score_many(
    texts: Iterable[str | bytes],
    *,
    format: Format = "auto",
    model: PadModel | str | os.PathLike | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    n_jobs: int = 1,
) -> list[PadResult]:
    """Score many texts; ``n_jobs > 1`` uses that many processes (results keep input order).

    Parameters
    ----------
    texts : iterable of str or bytes
        The documents.
    format, model, max_chars
        As in :func:`score`.
    n_jobs : int
        Worker processes (``-1`` = all cores). Each worker loads the model once.

    Returns
    -------
    list of PadResult
        One result per input, in input order.
    """
    if not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be a positive number of processes or -1 (all cores), got {n_jobs!r}")
    pad_model = _resolve(model)
    texts = list(texts)
    if n_jobs == 1 or len(texts) < 2:
        return [score(t, format=format, model=pad_model, max_chars=max_chars) for t in texts]
    from joblib import Parallel, delayed

    n = min((os.cpu_count() or 1) if n_jobs == -1 else n_jobs, len(texts))
    chunks = [texts[i::n] for i in range(n)]
    parts = Parallel(n_jobs=n)(
        delayed(_score_chunk)(chunk, format, pad_model, max_chars) for chunk in chunks
    )
    results: list[PadResult | None] = [None] * len(texts)
    for offset, part in enumerate(parts):
        results[offset::n] = part
    return results  # type: ignore[return-value]


def _score_chunk(chunk, format, model, max_chars) -> list[PadResult]:
    return [score(t, format=format, model=model, max_chars=max_chars) for t in chunk]
