"""Hostile-scale inputs: time per character against a normal document of the same size.

Run from the repository root::

    python benchmarks/hostile.py            # 1 MB inputs (the default max_chars)
    python benchmarks/hostile.py --mb 0.25  # quicker

Each hostile input is scored with ``padcheck.score`` and timed; the baseline is ordinary prose
(shared corpus texts, or a generated article when the shared folder is absent) cut to the same
number of characters, timed in the same run. A ratio near 1 means linear time on hostile text;
a quadratic step would show as a ratio growing with size. Inputs longer than ``max_chars`` are
cut (the result says ``truncated``), which bounds the work per document.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import padcheck

SHARED = Path(os.environ.get("PADCHECK_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def normal_text(chars: int) -> str:
    path = SHARED / "data" / "wild" / "wild_train.jsonl"
    parts, size = [], 0
    if path.exists():
        with open(path, encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in fh]
    else:
        texts = ["The council met on Tuesday and voted to repair the bridge. Residents welcomed the news."]
    i = 0
    while size < chars:
        parts.append(texts[i % len(texts)])
        size += len(parts[-1]) + 2
        i += 1
    return "\n\n".join(parts)[:chars]


def hostile_inputs(chars: int) -> dict[str, tuple[str, str]]:
    sentence = "The committee will meet again next week to discuss it. "
    return {
        "5x input with no whitespace": ("a" * (5 * chars), "auto"),
        "newlines only": ("\n" * chars, "auto"),
        "identical sentences": (sentence * (chars // len(sentence)), "auto"),
        "one long sentence": (("word " * (chars // 5)).strip(), "auto"),
        "identical sentences, one per line": ((sentence.strip() + "\n") * (chars // len(sentence)), "auto"),
        "thousands of headings": (("## Overview of the Situation\n\nShort line.\n\n" * (chars // 44)), "markdown"),
        "deeply nested HTML": ("<div>" * (chars // 12) + "<p>Deep text.</p>" + "</div>" * (chars // 12), "html"),
        "unclosed tags": ("<p><b><i>" * (chars // 9), "html"),
        "brackets and fences": ("[Insert " * (chars // 16) + "```\n" * (chars // 16), "auto"),
        "a run of dots without a space": ("." * chars + "x", "auto"),
        "a heading line of blanks": ("# Overview" + " " * chars + "#x\n\nShort line.", "markdown"),
    }


def timed(text: str, fmt: str) -> tuple[float, padcheck.PadResult]:
    start = time.perf_counter()
    result = padcheck.score(text, format=fmt)
    return time.perf_counter() - start, result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="size of each input in millions of characters")
    args = parser.parse_args(argv)
    chars = int(args.mb * 1_000_000)
    padcheck.score("warm up the model")
    base_time, _ = timed(normal_text(chars), "auto")
    base = base_time / chars
    print(f"baseline: normal prose, {chars:,} chars: {base_time:.2f} s ({base * 1e6:.2f} us/char)\n")
    print(f"{'input':40} {'chars':>11} {'scored':>11} {'seconds':>8} {'ratio':>6}  truncated")
    worst = 0.0
    for name, (text, fmt) in hostile_inputs(chars).items():
        seconds, result = timed(text, fmt)
        scored = min(len(text), padcheck.scoring.DEFAULT_MAX_CHARS)
        ratio = (seconds / max(scored, 1)) / base
        worst = max(worst, ratio)
        print(f"{name:40} {len(text):>11,} {scored:>11,} {seconds:>8.2f} {ratio:>6.2f}  {result.truncated}")
    print(f"\nworst time-per-character ratio to normal prose: {worst:.2f} (near 1 or below = linear)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
