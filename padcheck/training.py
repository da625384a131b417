"""Train a padcheck model on labelled JSON Lines, with grouped splits throughout.

Procedure (all splits by ``group``, so no group is on two sides):

1. Groups are split into train (64%), calibration (16%) and test (20%).
2. The lexical n-gram model is fitted on train; its out-of-fold logits (grouped 5-fold) are the
   ``lexical.logit`` feature for the train rows, so the stacked model never sees in-fold scores.
3. A logistic regression on standardised features is fitted on train, its ``C`` chosen by grouped
   cross-validated AUROC.
4. Platt scaling on the calibration groups; the default threshold is the probability that keeps
   the false-positive rate on calibration human texts at ``target_fpr``.
5. Test groups give the reported metrics; they are used for nothing else.

Rows are weighted so that each ``source`` carries the same total weight and, within a source,
both labels do: the few real content-farm pages are not drowned by the many short rewrites.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold, GroupShuffleSplit

from padcheck._version import __version__
from padcheck.evaluation import metrics_report
from padcheck.features import feature_names
from padcheck.io import ReadStats, read_rows
from padcheck.lexical import DEFAULT_BITS, LexicalScorer, document_frequencies, hashed_matrix
from padcheck.model import MODEL_FORMAT_VERSION, PadModel, _sha256
from padcheck.parse import parse
from padcheck.scoring import LEXICAL_FEATURE, featurize

__all__ = ["train", "read_jsonl", "feature_matrix"]

_C_GRID = (0.1, 1.0, 10.0, 100.0)
_DEFAULT_C = 1.0
_LEXICAL_C_GRID = (32.0, 64.0, 128.0)

#: Lower bounds on coefficients that the training data cannot price. The training sets are
#: excerpts of about 2,000 characters (wild) or short rewrites (L2R); verbatim repetition of a
#: long passage is as rare in their padded rows as in their human rows (7 of 502 wild rows, 43 of
#: 19,390 L2R rows have any exact duplicate), so the fit leaves it at zero. A copied paragraph is
#: nonetheless the strongest duplicate signal of the Gopher quality rules (Rae et al. 2021, table
#: A1), and in full content-farm articles it is common; one copy (feature 0.5) adds 1.5 log-odds.
PRIOR_MIN_COEF = {"repetition.repeated_passages": 3.0}
#: False-positive rates on calibration human texts whose thresholds the report lists beside the default.
OPERATING_FPRS = (0.005, 0.01, 0.02, 0.05)


def read_jsonl(path: str | os.PathLike) -> list[dict]:
    """Read labelled rows from JSON Lines with the default field names (see :func:`padcheck.io.read_rows`).

    Raises
    ------
    padcheck.io.DataError
        Naming the file and line of the first row that is not valid JSON or lacks text/label.
    """
    return read_rows(path)


def _features_of(text: str) -> tuple[list[float], str | None]:
    """A text's extractor features, and the text the lexical scorer reads when it is not ``text``.

    :func:`padcheck.score` reads the lexical signal from the parsed document's text, which for
    HTML is the extracted text without markup. Training must hash that same text: otherwise the
    lexical model learns from markup (a ``<br />`` in a review) that it never sees when scoring.
    """
    doc = parse(text)
    features, _ = featurize(doc)
    return [features[name] for name in feature_names()], (None if doc.text == text else doc.text)


def _extract(texts: Sequence[str], n_jobs: int = 1, progress: bool = False) -> tuple[np.ndarray, list[str]]:
    """:func:`feature_matrix` and the texts the lexical scorer reads (see :func:`_features_of`)."""
    from tqdm import tqdm

    items = tqdm(texts, desc="features", unit="doc", disable=not progress)
    if n_jobs == 1:
        rows = [_features_of(t) for t in items]
    else:
        from joblib import Parallel, delayed

        rows = Parallel(n_jobs=n_jobs, batch_size=64)(delayed(_features_of)(t) for t in items)
    matrix = np.asarray([r[0] for r in rows], dtype=float).reshape(len(texts), len(feature_names()))
    return matrix, [t if r[1] is None else r[1] for t, r in zip(texts, rows, strict=True)]


def feature_matrix(texts: Sequence[str], n_jobs: int = 1, progress: bool = False) -> np.ndarray:
    """Extractor features (rows in :func:`padcheck.features.feature_names` order)."""
    return _extract(texts, n_jobs=n_jobs, progress=progress)[0]


def _weights(rows: list[dict]) -> np.ndarray:
    cells: dict[tuple, int] = {}
    for r in rows:
        cells[(r.get("source", ""), r["label"])] = cells.get((r.get("source", ""), r["label"]), 0) + 1
    w = np.array([1.0 / cells[(r.get("source", ""), r["label"])] for r in rows])
    return w * len(rows) / w.sum()


class _BoundedLogistic:
    """Weighted L2 logistic regression whose coefficients may be bounded below by zero.

    Padding signals (duplicates, filler, template headings, leftovers, promo) only ever point
    towards padding; forcing their weights to be non-negative keeps collinear signals from
    cancelling out with opposite signs and keeps every explanation pointing the right way.
    ``lower`` holds each coefficient's lower bound (``None`` = unbounded).
    """

    def __init__(self, C: float, lower: list[float | None]):
        self.C = C
        self.lower = lower

    def fit(self, Z: np.ndarray, y: np.ndarray, w: np.ndarray) -> _BoundedLogistic:
        from scipy.optimize import minimize

        n, d = Z.shape
        w = w / w.sum()
        sign = 2.0 * y - 1.0

        def loss(theta):
            coef, b = theta[:d], theta[d]
            margin = sign * (Z @ coef + b)
            value = np.sum(w * np.logaddexp(0.0, -margin)) + 0.5 * coef @ coef / (self.C * n)
            g = -w * sign * (1.0 / (1.0 + np.exp(np.clip(margin, -50, 50))))
            return value, np.concatenate([Z.T @ g + coef / (self.C * n), [g.sum()]])

        bounds = [(lo, None) if lo is not None else (None, None) for lo in self.lower] + [(None, None)]
        start = np.array([lo or 0.0 for lo in self.lower] + [0.0])
        res = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": 2000})
        self.coef_, self.intercept_ = res.x[:d], float(res.x[d])
        return self

    def decision_function(self, Z: np.ndarray) -> np.ndarray:
        return Z @ self.coef_ + self.intercept_


def _nb_ratio(H: sparse.csr_matrix, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Naive-Bayes log-count ratio of each (binarised) feature (Wang and Manning 2012)."""
    B = H.copy()
    B.data[:] = 1.0
    p = alpha + np.asarray(B[y == 1].sum(axis=0)).ravel()
    q = alpha + np.asarray(B[y == 0].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum()))


