"""Render the HTML report of the shared content-farm article and screenshot it in headless Chromium.

What it does
------------
Scores ``examples/content_farm_article.txt`` from the shared folder (``../shared`` beside the
checkout, or the ``PADCHECK_SHARED`` environment variable), writes the report with
:func:`padcheck.report.write_report` into a fresh temporary folder, and has headless Chromium
screenshot it at 1400x2000 with a throw-away profile and every background network feature
off. The PNG goes to ``benchmarks/report_screenshot.png`` (or ``--out``). It prints the time to
score and to render (and their ratio: rendering should be a small fraction of scoring), the
page size, and the screenshot's size.

Chromium is looked up as ``--chromium``, then ``/usr/bin/chromium``, then on ``PATH``; on
Debian/Ubuntu install it with ``apt-get update && apt-get install -y chromium``.

How to run
----------
From the repository root::

    python benchmarks/render_report.py
    python benchmarks/render_report.py --out report_shot.png
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import padcheck
from padcheck.report import render_html, write_report

HERE = Path(__file__).resolve().parent
WINDOW = "1400,2000"
#: A screenshot above this is too heavy to keep in the repository.
MAX_PNG_BYTES = 1_000_000


def shared_dir() -> Path:
    """Locate the shared folder, or exit with a message saying how to point at it."""
    env = os.environ.get("PADCHECK_SHARED")
    root = Path(env) if env else Path(__file__).resolve().parents[2] / "shared"
    if not root.is_dir():
        sys.exit(f"shared folder not found at {root}; set PADCHECK_SHARED to its location")
    return root


def find_chromium(explicit: str | None) -> str:
    """The Chromium binary to use, or exit saying how to install it."""
    for candidate in (explicit, "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    sys.exit("chromium not found; install it (apt-get update && apt-get install -y chromium) or pass --chromium")


def screenshot(chromium: str, html: Path, png: Path, timeout: float) -> None:
    """Screenshot ``html`` into ``png`` with a fresh profile and no background networking."""
    with tempfile.TemporaryDirectory(prefix="padcheck-chromium-") as profile:
        cmd = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", f"--screenshot={png}", f"--window-size={WINDOW}",
            "--hide-scrollbars", html.as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        if proc.returncode != 0 or not png.is_file():
            sys.exit(f"chromium failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "report_screenshot.png", help="PNG to write")
    parser.add_argument("--chromium", help="Chromium binary (default: /usr/bin/chromium, then PATH)")
    parser.add_argument("--repeats", type=int, default=5, help="timing repeats (best is reported)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for Chromium")
    args = parser.parse_args(argv)

    article = shared_dir() / "examples" / "content_farm_article.txt"
    text = article.read_text(encoding="utf-8")
    chromium = find_chromium(args.chromium)

    padcheck.score(text)  # load the model and lexicons once, outside the timings
    score_s = render_s = float("inf")
    for _ in range(max(1, args.repeats)):
        t0 = time.perf_counter()
        result = padcheck.score(text)
        t1 = time.perf_counter()
        page = render_html(result, title=f"padcheck report: {article.name}")
        t2 = time.perf_counter()
        score_s, render_s = min(score_s, t1 - t0), min(render_s, t2 - t1)

    with tempfile.TemporaryDirectory(prefix="padcheck-report-") as tmp:
        html = write_report(result, Path(tmp) / "report.html", title=f"padcheck report: {article.name}")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        screenshot(chromium, html, args.out.resolve(), args.timeout)

    size = args.out.stat().st_size
    print(f"article: {article.name}, {len(text)} chars, {len(result.sentences)} sentences")
    print(f"verdict: {'PADDED' if result.is_padded else 'not padded'} "
          f"(probability {result.probability:.4f}, threshold {result.threshold:.4f})")
    print(f"score  {score_s * 1e3:8.2f} ms (best of {args.repeats})")
    print(f"render {render_s * 1e3:8.2f} ms (best of {args.repeats})")
    print(f"render/score ratio {render_s / score_s:.3f}")
    print(f"page {len(page.encode('utf-8'))} bytes; screenshot {size} bytes -> {args.out}")
    if size > MAX_PNG_BYTES:
        print(f"warning: screenshot is larger than {MAX_PNG_BYTES} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
