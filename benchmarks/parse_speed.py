"""Parse-speed benchmark: ``padcheck.parse`` against a spaCy sentencizer baseline.

What it measures
----------------
A mixed English corpus is gathered at run time from the shared data sets (``l2r``, ``wild``,
``m4``, ``detectrl/core``), taking one text from each file in turn until the corpus holds at
least ``--mb`` MiB of UTF-8. On exactly those texts, in the same process, it times (best of
``--repeats`` runs each):

* ``padcheck.parse(text)`` for every text (the sentences of each document are touched);
* ``spacy.blank("en")`` with a ``sentencizer`` pipe, run as ``nlp.pipe(texts, batch_size=64)``,
  consuming every doc and its ``.sents``. Building the pipeline is not timed.

Throughput is reported in words per second, where words are the whitespace-split tokens of
the input texts, and the ratio padcheck/spaCy is judged against the target (ratio >= 0.8).
The verdict is a report: the script exits 0 either way.

The shared data are read from ``../shared`` beside the checkout (override with the
``PADCHECK_SHARED`` environment variable); no text is stored in the project.

How to run
----------
From the repository root::

    python benchmarks/parse_speed.py
    python benchmarks/parse_speed.py --mb 4 --repeats 5
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import padcheck

#: Corpus files, relative to the shared folder, read round-robin.
CORPUS_FILES = (
    "data/l2r/l2r.jsonl",
    "data/wild/wild_train.jsonl",
    "data/m4/m4.jsonl",
    "data/detectrl/core.jsonl",
)

#: padcheck must reach this fraction of the spaCy sentencizer's throughput.
TARGET_RATIO = 0.8

MIB = 1024 * 1024


def shared_dir() -> Path:
    """Locate the shared data folder, or exit with a message saying how to point at it."""
    env = os.environ.get("PADCHECK_SHARED")
    root = Path(env) if env else Path(__file__).resolve().parents[2] / "shared"
    if not root.is_dir():
        sys.exit(
            f"error: shared data folder not found at {root}. It is expected beside the checkout "
            "(../shared); set PADCHECK_SHARED to its location."
        )
    missing = [name for name in CORPUS_FILES if not (root / name).is_file()]
    if missing:
        sys.exit(f"error: shared data folder {root} lacks {', '.join(missing)}")
    return root


def _texts(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            text = json.loads(line).get("text")
            if isinstance(text, str) and text.strip():
                yield text


def load_corpus(mb: float) -> list[str]:
    """Take texts round-robin from :data:`CORPUS_FILES` until they hold ``mb`` MiB of UTF-8."""
    root = shared_dir()
    want = int(mb * MIB)
    sources = [_texts(root / name) for name in CORPUS_FILES]
    texts: list[str] = []
    size = 0
    while size < want and sources:
        for source in list(sources):
            text = next(source, None)
            if text is None:
                sources.remove(source)
                continue
            texts.append(text)
            size += len(text.encode("utf-8"))
            if size >= want:
                break
    if size < want:
        print(f"warning: shared corpus exhausted at {size / MIB:.2f} MiB (asked for {mb} MiB)")
    return texts


def count_words(texts: Sequence[str]) -> int:
    """Words = whitespace-split tokens of the input."""
    return sum(len(t.split()) for t in texts)


def best_time(fn: Callable[[], object], repeats: int) -> float:
    """Smallest wall time of ``repeats`` calls of ``fn`` (garbage collected before each)."""
    best = float("inf")
    for _ in range(max(1, repeats)):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run_padcheck_parse(texts: Sequence[str]) -> int:
    n_sentences = 0
    for text in texts:
        n_sentences += len(padcheck.parse(text).sentences)
    return n_sentences


def interleaved_best(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Smallest wall time of each of ``runs`` over ``repeats`` rounds that call every one in turn.

    Taking the calls in turn, not all of one first, makes a slow spell of a shared machine fall
    on every measurement of a ratio alike instead of on one side of it.
    """
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(max(1, repeats)):
        for name, fn in runs.items():
            best[name] = min(best[name], best_time(fn, 1))
    return best


def spacy_runner(texts: Sequence[str]) -> tuple[Callable[[], None], list[int]]:
    """A call that runs the spaCy blank-English sentencizer over ``texts``, and the list it appends
    each run's sentence count to."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = max(nlp.max_length, max(len(t) for t in texts) + 1)
    counted: list[int] = []

    def run() -> None:
        n = 0
        for doc in nlp.pipe(texts, batch_size=64):
            for _sent in doc.sents:
                n += 1
        counted.append(n)

    return run, counted


def spacy_baseline(texts: Sequence[str], repeats: int) -> tuple[float, int]:
    """Best time of the spaCy blank-English sentencizer over ``texts``, and its sentence count."""
    run, counted = spacy_runner(texts)
    return best_time(run, repeats), counted[-1]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def describe_corpus(texts: Sequence[str], n_words: int) -> None:
    size = sum(len(t.encode("utf-8")) for t in texts)
    print(f"corpus: {len(texts)} documents, {size / MIB:.2f} MiB UTF-8, {n_words:,} words")


def corpus_cli(description: str, argv: Sequence[str] | None, extra: Callable | None = None):
    """Parse ``--mb``/``--repeats`` (plus ``extra(parser)``'s options), load and describe the corpus.

    Returns ``(args, texts, n_words)``; every speed benchmark starts this way.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--mb", type=float, default=2.0, help="corpus size in MiB of UTF-8 (default 2)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per measurement; best is kept (default 3)")
    if extra is not None:
        extra(parser)
    args = parser.parse_args(argv)
    texts = load_corpus(args.mb)
    n_words = count_words(texts)
    describe_corpus(texts, n_words)
    print(f"repeats: best of {args.repeats}")
    return args, texts, n_words


def main(argv: Sequence[str] | None = None) -> int:
    args, texts, n_words = corpus_cli(__doc__.splitlines()[0], argv)

    counted: list[int] = []
    t_pad = best_time(lambda: counted.append(run_padcheck_parse(texts)), args.repeats)
    t_spacy, spacy_sents = spacy_baseline(texts, args.repeats)

    pad_wps = n_words / t_pad
    spacy_wps = n_words / t_spacy
    ratio = pad_wps / spacy_wps
    print(f"padcheck.parse      : {t_pad:8.3f} s  {pad_wps:12,.0f} words/s  ({counted[-1]:,} sentences)")
    print(f"spaCy sentencizer   : {t_spacy:8.3f} s  {spacy_wps:12,.0f} words/s  ({spacy_sents:,} sentences)")
    print(f"ratio padcheck/spaCy: {ratio:.2f}")
    print(f"target ratio >= {TARGET_RATIO}: {verdict(ratio >= TARGET_RATIO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