def _fit_lexical(H, y, w, C: float) -> tuple[np.ndarray, float]:
    """NB-LR: logistic regression on features scaled by their log-count ratio.

    Returns weights over ``H``'s own columns (the coefficients times the ratio) and the bias, so
    ``H @ weights + bias`` is the NB-LR logit and the scorer stays one linear model.
    """
    ratio = _nb_ratio(H, y)
    lr = LogisticRegression(C=C, max_iter=2000, solver="liblinear").fit(H @ sparse.diags(ratio), y, sample_weight=w)
    return lr.coef_[0] * ratio, float(lr.intercept_[0])


def _choose_lexical_c(H, y, w, groups, fit) -> tuple[float, np.ndarray]:
    """``C`` of the lexical model by grouped 5-fold AUROC, and its out-of-fold logits."""
    best = (-1.0, 1.0, None)
    for C in _LEXICAL_C_GRID:
        oof = np.zeros(len(y))
        for a, b in GroupKFold(n_splits=5).split(fit, groups=groups[fit]):
            weights, bias = _fit_lexical(H[fit[a]], y[fit[a]], w[fit[a]], C)
            oof[fit[b]] = H[fit[b]] @ weights + bias
        auc = roc_auc_score(y[fit], oof[fit], sample_weight=w[fit])
        if auc > best[0]:
            best = (auc, C, oof)
    return best[1], best[2]


def _choose_c(scores: dict[float, float], standard_errors: dict[float, float]) -> float:
    """``_DEFAULT_C`` unless another ``C`` beats its grouped-CV AUROC by more than one standard error.

    The evidence features (a leftover prompt, a template heading, injected promotion) are rare
    in the training rows but decisive where they occur. Their coefficients are what moves most
    with ``C``: strong regularisation shrinks them towards zero and leaves the verdict to the
    lexical logit, while almost none lets the few web pages that carry them set them alone. CV
    on these rows seldom tells the settings apart, so the default stands unless it clearly can.
    """
    best = max(scores, key=scores.get)
    if _DEFAULT_C in scores and scores[best] - standard_errors[best] <= scores[_DEFAULT_C]:
        return _DEFAULT_C
    return best


