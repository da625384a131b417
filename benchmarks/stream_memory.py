"""Memory of ``padcheck score`` on JSON Lines streams of growing size: it must stay flat.

Two measurements, each printing the peak resident memory of the largest process (the reader or
a worker) for every input size, and the ratio of the largest to the smallest:

1. **Scored stream**: the mixed corpus of ``benchmarks/parse_speed.py`` repeated to each size
   (default 4 and 16 MiB), scored in full with ``--jobs 2``.
2. **Large stream**: records of 1 MiB each, a tenth of the size and then the full size (default
   1 GiB), scored with ``--max-chars 20000``, so every record is read, decoded, cut, scored and
   written while the run stays within a minute. Files go to a temporary folder and are removed.

Flat means the ratio of the largest input's peak to the smallest's stays near 1 (target <= 1.25):
memory depends on the in-flight window, not on the input size.

    python benchmarks/stream_memory.py [--sizes-mb 4 16] [--large-gb 1] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from parse_speed import MIB, load_corpus, verdict  # noqa: E402

TARGET_FLAT = 1.25
_MEASURE = (
    "import resource, subprocess, sys; "
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
    "sys.stderr.write(r.stderr); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def peak_rss_mb(command: Sequence[str]) -> tuple[float, float, str]:
    """Run ``command`` under a fresh Python parent; peak RSS (MiB) of its largest process, seconds, stderr."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    return int(done.stdout.strip().splitlines()[-1]) / 1024, seconds, done.stderr.strip().splitlines()[-1]


def write_stream(path: Path, texts: Sequence[str], size: int) -> int:
    """Write records cycling through ``texts`` until the file holds ``size`` bytes; the record count."""
    written = n = 0
    with path.open("w", encoding="utf-8") as fh:
        while written < size:
            line = json.dumps({"id": str(n), "text": texts[n % len(texts)]}, ensure_ascii=False) + "\n"
            fh.write(line)
            written += len(line.encode("utf-8"))
            n += 1
    return n


def measure(label: str, path: Path, n_records: int, jobs: int, extra: Sequence[str]) -> float:
    out = path.with_suffix(".out")
    command = [sys.executable, "-m", "padcheck", "score", str(path), "--jobs", str(jobs), "-o", str(out), *extra]
    rss, seconds, summary = peak_rss_mb(command)
    size = path.stat().st_size / MIB
    print(f"{label}: {size:8.0f} MiB, {n_records:>9,} records: peak RSS {rss:6.0f} MiB, {seconds:6.1f} s ({summary})")
    out.unlink()
    return rss


def report_flat(label: str, peaks: list[float]) -> bool:
    ratio = max(peaks) / min(peaks)
    flat = ratio <= TARGET_FLAT
    print(f"{label}: largest / smallest input, peak RSS ratio {ratio:.2f}   target <= {TARGET_FLAT}: {verdict(flat)}")
    return flat


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes-mb", type=float, nargs="+", default=[4, 16], help="scored stream sizes (MiB)")
    parser.add_argument("--large-gb", type=float, default=1.0, help="size of the large stream (GiB; 0 skips it)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    texts = load_corpus(2)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        scored = []
        for mb in sorted(args.sizes_mb):
            path = Path(tmp) / f"stream-{mb:g}mb.jsonl"
            n = write_stream(path, texts, int(mb * MIB))
            scored.append(measure("scored stream", path, n, args.jobs, []))
            path.unlink()
        ok &= report_flat("scored stream", scored)
        if args.large_gb > 0:
            page = "\n\n".join(texts)
            page = (page * (MIB // max(len(page), 1) + 1))[:MIB]
            large = []
            for gb in (args.large_gb / 10, args.large_gb):
                path = Path(tmp) / f"stream-{gb:g}gb.jsonl"
                n = write_stream(path, [page], int(gb * 1024 * MIB))
                large.append(measure("large stream ", path, n, args.jobs, ["--max-chars", "20000"]))
                path.unlink()
            ok &= report_flat("large stream ", large)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
