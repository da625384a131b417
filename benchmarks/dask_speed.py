"""Dask benchmark: ``padcheck.dask.score_dataframe`` on 1 and 2 workers vs ``padcheck.score_many``.

What it measures
----------------
The same ``--docs`` documents (default 1500: every ``wild/wild_train.jsonl`` text, then
``l2r/l2r.jsonl`` texts taken evenly through the file until the count is reached; both are
training sets, so no test-only data is touched) are scored by:

1. ``padcheck.score_many(texts)`` in this process (the baseline), and with ``n_jobs=2``;
2. ``score_dataframe`` on a ``LocalCluster`` of 1 and of 2 worker processes (one thread each),
   the frame cut into ``--partitions`` partitions.

Each Dask run is preceded by one untimed warm-up compute on the same cluster, so worker start,
imports and the once-per-worker model load are excluded; cluster start-up is printed apart.
Best of ``--repeats``. Throughput is reported in documents and words (whitespace tokens) per
second, with each run's ratio to the baseline. A check that the Dask probabilities equal the
baseline's is printed too. The script exits 0 either way: it is a report, not a test.

Shared data are read from ``../shared`` beside the checkout (override with ``PADCHECK_SHARED``);
no text is stored in the project.

How to run
----------
From the repository root::

    python benchmarks/dask_speed.py
    python benchmarks/dask_speed.py --docs 3000 --partitions 32 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import padcheck

__all__ = ["main", "load_docs"]


def shared_dir() -> Path:
    """The shared data folder: ``PADCHECK_SHARED``, else ``../shared`` beside the checkout."""
    env = os.environ.get("PADCHECK_SHARED")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "shared"
    if not path.is_dir():
        raise SystemExit(f"shared folder not found at {path} (../shared); set PADCHECK_SHARED to its location.")
    return path


def _jsonl_texts(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [t for t in (json.loads(line).get("text") for line in fh if line.strip()) if isinstance(t, str) and t]


def load_docs(n: int) -> list[str]:
    """``n`` texts: all of wild_train, topped up with l2r rows spread evenly through that file."""
    data = shared_dir() / "data"
    texts = _jsonl_texts(data / "wild" / "wild_train.jsonl")[:n]
    if len(texts) < n:
        l2r = _jsonl_texts(data / "l2r" / "l2r.jsonl")
        step = max(1, len(l2r) // (n - len(texts)))  # evenly spaced, so every l2r domain is in
        texts += l2r[::step][: n - len(texts)]
    return texts


def _best(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _dask_run(texts: Sequence[str], workers: int, partitions: int, repeats: int):
    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client, LocalCluster

    from padcheck.dask import score_dataframe

    runs = iter(range(repeats + 1))

    def compute():
        # A fresh ``run`` column gives every run its own graph keys: with identical keys the
        # scheduler hands back results still held from the previous run instead of scoring.
        frame = pd.DataFrame({"text": list(texts), "run": next(runs)})
        return score_dataframe(dd.from_pandas(frame, npartitions=partitions))[["padding_probability"]].compute()

    t0 = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster):
        startup = time.perf_counter() - t0
        compute()  # warm-up: imports and the once-per-worker model load
        seconds, out = _best(compute, repeats)
    return startup, seconds, out["padding_probability"].tolist()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table; returns the exit code (always 0)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1500, help="number of documents")
    ap.add_argument("--partitions", type=int, default=16, help="Dask partitions")
    ap.add_argument("--repeats", type=int, default=2, help="timed runs per setting (best is kept)")
    args = ap.parse_args(argv)

    texts = load_docs(args.docs)
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} documents, {words} words, {sum(map(len, texts)) / 2**20:.2f} MiB; "
          f"{args.partitions} partitions, best of {args.repeats}, {os.cpu_count()} CPUs")

    padcheck.score("warm up the shipped model and lexicons")
    base, base_out = _best(lambda: padcheck.score_many(texts), args.repeats)
    base_p = [r.probability for r in base_out]
    rows = [("score_many n_jobs=1 (baseline)", base, None)]
    two, _ = _best(lambda: padcheck.score_many(texts, n_jobs=2), args.repeats)
    rows.append(("score_many n_jobs=2", two, None))
    same = True
    for workers in (1, 2):
        startup, seconds, probs = _dask_run(texts, workers, args.partitions, args.repeats)
        same &= all(abs(a - b) <= 1e-12 * max(1.0, abs(b)) for a, b in zip(probs, base_p, strict=True))
        rows.append((f"score_dataframe, {workers} worker{'s' * (workers > 1)}", seconds, startup))

    print(f"{'run':34} {'seconds':>8} {'docs/s':>9} {'words/s':>10} {'vs base':>8} {'cluster start':>14}")
    for name, seconds, startup in rows:
        start = f"{startup:.2f} s" if startup is not None else ""
        print(f"{name:34} {seconds:8.2f} {len(texts) / seconds:9.1f} {words / seconds:10.0f} "
              f"{base / seconds:7.2f}x {start:>14}")
    d1, d2 = rows[2][1], rows[3][1]
    print(f"2 workers / 1 worker speed-up: {d1 / d2:.2f}x; "
          f"Dask 2 workers / score_many n_jobs=2: {two / d2:.2f}x")
    print(f"Dask probabilities equal score_many's: {'yes' if same else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