def _threshold_at(human_probabilities: np.ndarray, fpr: float) -> float:
    """The lowest probability that flags at most a share ``fpr`` of these human texts, kept in [0.5, 0.999]."""
    if not len(human_probabilities):
        return 0.5
    threshold = float(np.quantile(human_probabilities, 1.0 - fpr, method="higher")) + 1e-9
    return min(max(threshold, 0.5), 0.999)


def _split_groups(groups: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    splitter = GroupShuffleSplit(n_splits=1, test_size=fraction, random_state=seed)
    return next(splitter.split(np.zeros(len(groups)), groups=groups))


def train(
    paths: Sequence[str | os.PathLike] | None = None,
    *,
    rows: list[dict] | None = None,
    out: str | os.PathLike | None = None,
    lexical: bool = True,
    target_fpr: float = 0.01,
    seed: int = 0,
    n_jobs: int = 1,
    text_field: str = "text",
    label_field: str = "label",
    group_field: str = "group",
    label_map: dict[str, int] | None = None,
    on_error: str = "stop",
    progress: bool = False,
) -> tuple[PadModel, dict]:
    """Train a padcheck model.

    Parameters
    ----------
    paths : sequence of path
        JSON Lines files of labelled rows (``text``, ``label``, ``group``; see ``read_jsonl``).
    rows : list of dict, optional
        Rows given directly instead of (or besides) ``paths``.
    out : path, optional
        Folder to save the model in (written atomically).
    lexical : bool
        Stack the hashed n-gram lexical signal as a feature.
    target_fpr : float
        False-positive rate on held-out human texts that sets the default threshold.
    seed : int
        Seed of the grouped splits.
    n_jobs : int
        Processes for feature extraction.
    text_field, label_field, group_field, label_map, on_error
        How to read ``paths`` (see :func:`padcheck.io.read_rows`); JSON Lines and CSV/TSV work.
    progress : bool
        Show a progress bar for feature extraction.

    Returns
    -------
    model : PadModel
    report : dict
        Grouped held-out metrics (overall and per source) and the training set description.
    """
    data = list(rows or [])
    files = []
    stats = ReadStats()
    for path in paths or ():
        data.extend(read_rows(path, text_field=text_field, label_field=label_field, group_field=group_field,
                              label_map=label_map, on_error=on_error, stats=stats))
        files.append({"name": Path(path).name, "sha256": _sha256(Path(path))})
    if len(data) < 20 or len({r["label"] for r in data}) < 2:
        raise ValueError("training needs at least 20 rows with both labels (0 = human, 1 = padded)")
    texts = [r["text"] for r in data]
    y = np.array([r["label"] for r in data])
    groups = np.array([str(r["group"]) for r in data])
    w = _weights(data)

    X, lexical_texts = _extract(texts, n_jobs=n_jobs, progress=progress)
    names = list(feature_names())
    rest, test = _split_groups(groups, 0.2, seed)
    fit_rel, cal_rel = _split_groups(groups[rest], 0.2, seed + 1)
    fit, cal = rest[fit_rel], rest[cal_rel]

    scorer, lex_c = None, None
    if lexical:
        # IDF from the training rows only; the same IDF inside the folds is a mild, label-free leak.
        idf = document_frequencies([lexical_texts[i] for i in fit], DEFAULT_BITS)
        H = hashed_matrix(lexical_texts, DEFAULT_BITS, idf)
        lex_c, oof = _choose_lexical_c(H, y, w, groups, fit)
        weights, bias = _fit_lexical(H[fit], y[fit], w[fit], lex_c)
        scorer = LexicalScorer(weights=weights.astype(np.float64), bias=bias, idf=idf)
        lex = H @ weights + bias
        lex[fit] = oof[fit]
        X = np.column_stack([X, lex])
        names.append(LEXICAL_FEATURE)

    # Evidence-bearing features stay unscaled and uncentred (an absent signal contributes exactly
    # 0 log-odds); style features and the lexical logit are standardised.
    evidence_like = np.array([not (n.startswith("density.") or n == LEXICAL_FEATURE) for n in names])
    mean = np.where(evidence_like, 0.0, X[fit].mean(axis=0))
    scale = np.where(evidence_like, 1.0, X[fit].std(axis=0))
    scale[scale < 1e-9] = 1.0
    Z = (X - mean) / scale
    lower = [PRIOR_MIN_COEF.get(n, 0.0) if ev else None for n, ev in zip(names, evidence_like, strict=True)]

    cv_scores, cv_se = {}, {}
    for C in _C_GRID:
        fold_auc = []
        for a, b in GroupKFold(n_splits=5).split(fit, groups=groups[fit]):
            m = _BoundedLogistic(C, lower).fit(Z[fit[a]], y[fit[a]], w[fit[a]])
            fold_auc.append(roc_auc_score(y[fit[b]], m.decision_function(Z[fit[b]]), sample_weight=w[fit[b]]))
        cv_scores[C] = float(np.mean(fold_auc))
        cv_se[C] = float(np.std(fold_auc, ddof=1) / np.sqrt(len(fold_auc)))
    best_c = _choose_c(cv_scores, cv_se)
    clf = _BoundedLogistic(best_c, lower).fit(Z[fit], y[fit], w[fit])

    # Platt scaling on the calibration groups.
    raw_cal = clf.decision_function(Z[cal])
    platt = LogisticRegression(C=1e4, max_iter=1000).fit(raw_cal.reshape(-1, 1), y[cal], sample_weight=w[cal])
    a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    coef = clf.coef_ * a
    intercept = clf.intercept_ * a + b

    def prob(idx):
        return 1.0 / (1.0 + np.exp(-(Z[idx] @ coef + intercept)))

    p_cal = prob(cal)
    human_cal = np.sort(p_cal[y[cal] == 0])
    threshold = _threshold_at(human_cal, target_fpr)

    p_test = prob(test)
    operating_points = []
    for fpr in sorted({*OPERATING_FPRS, target_fpr}):
        t = _threshold_at(human_cal, fpr)
        flagged = p_test >= t
        operating_points.append({
            "target_fpr": fpr, "threshold": t,
            "test_fpr": float(flagged[y[test] == 0].mean()) if (y[test] == 0).any() else None,
            "test_tpr": float(flagged[y[test] == 1].mean()) if (y[test] == 1).any() else None,
        })
    report = {
        "cv": {"C_grid": {str(k): v for k, v in cv_scores.items()},
               "C_grid_standard_error": {str(k): v for k, v in cv_se.items()}, "chosen_C": best_c,
               "lexical_C": lex_c, "prior_min_coef": PRIOR_MIN_COEF},
        "calibration": {"platt_slope": a, "platt_intercept": b, "prior": 0.5, "target_fpr": target_fpr,
                        "threshold": threshold, "operating_points": operating_points},
        "test": _test_report(y[test], p_test, threshold, [data[i] for i in test]),
        "rows": {"train": int(len(fit)), "calibration": int(len(cal)), "test": int(len(test)),
                 "skipped_bad_rows": stats.skipped},
    }
    model = PadModel(
        feature_names=tuple(names),
        mean=mean,
        scale=scale,
        coef=coef,
        intercept=intercept,
        threshold=threshold,
        lexical=scorer,
        metadata={
            "padcheck_version": __version__,
            "training_files": files,
            "training_rows": len(data),
            "seed": seed,
            "report": report,
            "libraries": _library_versions(),
        },
    )
    if out is not None:
        save_model_folder(model, report, out)
    return model, report


def save_model_folder(model: PadModel, report: dict, out: str | os.PathLike) -> Path:
    """Write model, card and report to ``out`` atomically.

    Everything is written to a fresh sibling folder first, which then replaces ``out`` by
    renames, so a crash leaves either the old folder or the new one, never a mix.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.new-"))
    try:
        model.save(staging)
        write_model_card(model, staging / "MODEL_CARD.md")
        (staging / "training-report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
        for keep in out.glob("*.py") if out.is_dir() else ():  # a package folder keeps its own modules
            shutil.copy2(keep, staging / keep.name)
        os.chmod(staging, 0o755)
        if out.exists():
            retired = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old-"))
            os.rmdir(retired)
            os.replace(out, retired)
            os.replace(staging, out)
            shutil.rmtree(retired)
        else:
            os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def write_model_card(model: PadModel, path: Path) -> None:
    """Write the model card (features, training data with hashes, metrics, library versions)."""
    from padcheck.features import feature_specs

    meta = model.metadata
    report = meta.get("report", {})
    specs = {s.name: s for s in feature_specs()}
    lines = [
        "# padcheck model card",
        "",
        f"padcheck {meta.get('padcheck_version')} · model format {MODEL_FORMAT_VERSION} · {len(model.feature_names)} features · "
        f"default threshold {model.threshold:.4f} (false-positive rate {report.get('calibration', {}).get('target_fpr')}"
        " on held-out human texts)",
        "",
        "Rebuild: `padcheck train ../shared/data/l2r/l2r.jsonl ../shared/data/wild/wild_train.jsonl --out models --jobs 2`",
        "",
        "## Training data",
        "",
        "| file | sha256 |",
        "|---|---|",
        *[f"| {f['name']} | `{f['sha256']}` |" for f in meta.get("training_files", [])],
        "",
        f"Rows: {meta.get('training_rows')} · grouped split (seed {meta.get('seed')}): {report.get('rows')}",
        "",
        "## Grouped held-out test metrics",
        "",
        "95% bootstrap intervals in brackets; rates at the default threshold. Every slice (domain,",
        "generator, length) is in `training-report.json`.",
        "",
        "Probabilities are calibrated at an even prior (Platt scaling with human and padded rows",
        "weighted half each, within each source), so the ECE that tests the calibration weighs the",
        "test's human and padded rows half each too. 'As sampled' weighs every row alike, so it also",
        "measures how far the test set's share of padded rows is from one half.",
        "`PadResult.probability_at_prior` gives the probability for another share.",
        "",
        *_metrics_table(report.get("test", {})),
        "",
        *_operating_points_table(report.get("calibration", {}).get("operating_points", [])),
        f"Grouped 5-fold CV AUROC by C: {report.get('cv', {}).get('C_grid')} (chosen {report.get('cv', {}).get('chosen_C')})",
        "",
        "## Features and calibrated coefficients",
        "",
        "| feature | coefficient | meaning |",
        "|---|---:|---|",
        *[f"| `{n}` | {c:+.3f} | {specs[n].description if n in specs else 'out-of-fold hashed n-gram logit'} |"
          for n, c in zip(model.feature_names, model.coef, strict=True)],
        "",
        "## Library versions",
        "",
        *[f"- {k} {v}" for k, v in meta.get("libraries", {}).items()],
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def _operating_points_table(points: list[dict]) -> list[str]:
    """Markdown rows of the thresholds for other false-positive rates, with their held-out rates."""
    if not points:
        return []

    def rate(value) -> str:
        return "–" if value is None else f"{value:.3f}"

    return [
        "Other operating points: the threshold that keeps each false-positive rate on calibration",
        "human texts, and what it gives on the test rows (`probability >= threshold`).",
        "",
        "| target FPR | threshold | test FPR | test TPR |",
        "|---:|---:|---:|---:|",
        *[f"| {p['target_fpr']:.3f} | {p['threshold']:.4f} | {rate(p['test_fpr'])} | {rate(p['test_tpr'])} |" for p in points],
        "",
    ]


def _metrics_table(test: dict) -> list[str]:
    """Markdown rows of the test metrics, overall and per source."""

    def fmt(m: dict, key: str) -> str:
        value, ci = m.get(key), m.get(f"{key}_ci")
        if value is None:
            return "–"
        return f"{value:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")

    rows = [("all", test), *sorted(test.get("by_source", {}).items())]
    return [
        "| test rows | n (human / padded) | AUROC | average precision | TPR at 1% FPR | TPR at 5% FPR | FPR | TPR "
        "| ECE at even prior | ECE as sampled |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *[f"| {name} | {m.get('n')} ({m.get('n_human')} / {m.get('n_padded')}) | {fmt(m, 'auroc')} | "
          f"{fmt(m, 'average_precision')} | {fmt(m, 'tpr_at_1pct_fpr')} | {fmt(m, 'tpr_at_5pct_fpr')} | "
          f"{fmt(m, 'fpr')} | {fmt(m, 'tpr')} | {fmt(m, 'ece_even_prior')} | {fmt(m, 'ece')} |" for name, m in rows if m],
    ]


def _test_report(y: np.ndarray, p: np.ndarray, threshold: float, rows: list[dict]) -> dict:
    """:func:`~padcheck.evaluation.metrics_report` of the test groups, overall and per source."""
    out = metrics_report(y, p, threshold, rows)
    sources = np.array([str(r.get("source", "")) for r in rows])
    if len(set(sources.tolist())) > 1:
        out["by_source"] = {
            s: metrics_report(y[mask], p[mask], threshold, [r for r, m in zip(rows, mask, strict=True) if m])
            for s in sorted(set(sources.tolist()))
            for mask in [sources == s]
        }
    return out


def _library_versions() -> dict:
    import scipy
    import sklearn
    import spacy

    return {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__, "spacy": spacy.__version__}
