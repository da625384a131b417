"""Evaluate a padcheck model on every shared set, beside a TF-IDF + logistic-regression baseline.

Run from the repository root::

    python benchmarks/evaluate.py            # the shipped model
    python benchmarks/evaluate.py --model DIR --json results.json

Sets: the grouped held-out test split of the training sets (L2R + wild, the same split the model
was trained with, recomputed from its seed) and the test-only sets (DetectRL core, DetectRL
attacked, M4) as they are. The baseline is fitted on the same training rows the model was
fitted on. Test-only sets are only read here, never used to fit or tune anything.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

import padcheck
from padcheck._atomic import atomic_write_text
from padcheck.evaluation import metrics_report
from padcheck.model import default_model
from padcheck.training import _split_groups, read_jsonl

SHARED = Path(os.environ.get("PADCHECK_SHARED", Path(__file__).resolve().parents[2] / "shared"))
TRAIN_SETS = ["l2r/l2r.jsonl", "wild/wild_train.jsonl"]
TEST_ONLY = {"DetectRL core": "detectrl/core.jsonl", "DetectRL attacked": "detectrl/attacked.jsonl", "M4": "m4/m4.jsonl"}
LENGTH_BUCKETS = [(0, 50), (50, 150), (150, 400), (400, 10**9)]


def _probabilities(texts, model, n_jobs):
    return np.array([r.probability for r in padcheck.score_many(texts, model=model, n_jobs=n_jobs)])


_TABLE_KEYS = {"auroc": "auroc", "tpr@1%fpr": "tpr_at_1pct_fpr", "fpr@thr": "fpr", "tpr@thr": "tpr",
               "ece@even": "ece_even_prior"}


def _row(name, y, p, threshold):
    """The table's figures for one set, from :func:`padcheck.evaluation.metrics_report`."""
    report = metrics_report(y, p, threshold, bootstrap=0)
    return {"set": name, "n": report["n"], **{k: report[v] for k, v in _TABLE_KEYS.items() if v in report}}


README_START = "<!-- results:start (written by benchmarks/evaluate.py --update-readme README.md) -->"
README_END = "<!-- results:end -->"


def _bucket_order(key: str):
    head = key.split(" ", 1)[-1].split("-")[0].rstrip("+")
    return (int(head), key) if head.isdigit() else (0, key)


