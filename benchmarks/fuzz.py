"""Fuzz ``parse``, every extractor and ``score`` with hypothesis and report inputs tried and failures.

Run from the repository root::

    python benchmarks/fuzz.py --examples 20000

Invariants checked on every input: no exception; every span in bounds, ordered within its unit
kind and equal to its slice; every feature finite; every evidence span inside its sentence; the
probability finite and in [0, 1]. The test suite runs the same properties with a small example
count (``tests/test_robustness.py``).
"""

from __future__ import annotations

import argparse
import math
import sys
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import padcheck
from padcheck.features import REGISTRY

PIECES = [
    "# ", "## ", "\n", "\r\n", "\r", "\n\n", "- ", "1. ", "> ", "```", "“`", "~~~", "Dr. ", "U.S. ", "e.g. ", "3.5",
    "...", "…", "?", "!", "<p>", "</p>", "<h2>", "</h2>", "<li>", "<div>", "</div>", "<script>", "</script>",
    "<blockquote class=\"twitter-tweet\">", "</blockquote>", "pic.twitter.com/abc ", "— A (@b) May 1, 2020",
    "Overview of the Situation", "Conclusion", "Looking Ahead: What Happens Next?", "cannot be overstated",
    "As an AI language model", "[Insert name]", "Meta description:", "YOU MAY ALSO LIKE", "&amp;", "&#0;", "\x00",
    "\u200f", "\u202e", "\ud800", "\udfff", "😀", "中文。", "İ", "ß", "word ", "Word. ", "===", "---", "\t", " " * 50,
]
TEXTS = st.one_of(
    st.text(max_size=2000),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=200).map("".join),
)
FORMATS = st.sampled_from(["auto", "text", "markdown", "html"])


def check(text: str, fmt: str) -> None:
    doc = padcheck.parse(text, format=fmt)
    n = len(doc.text)
    for units in (doc.blocks, doc.lines, doc.sentences):
        last = 0
        for u in units:
            assert 0 <= u.start <= u.end <= n and doc.text[u.start:u.end] == u.text and u.start >= last
            last = u.end
    for extractor in REGISTRY:
        out = extractor.extract(doc)
        assert all(math.isfinite(v) for v in out.features.values()), extractor.name
        for e in out.evidence:
            s = doc.sentences[e.sentence]
            assert s.start <= e.start <= e.end <= s.end and e.weight > 0, (extractor.name, e)
    r = padcheck.score(text, format=fmt)
    assert 0.0 <= r.probability <= 1.0 and math.isfinite(r.logit)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000)
    args = parser.parse_args(argv)
    tried = 0

    @settings(max_examples=args.examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(text=TEXTS, fmt=FORMATS)
    def run(text: str, fmt: str) -> None:
        nonlocal tried
        tried += 1
        check(text, fmt)

    start = time.perf_counter()
    try:
        run()
    except Exception as exc:  # report the shrunk failing input, then fail
        print(f"FAILED after {tried} inputs: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"fuzz: {tried} inputs tried, 0 failures, {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
