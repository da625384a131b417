"""Speed of the whole scoring path: ``padcheck.score_many`` against spaCy's sentencizer alone.

Run from the repository root::

    python benchmarks/speed.py            # 2 MB of mixed English documents from ../shared/data
    python benchmarks/speed.py --mb 0.5 --repeats 1

Printed, all measured in the same run: words/s of ``score_many`` on one core; words/s of spaCy
``blank("en")`` + ``sentencizer`` ``nlp.pipe`` on the same texts; their ratio (target ≥ 0.5);
peak memory of the scoring process; the speed-up of ``padcheck score --jobs 2`` over one job on a
JSON Lines file of the same texts, end to end and at scale (the extra time of three copies of the
file over one, so the fixed start-up of a run is left out; target ≥ 1.7×, needs two free cores);
and the time per word of
one document of 1k, 10k, 100k and 1M words (target: 1M within 1.5× of 1k).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import padcheck

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract_speed import synthetic_document  # noqa: E402
from parse_speed import best_time, corpus_cli, spacy_baseline, verdict  # noqa: E402

TARGET_RATIO = 0.5
TARGET_JOBS = 1.7
TARGET_LINEAR = 1.5
SIZES = (1_000, 10_000, 100_000, 1_000_000)


def cli_seconds(path: Path, jobs: int) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "padcheck", "score", str(path), "--jobs", str(jobs), "-o", str(path) + ".out"],
                   check=False, capture_output=True)
    return time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    args, texts, n_words = corpus_cli(
        __doc__.splitlines()[0], argv,
        extra=lambda p: p.add_argument("--skip-jobs", action="store_true", help="skip the --jobs 2 measurement"))
    padcheck.score("warm up: load the model once")

    ours = best_time(lambda: padcheck.score_many(texts, max_chars=10**9), args.repeats)
    spacy_seconds, _ = spacy_baseline(texts, args.repeats)
    ratio = spacy_seconds / ours
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"padcheck.score_many : {ours:8.3f} s  {n_words / ours:>12,.0f} words/s (one core)")
    print(f"spaCy sentencizer   : {spacy_seconds:8.3f} s  {n_words / spacy_seconds:>12,.0f} words/s")
    print(f"ratio padcheck/spaCy: {ratio:.2f}   target >= {TARGET_RATIO}: {verdict(ratio >= TARGET_RATIO)}")
    print(f"peak memory         : {peak_mb:,.0f} MB (resident, this process)")

    if not args.skip_jobs:
        with tempfile.TemporaryDirectory() as tmp:
            lines = "".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts))
            once, thrice = Path(tmp) / "corpus.jsonl", Path(tmp) / "corpus3.jsonl"
            once.write_text(lines)
            thrice.write_text(lines * 3)
            seconds = {(jobs, path.name): min(cli_seconds(path, jobs) for _ in range(max(1, args.repeats - 1)))
                       for jobs in (1, 2) for path in (once, thrice)}
        one, two = seconds[1, once.name], seconds[2, once.name]
        # Start-up (interpreter, imports, model) is paid once per run whatever --jobs says; the
        # extra time of three copies of the corpus over one is the scoring itself, at scale.
        steady = (seconds[1, thrice.name] - one) / max(seconds[2, thrice.name] - two, 1e-9)
        print(f"padcheck score --jobs 1 / --jobs 2: {one:.2f} s / {two:.2f} s = {one / two:.2f}x end to end")
        print(f"  at scale (3 copies minus 1, start-up excluded): {steady:.2f}x   "
              f"target >= {TARGET_JOBS}: {verdict(steady >= TARGET_JOBS)}")

    per_word = []
    for size in SIZES:
        doc = synthetic_document(texts, size)
        words = len(doc.split())
        loops = max(1, 100_000 // size)

        def run(doc=doc, loops=loops) -> None:
            for _ in range(loops):
                padcheck.score(doc, max_chars=10**9)

        seconds = best_time(run, 1 if size >= 1_000_000 else args.repeats) / (loops * words)
        per_word.append(seconds)
        print(f"one document of {words:>9,} words: {seconds * 1e6:7.2f} us/word")
    growth = per_word[-1] / per_word[0]
    print(f"time per word, 1M / 1k words: {growth:.2f}   target <= {TARGET_LINEAR}: {verdict(growth <= TARGET_LINEAR)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
