"""Evaluation report: ranking, threshold, calibration and per-slice error rates with bootstrap CIs."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve

from padcheck.model import PadModel
from padcheck.scoring import score_many

__all__ = ["evaluate", "metrics_report", "tpr_at_fpr", "expected_calibration_error", "balanced_weights",
           "LENGTH_BUCKETS"]

#: Word-count buckets for per-length error rates (short texts are where detectors fail).
LENGTH_BUCKETS = ((0, 50), (50, 150), (150, 400), (400, None))


def tpr_at_fpr(y: np.ndarray, p: np.ndarray, fpr: float) -> float:
    """True-positive rate at the largest threshold whose false-positive rate is ≤ ``fpr``."""
    f, t, _ = roc_curve(y, p)
    ok = f <= fpr
    return float(t[ok].max()) if ok.any() else 0.0


def expected_calibration_error(
    y: np.ndarray, p: np.ndarray, bins: int = 10, *, sample_weight: np.ndarray | None = None
) -> tuple[float, list[dict]]:
    """Expected calibration error over equal-width bins, and the reliability curve.

    Parameters
    ----------
    y, p : ndarray
        Labels (0 human, 1 padded) and predicted probabilities.
    bins : int
        Number of equal-width probability bins.
    sample_weight : ndarray, optional
        Row weights. :func:`balanced_weights` gives each label half the weight, which measures
        calibration at the even prior padcheck's models are calibrated for.

    Returns
    -------
    tuple
        The ECE (weighted mean of ``|mean probability - fraction padded|`` over bins) and one dict
        per non-empty bin: ``bin``, ``n`` (rows), ``mean_probability``, ``fraction_padded``.
    """
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    if not (len(y) == len(p) == len(w)):
        raise ValueError(f"y, p and sample_weight differ in length: {len(y)}, {len(p)}, {len(w)}")
    total = w.sum()
    if total <= 0:
        return 0.0, []
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    ece, curve = 0.0, []
    for b in range(bins):
        mask = which == b
        weight = w[mask].sum()
        if weight <= 0:
            continue
        conf = float(np.average(p[mask], weights=w[mask]))
        acc = float(np.average(y[mask], weights=w[mask]))
        ece += weight / total * abs(conf - acc)
        curve.append({"bin": [float(edges[b]), float(edges[b + 1])], "n": int(mask.sum()),
                      "mean_probability": conf, "fraction_padded": acc})
    return float(ece), curve


def balanced_weights(y: np.ndarray) -> np.ndarray:
    """Row weights that give human and padded rows half the total weight each (mean weight 1).

    Under these weights a model calibrated at an even prior, as padcheck's are, should have a
    small :func:`expected_calibration_error` whatever the share of padded rows in ``y``. A label
    that is absent leaves the weights of the other at 1.
    """
    y = np.asarray(y, dtype=int)
    n_pos, n_neg = int((y == 1).sum()), int((y == 0).sum())
    if not n_pos or not n_neg:
        return np.ones(len(y))
    return np.where(y == 1, len(y) / (2.0 * n_pos), len(y) / (2.0 * n_neg))


def _bootstrap(values: np.ndarray, stat, n: int, rng: np.random.Generator) -> list[float] | None:
    if len(values) < 2 or n <= 0:
        return None
    draws = [stat(values[rng.integers(0, len(values), len(values))]) for _ in range(n)]
    return [float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))]


def _length_bucket(n_words: int) -> str:
    for lo, hi in LENGTH_BUCKETS:
        if hi is None or n_words < hi:
            return f"{lo}+" if hi is None else f"{lo}-{hi - 1}"
    raise AssertionError("unreachable")


def metrics_report(
    y: Sequence[int],
    p: Sequence[float],
    threshold: float,
    rows: Sequence[dict] | None = None,
    *,
    bootstrap: int = 200,
    seed: int = 0,
) -> dict:
    """Metrics of probabilities ``p`` against labels ``y`` at ``threshold``.

    Parameters
    ----------
    y, p : sequences
        Labels (0 human, 1 padded) and predicted probabilities.
    threshold : float
        Decision threshold for the threshold metrics.
    rows : sequence of dict, optional
        The rows scored (for per-domain, per-generator and per-length slices).
    bootstrap : int
        Bootstrap resamples for the 95% confidence intervals (0 = none).

    Returns
    -------
    dict
        ``auroc``, ``average_precision``, ``tpr_at_5pct_fpr``, ``tpr_at_1pct_fpr``, ``precision``,
        ``recall``, ``f1``, ``fpr``, ``ece`` and ``reliability`` (calibration on the rows as they
        are), ``ece_even_prior`` and ``reliability_even_prior`` (the same with human and padded
        rows weighted half each: the prior the probabilities are calibrated for; only when both
        labels occur), ``slices``
        (false-positive rate on human rows and true-positive rate on padded rows per domain,
        generator and length bucket), each interval in ``*_ci``.
    """
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    rng = np.random.default_rng(seed)
    pred = p >= threshold
    out: dict = {"n": int(len(y)), "n_padded": int(y.sum()), "n_human": int((y == 0).sum()), "threshold": threshold}
    both = len(set(y.tolist())) == 2
    if both:
        pairs = np.column_stack([y, p])

        def auc(sample):
            return roc_auc_score(sample[:, 0], sample[:, 1]) if len(set(sample[:, 0])) == 2 else np.nan

        out["auroc"] = float(roc_auc_score(y, p))
        out["auroc_ci"] = _bootstrap(pairs, lambda s: np.nan_to_num(auc(s), nan=out["auroc"]), bootstrap, rng)
        out["average_precision"] = float(average_precision_score(y, p))
        out["tpr_at_5pct_fpr"] = tpr_at_fpr(y, p, 0.05)
        out["tpr_at_1pct_fpr"] = tpr_at_fpr(y, p, 0.01)
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    fn = int((~pred & (y == 1)).sum())
    out["precision"] = tp / (tp + fp) if tp + fp else None
    out["recall"] = tp / (tp + fn) if tp + fn else None
    if out["precision"] is not None and out["recall"]:
        out["f1"] = 2 * out["precision"] * out["recall"] / (out["precision"] + out["recall"])
    if (y == 0).any():
        flags = pred[y == 0].astype(float)
        out["fpr"] = float(flags.mean())
        out["fpr_ci"] = _bootstrap(flags, np.mean, bootstrap, rng)
    if (y == 1).any():
        hits = pred[y == 1].astype(float)
        out["tpr"] = float(hits.mean())
        out["tpr_ci"] = _bootstrap(hits, np.mean, bootstrap, rng)
    out["ece"], out["reliability"] = expected_calibration_error(y, p)
    if both:
        out["ece_even_prior"], out["reliability_even_prior"] = expected_calibration_error(
            y, p, sample_weight=balanced_weights(y))
    if rows is not None:
        out["slices"] = _slices(y, pred, rows, bootstrap, rng)
    return out


def _slices(y, pred, rows, bootstrap, rng) -> dict:
    keys = {
        "domain": [str(r.get("domain", "")) for r in rows],
        "generator": [str(r.get("generator", "")) for r in rows],
        "length": [_length_bucket(len(r["text"].split())) for r in rows],
    }
    out: dict = {}
    for kind, values in keys.items():
        values = np.array(values)
        table = {}
        for value in sorted(set(values.tolist())):
            mask = values == value
            cell = {"n": int(mask.sum())}
            for label, name in ((0, "fpr"), (1, "tpr")):
                sel = mask & (y == label)
                if sel.any():
                    flags = pred[sel].astype(float)
                    cell[name] = float(flags.mean())
                    cell[f"{name}_ci"] = _bootstrap(flags, np.mean, bootstrap, rng)
                    cell[f"n_{'human' if label == 0 else 'padded'}"] = int(sel.sum())
            table[value] = cell
        out[kind] = table
    return out


def evaluate(
    model: PadModel | str | os.PathLike | None,
    rows: Sequence[dict],
    *,
    n_jobs: int = 1,
    bootstrap: int = 200,
) -> tuple[dict, np.ndarray]:
    """Score labelled rows with ``model`` and report :func:`metrics_report` at its threshold.

    Returns
    -------
    report : dict
    probabilities : numpy.ndarray
    """
    results = score_many([r["text"] for r in rows], model=model, n_jobs=n_jobs)
    p = np.array([r.probability for r in results])
    threshold = results[0].threshold if results else 0.5
    return metrics_report([r["label"] for r in rows], p, threshold, rows, bootstrap=bootstrap), p
