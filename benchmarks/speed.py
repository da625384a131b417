"""Speed of the whole scoring path: ``padcheck.score_many`` against spaCy's sentencizer alone.

Run from the repository root::

    python benchmarks/speed.py            # 2 MB of mixed English documents from ../shared/data
    python benchmarks/speed.py --mb 0.5 --repeats 1

Printed, all measured in the same run (the two sides of each ratio timed in turn, best of
``--repeats``):

- words/s of ``score_many`` on one core; words/s of spaCy ``blank("en")`` + ``sentencizer``
  ``nlp.pipe`` on the same texts; their ratio (target ≥ 0.5); peak memory of the process;
- the speed-up of ``padcheck score --jobs 2`` over one job, end to end on a JSON Lines file of the
  texts and on one of three copies of them (target ≥ 1.7× on the three copies; needs two free
  cores), and with the fixed start-up of a run left out;
- the time per word of one document of 1k, 10k, 100k and 1M words of distinct text (target: 1M
  within 1.5× of 1k), and of a 1M-word document made of the corpus cycled, verbatim repeats and all.
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
from parse_speed import best_time, corpus_cli, interleaved_best, load_corpus, spacy_runner, verdict  # noqa: E402

TARGET_RATIO = 0.5
TARGET_JOBS = 1.7
TARGET_LINEAR = 1.5
SIZES = (1_000, 10_000, 100_000, 1_000_000)
POOL_MB = 8.0  # distinct text for the 1M-word document (about 1.3M words of the shared data)


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

    spacy_run, _ = spacy_runner(texts)
    best = interleaved_best({"padcheck": lambda: padcheck.score_many(texts, max_chars=10**9), "spacy": spacy_run},
                            args.repeats)
    ours, spacy_seconds = best["padcheck"], best["spacy"]
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
            seconds = interleaved_best(
                {(jobs, path): (lambda jobs=jobs, path=path: cli_seconds(path, jobs))
                 for path in (once, thrice) for jobs in (1, 2)},
                args.repeats)
        one, two = seconds[1, once], seconds[2, once]
        one3, two3 = seconds[1, thrice], seconds[2, thrice]
        size = sum(len(t.encode("utf-8")) for t in texts) / 2**20
        print(f"padcheck score --jobs 1 / --jobs 2 on the corpus ({size:.1f} MiB): {one:.2f} s / {two:.2f} s = "
              f"{one / two:.2f}x end to end")
        # Start-up (interpreter, imports, model: about 0.3 s) is paid once per run whatever --jobs
        # says, so it weighs on a short run: the target is judged on three copies of the corpus.
        print(f"  on three copies ({3 * size:.1f} MiB), end to end: {one3:.2f} s / {two3:.2f} s = {one3 / two3:.2f}x   "
              f"target >= {TARGET_JOBS}: {verdict(one3 / two3 >= TARGET_JOBS)}")
        print(f"  start-up left out (three copies minus one): {(one3 - one) / max(two3 - two, 1e-9):.2f}x")

    # The documents are made of distinct corpus texts laid end to end, so that the largest one
    # differs from the smallest in length only, not in content (a corpus cycled three times over
    # would be full of verbatim repeats, and the evidence for them is work of its own: it is
    # timed on its own line below).
    pool = load_corpus(POOL_MB) if n_words < max(SIZES) else texts
    per_word = []
    for size in SIZES:
        doc = synthetic_document(pool, size)
        words = len(doc.split())
        loops = max(1, 100_000 // size)

        def run(doc=doc, loops=loops) -> None:
            for _ in range(loops):
                padcheck.score(doc, max_chars=10**9)

        seconds = best_time(run, 1 if size >= 1_000_000 else args.repeats) / (loops * words)
        per_word.append(seconds)
        print(f"one document of {words:>9,} words: {seconds * 1e6:7.2f} us/word")
    repeated = synthetic_document(texts, max(SIZES))
    seconds = best_time(lambda: padcheck.score(repeated, max_chars=10**9), 1) / len(repeated.split())
    print(f"  the same size made of the {len(texts):,}-text corpus cycled: {seconds * 1e6:7.2f} us/word (verbatim repeats)")
    growth = per_word[-1] / per_word[0]
    print(f"time per word, 1M / 1k words: {growth:.2f}   target <= {TARGET_LINEAR}: {verdict(growth <= TARGET_LINEAR)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