def _update_readme(path: Path, table: list[str]) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        sys.exit(f"{path}: results markers not found; add {README_START!r} and {README_END!r}")
    new = text[: start + len(README_START)] + "\n" + "\n".join(table) + "\n" + text[end:]
    atomic_write_text(path, new)
    print(f"\n{path}: results block rewritten")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder (default: the shipped model)")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="score at most this many rows per set (0 = all)")
    parser.add_argument("--domains", action="store_true", help="put the per-domain rows in the table too")
    parser.add_argument("--update-readme", metavar="README", help="rewrite the results block of this README")
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        sys.exit(f"shared data not found at {SHARED}; set PADCHECK_SHARED")
    model = padcheck.load_model(args.model) if args.model else default_model()
    thr = model.threshold
    seed = int(model.metadata.get("seed", 0))

    rows = [r for name in TRAIN_SETS for r in read_jsonl(SHARED / "data" / name)]
    groups = np.array([str(r["group"]) for r in rows])
    rest, test = _split_groups(groups, 0.2, seed)
    fit_rel, _ = _split_groups(groups[rest], 0.2, seed + 1)
    fit = rest[fit_rel]

    baseline_vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=200_000)
    Xb = baseline_vec.fit_transform([rows[i]["text"] for i in fit])
    baseline = LogisticRegression(C=4.0, max_iter=3000).fit(Xb, [rows[i]["label"] for i in fit])
    # The baseline's threshold: the same 1% FPR rule on its own training human texts.
    p_fit = baseline.predict_proba(Xb)[:, 1]
    y_fit = np.array([rows[i]["label"] for i in fit])
    b_thr = float(np.quantile(p_fit[y_fit == 0], 0.99))

    sets = {"held-out L2R+wild (grouped)": [rows[i] for i in test]}
    sets.update({"held-out wild only": [rows[i] for i in test if rows[i]["source"] == "web-pages"]})
    for name, rel in TEST_ONLY.items():
        path = SHARED / "data" / rel
        if path.exists():
            sets[name] = read_jsonl(path)
    results = []
    human_breakdown = {}
    for name, data in sets.items():
        if args.limit:
            data = data[: args.limit]
        texts = [r["text"] for r in data]
        y = np.array([r["label"] for r in data])
        p = _probabilities(texts, model, args.jobs)
        pb = baseline.predict_proba(baseline_vec.transform(texts))[:, 1]
        results.append({**_row(name, y, p, thr), "model": "padcheck"})
        results.append({**_row(name, y, pb, b_thr), "model": "tfidf+lr baseline"})
        if name != "held-out wild only":
            human = [(r, pi) for r, pi in zip(data, p, strict=True) if r["label"] == 0]
            for r, pi in human:
                n_words = len(r["text"].split())
                bucket = next(f"{a}-{b if b < 10**9 else '+'}" for a, b in LENGTH_BUCKETS if a <= n_words < b)
                for key in (f"domain {r.get('domain', '?')}", f"length {bucket}"):
                    cell = human_breakdown.setdefault(key, [0, 0])
                    cell[0] += int(pi >= thr)
                    cell[1] += 1

    example = SHARED / "examples" / "content_farm_article.txt"
    example_out = {}
    if example.exists():
        r = padcheck.score(example.read_text(encoding="utf-8"), model=model)
        top = r.top_sentences(5)
        breaking = [s for s in r.sentences if s.text.startswith("BREAKING: U.S. intelligence")]
        example_out = {
            "probability": r.probability,
            "top5_has_prompt_leftover": any(s.text.startswith("This article is structured") for s in top),
            "top5_has_second_breaking_copy": len(breaking) > 1 and any(s.index == breaking[-1].index for s in top),
            "tweet_called_filler": any(rs.code.startswith("filler.") for s in r.sentences for rs in s.reasons
                                       if "pic.twitter.com" in s.text),
        }

    table = [f"Default threshold {thr:.4f} (padcheck), {b_thr:.4f} (baseline).", "",
             "| set | model | n | AUROC | TPR@1%FPR | FPR@thr | TPR@thr | ECE at even prior |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        def f(key, r=r):
            return f"{r[key]:.3f}" if key in r else "–"
        table.append(f"| {r['set']} | {r['model']} | {r['n']} | {f('auroc')} | {f('tpr@1%fpr')} | {f('fpr@thr')} "
                     f"| {f('tpr@thr')} | {f('ece@even')} |")
    table += ["", "Human texts flagged by padcheck at its default threshold (all evaluated sets):", "",
              "| slice | flagged / human | FPR |", "|---|---:|---:|"]
    total = [0, 0]
    for key in sorted(human_breakdown, key=lambda k: (not k.startswith("length"), _bucket_order(k))):
        k, n = human_breakdown[key]
        if key.startswith("length") or args.domains:
            table.append(f"| {key} | {k}/{n} | {k / n:.3f} |")
        if key.startswith("length"):
            total[0] += k
            total[1] += n
    if total[1]:
        table.append(f"| **overall** | {total[0]}/{total[1]} | {total[0] / total[1]:.3f} |")
    if example_out:
        table += ["", "Example article: " + ", ".join(f"{k} = {v if not isinstance(v, float) else round(v, 4)}"
                                                     for k, v in example_out.items())]
    print("\n".join(table))
    if not args.domains:
        print("\nHuman false-positive rate per domain:")
        for key in sorted(k for k in human_breakdown if k.startswith("domain")):
            k, n = human_breakdown[key]
            print(f"  {key}: {k}/{n} = {k / n:.3f}")
    if args.update_readme:
        _update_readme(Path(args.update_readme), table)
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "human": human_breakdown,
                                               "example": example_out}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
