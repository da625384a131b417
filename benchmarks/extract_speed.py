"""Feature-extraction benchmark: ``parse`` + ``extract_all`` throughput, per extractor, and linearity.

What it measures
----------------
On the same mixed corpus as ``benchmarks/parse_speed.py`` (texts taken round-robin from the
shared ``l2r``, ``wild``, ``m4`` and ``detectrl/core`` files until ``--mb`` MiB of UTF-8),
best of ``--repeats`` runs each:

1. ``padcheck.parse`` + ``padcheck.features.extract_all`` over every text, in words per second,
   next to the spaCy ``blank("en")`` + ``sentencizer`` baseline (``nlp.pipe(texts,
   batch_size=64)``, docs and ``.sents`` consumed) and the ratio padcheck/spaCy (target >= 0.8).
2. A per-extractor breakdown: the documents are parsed once (untimed), then each extractor in
   ``padcheck.features.REGISTRY`` is timed alone over all of them.
3. A linearity check: one synthetic document made by concatenating corpus texts (blank line
   between them), cut to ~1k, 10k and 100k words; time per word of parse + extract_all at each
   size, and the ratio of the largest size's time per word to the smallest's (target <= 1.5).

Words are the whitespace-split tokens of the input. The verdicts are a report: the script
exits 0 either way. Shared data are read from ``../shared`` beside the checkout (override with
``PADCHECK_SHARED``); no text is stored in the project.

How to run
----------
From the repository root::

    python benchmarks/extract_speed.py
    python benchmarks/extract_speed.py --mb 4 --repeats 5
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

import padcheck
from padcheck.features import REGISTRY, extract_all

try:  # run as a script: benchmarks/ is on sys.path
    from parse_speed import TARGET_RATIO, best_time, corpus_cli, spacy_baseline, verdict
except ImportError:  # run as ``python -m benchmarks.extract_speed``
    from benchmarks.parse_speed import (
        TARGET_RATIO,
        best_time,
        corpus_cli,
        spacy_baseline,
        verdict,
    )

#: Sizes (words) of the synthetic documents of the linearity check.
LINEARITY_SIZES = (1_000, 10_000, 100_000)

#: Time per word at the largest size may be at most this multiple of that at the smallest.
TARGET_LINEARITY = 1.5

_WORD = re.compile(r"\S+")


def run_parse_extract(texts: Sequence[str]) -> None:
    for text in texts:
        extract_all(padcheck.parse(text))


def synthetic_document(texts: Sequence[str], n_words: int) -> str:
    """Concatenate corpus texts (cycling if needed) and cut after the ``n_words``-th word."""
    parts: list[str] = []
    have = 0
    i = 0
    while have < n_words:
        text = texts[i % len(texts)]
        parts.append(text)
        have += len(text.split())
        i += 1
    joined = "\n\n".join(parts)
    for k, match in enumerate(_WORD.finditer(joined), start=1):
        if k == n_words:
            return joined[: match.end()]
    return joined


def per_extractor(texts: Sequence[str], repeats: int) -> list[tuple[str, float]]:
    docs = [padcheck.parse(t) for t in texts]
    timings = []
    for extractor in REGISTRY:

        def run(extractor=extractor) -> None:
            for doc in docs:
                extractor.extract(doc)

        timings.append((extractor.name, best_time(run, repeats)))
    return timings


def linearity(texts: Sequence[str], repeats: int) -> list[tuple[int, float]]:
    """Seconds per word of parse + extract_all on one synthetic document of each size."""
    biggest = max(LINEARITY_SIZES)
    rows = []
    for size in LINEARITY_SIZES:
        doc_text = synthetic_document(texts, size)
        words = len(doc_text.split())
        # Process about as many words at every size, so small sizes are not lost in timer noise.
        loops = max(1, biggest // size)

        def run(doc_text=doc_text, loops=loops) -> None:
            for _ in range(loops):
                extract_all(padcheck.parse(doc_text))

        rows.append((words, best_time(run, repeats) / (loops * words)))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    args, texts, n_words = corpus_cli(__doc__.splitlines()[0], argv)

    print("\n== throughput ==")
    t_pad = best_time(lambda: run_parse_extract(texts), args.repeats)
    t_spacy, _ = spacy_baseline(texts, args.repeats)
    pad_wps = n_words / t_pad
    spacy_wps = n_words / t_spacy
    ratio = pad_wps / spacy_wps
    print(f"parse + extract_all : {t_pad:8.3f} s  {pad_wps:12,.0f} words/s")
    print(f"spaCy sentencizer   : {t_spacy:8.3f} s  {spacy_wps:12,.0f} words/s")
    print(f"ratio padcheck/spaCy: {ratio:.2f}")
    print(f"target ratio >= {TARGET_RATIO}: {verdict(ratio >= TARGET_RATIO)}")

    print("\n== per extractor (documents pre-parsed) ==")
    timings = per_extractor(texts, args.repeats)
    t_parse = best_time(lambda: [padcheck.parse(t) for t in texts], args.repeats)
    total = t_parse + sum(t for _, t in timings)
    print(f"{'stage':<14}{'seconds':>10}{'words/s':>14}{'share':>8}")
    for name, t in [("(parse)", t_parse), *timings]:
        print(f"{name:<14}{t:10.3f}{n_words / t:14,.0f}{t / total:8.1%}")
    slowest_name, slowest_t = max(timings, key=lambda row: row[1])
    print(f"slowest extractor: {slowest_name} ({slowest_t / total:.1%} of parse + extractors)")

    print("\n== linearity (one synthetic document) ==")
    rows = linearity(texts, args.repeats)
    for words, per_word in rows:
        print(f"{words:>9,} words: {per_word * 1e6:8.3f} us/word  ({1 / per_word:12,.0f} words/s)")
    growth = rows[-1][1] / rows[0][1]
    print(f"time per word, largest/smallest: {growth:.2f}")
    print(f"target ratio <= {TARGET_LINEARITY}: {verdict(growth <= TARGET_LINEARITY)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
