"""Command line: ``padcheck score | report | train | evaluate | parse | extractors``.

``padcheck score`` streams: records are read, scored and written as they come, so memory stays
flat however large the input; with ``--jobs N`` chunks of records are scored by N processes, a
bounded window of chunks ahead, and the output keeps input order. Every input record yields exactly one output line (an error record when it
cannot be read or scored), and ``--resume`` skips ids already present in the output file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from padcheck.scoring import DEFAULT_MAX_CHARS

__all__ = ["main", "build_parser"]

_FORMATS = ["auto", "text", "markdown", "html"]
_BATCH = 256  # output is flushed every _BATCH records
_CHUNK = 64  # records per task sent to a worker, at most
_CHUNK_CHARS = 1 << 18  # characters per task, at most (one longer record makes a task alone)
_AHEAD = 4  # chunks in flight per worker


# ---------------------------------------------------------------------------------------------
# Input records


def iter_records(paths: list[str], glob: str = "*", id_field: str = "id",
                 text_field: str = "text") -> Iterator[tuple[str, str | None, str]]:
    """Yield ``(id, text or None, error)`` for every input record: files, folders, JSONL, stdin."""
    for raw in paths:
        if raw == "-":
            yield from _iter_stream(sys.stdin, "-", id_field, text_field, jsonl=None)
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob(glob) if p.is_file())
        elif path.is_file():
            files = [path]
        else:
            yield raw, None, "file not found"
            continue
        for file in files:
            if file.suffix.lower() == ".jsonl":
                with open(file, encoding="utf-8", errors="surrogateescape") as fh:
                    yield from _iter_stream(fh, str(file), id_field, text_field, jsonl=True)
                continue
            try:
                yield str(file), file.read_bytes().decode("utf-8"), ""
            except UnicodeDecodeError as exc:
                yield str(file), None, f"not valid UTF-8 at byte {exc.start}"
            except OSError as exc:
                yield str(file), None, f"cannot read: {exc.strerror}"


def _iter_stream(fh, name: str, id_field: str, text_field: str, jsonl: bool | None):
    if jsonl is None:  # stdin: JSON Lines when the first non-blank line opens an object
        head = []
        for line in fh:
            head.append(line)
            if line.strip():
                break
        if not "".join(head).lstrip().startswith("{"):
            yield name, "".join(head) + fh.read(), ""
            return
        fh = chain(head, fh)  # stream the rest: memory stays flat on any size of input
    for lineno, line in enumerate(fh, 1):
        if not line.strip():
            continue
        fallback = f"{name}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield fallback, None, f"{fallback}: not valid JSON ({exc.msg})"
            continue
        if not isinstance(record, dict):
            yield fallback, None, f"{fallback}: not a JSON object"
            continue
        rid = str(record.get(id_field, fallback))
        text = record.get(text_field)
        if not isinstance(text, str):
            yield rid, None, f"{fallback}: no string field {text_field!r}"
            continue
        yield rid, text, ""


# ---------------------------------------------------------------------------------------------
# score


_WORKER_MODEL = None


def _init_worker(model_path: str | None) -> None:
    global _WORKER_MODEL
    from padcheck.model import default_model, load_model

    _WORKER_MODEL = load_model(model_path) if model_path else default_model()
    _WORKER_MODEL.warm()  # derived tables built once here, and shared by forked workers


def _worker_pool(jobs: int, model_path: str | None):
    """A pool of ``jobs`` scoring processes.

    On Linux the workers are forked after the model is loaded, so they start at once and share
    its arrays copy-on-write (no threads run yet at this point, which is what makes fork safe).
    Elsewhere they are spawned and each loads the model itself.
    """
    import multiprocessing as mp
    import threading

    if sys.platform == "linux" and threading.active_count() == 1:
        return mp.get_context("fork").Pool(jobs)
    return mp.get_context("spawn").Pool(jobs, initializer=_init_worker, initargs=(model_path,))


def _score_record(args) -> dict:
    rid, text, error, fmt, sentences, top, max_chars = args
    if text is None:
        return {"id": rid, "error": error}
    from padcheck.scoring import score

    try:
        result = score(text, format=fmt, model=_WORKER_MODEL, max_chars=max_chars)
    except Exception as exc:  # one bad record must not stop a corpus run
        return {"id": rid, "error": f"{type(exc).__name__}: {exc}"}
    record = {
        "id": rid,
        "probability": round(result.probability, 6),
        "is_padded": result.is_padded,
        "threshold": round(result.threshold, 6),
        "truncated": result.truncated,
        "language_supported": result.language_supported,
        "top_reasons": result.reason_summary(top),
    }
    if sentences:
        record["sentences"] = result.to_dict()["sentences"]
    return record


def _done_ids(path: Path) -> set[str]:
    """Ids already in an output file; a torn last line (a crash mid-write) is cut off."""
    if not path.exists():
        return set()
    with open(path, "rb+") as fh:
        data = fh.read()
        if data and not data.endswith(b"\n"):
            cut = data.rfind(b"\n") + 1
            fh.truncate(cut)
            data = data[:cut]
    done = set()
    for line in data.decode("utf-8", errors="replace").splitlines():
        try:
            done.add(str(json.loads(line)["id"]))
        except (json.JSONDecodeError, KeyError, TypeError):
            continue
    return done


def _scored_in_order(tasks: Iterator[tuple], pool, jobs: int) -> Iterator[tuple[bool, str]]:
    """Score tasks and yield ``(failed, JSON line)`` of their records in input order.

    With a pool, chunks of ``_CHUNK`` records are submitted ahead of the one being written, at
    most ``_AHEAD`` chunks per worker, so workers never wait on a batch barrier and memory stays
    bounded by the window, not the input.
    """
    if pool is None:
        for task in tasks:
            yield _json_line(_score_record(task))
        return
    from collections import deque

    window: deque = deque()
    while True:
        while len(window) < _AHEAD * jobs and (chunk := _next_chunk(tasks)):
            window.append(pool.apply_async(_score_chunk, (chunk,)))
        if not window:
            return
        yield from window.popleft().get()


def _next_chunk(tasks: Iterator[tuple]) -> list[tuple]:
    """The next tasks for one worker: up to ``_CHUNK`` records or ``_CHUNK_CHARS`` characters of
    text, so the records in flight stay bounded in memory whatever their sizes."""
    chunk: list[tuple] = []
    chars = 0
    for task in tasks:
        chunk.append(task)
        chars += len(task[1] or "")
        if len(chunk) >= _CHUNK or chars >= _CHUNK_CHARS:
            break
    return chunk


def _score_chunk(chunk: list[tuple]) -> list[tuple[bool, str]]:
    """``(failed, JSON line)`` of each task: records are serialised in the worker, in parallel."""
    return [_json_line(_score_record(task)) for task in chunk]


def _json_line(record: dict) -> tuple[bool, str]:
    return "error" in record, json.dumps(record, ensure_ascii=False) + "\n"


def _cmd_score(args) -> int:
    records = iter_records(args.inputs, args.glob, args.id_field, args.text_field)
    if args.human or (args.output is None and sys.stdout.isatty() and len(args.inputs) == 1
                      and args.inputs[0] != "-" and Path(args.inputs[0]).is_file()
                      and not args.inputs[0].endswith(".jsonl")):
        return _score_human(records, args)
    done: set[str] = set()
    if args.resume:
        if not args.output:
            raise SystemExit("padcheck score: --resume needs --output FILE")
        done = _done_ids(Path(args.output))
    out = open(args.output, "a" if args.resume else "w", encoding="utf-8") if args.output else sys.stdout
    counts = {"scored": 0, "failed": 0, "skipped": 0}
    pool = None
    _init_worker(args.model)
    if args.jobs > 1:
        pool = _worker_pool(args.jobs, args.model)
    bar = None
    if sys.stderr.isatty():  # a progress bar only for a person watching (tqdm is imported only then)
        from tqdm import tqdm

        bar = tqdm(desc="scoring", unit="doc", file=sys.stderr)

    def pending():
        for rid, text, error in records:
            if rid in done:
                counts["skipped"] += 1
                continue
            if text is not None and len(text) > args.max_chars:
                # Cut here, not in the worker: the rest would only be pickled and dropped. One
                # character more than the limit keeps the record marked truncated.
                text = text[:args.max_chars + 1]
            yield rid, text, error, args.format, args.sentences, args.top, args.max_chars

    try:
        for n, (failed, line) in enumerate(_scored_in_order(pending(), pool, args.jobs), 1):
            counts["failed" if failed else "scored"] += 1
            out.write(line)
            if bar is not None:
                bar.update(1)
            if n % _BATCH == 0:
                out.flush()
    finally:
        if bar is not None:
            bar.close()
        if pool is not None:
            pool.close()
            pool.join()
        if out is not sys.stdout:
            out.close()
    total = counts["scored"] + counts["failed"]
    tail = f", {counts['skipped']} already in the output" if args.resume else ""
    print(f"padcheck: scored {counts['scored']} of {total} records, {counts['failed']} failed{tail}", file=sys.stderr)
    return 1 if counts["failed"] else 0


def _score_human(records, args) -> int:
    from padcheck.model import load_model
    from padcheck.scoring import score

    model = load_model(args.model) if args.model else None
    failed = 0
    for rid, text, error in records:
        if text is None:
            failed += 1
            print(f"{rid}: error: {error}")
            continue
        result = score(text, format=args.format, model=model, max_chars=args.max_chars)
        verdict = "PADDED" if result.is_padded else "not padded"
        if not result.language_supported:
            verdict = f"no verdict ({result.support_note})"
        cut = f", first {args.max_chars:,} characters" if result.truncated else ""
        print(f"{rid}: {verdict} (probability {result.probability:.3f}, threshold {result.threshold:.3f}{cut})")
        for s in result.top_sentences(args.top):
            snippet = " ".join(s.text.split())
            snippet = snippet if len(snippet) <= 100 else snippet[:97] + "..."
            print(f"  [{s.score:.2f}] chars {s.start}-{s.end}: {snippet}")
            for r in s.reasons[:3]:
                print(f"         {r.code}: {r.message}")
    return 1 if failed else 0


# ---------------------------------------------------------------------------------------------
# report, train, evaluate, parse, extractors


def _cmd_report(args) -> int:
    from padcheck.report import write_report

    text = sys.stdin.read() if args.article == "-" else Path(args.article).read_bytes().decode("utf-8")
    write_report(text, args.output, format=args.format, model=args.model, title=args.title or args.article)
    print(f"padcheck: report written to {args.output}", file=sys.stderr)
    return 0


def _label_map(raw: str | None) -> dict[str, int] | None:
    if not raw:
        return None
    mapping = {}
    for part in raw.split(","):
        name, sep, value = part.partition("=")
        if not sep or value.strip() not in ("0", "1"):
            raise SystemExit(f"padcheck: --label-map wants NAME=0|1 pairs separated by commas, got {part!r}")
        mapping[name.strip()] = int(value)
    return mapping


def _cmd_train(args) -> int:
    from padcheck.io import DataError
    from padcheck.training import train

    try:
        _, report = train(
            args.inputs, out=args.out, lexical=not args.no_lexical, seed=args.seed, n_jobs=args.jobs,
            target_fpr=args.target_fpr, text_field=args.text_field, label_field=args.label_field,
            group_field=args.group_field, label_map=_label_map(args.label_map), on_error=args.on_error,
            progress=sys.stderr.isatty(),
        )
    except (DataError, FileNotFoundError) as exc:
        print(f"padcheck train: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report["test"], indent=2))
    print(f"padcheck: model, card and report written to {args.out}", file=sys.stderr)
    return 0


def _cmd_evaluate(args) -> int:
    from padcheck._atomic import atomic_write_text
    from padcheck.evaluation import evaluate
    from padcheck.io import DataError, read_rows
    from padcheck.model import default_model, load_model

    model = load_model(args.model) if args.model else default_model()
    try:
        rows = [r for path in args.inputs for r in read_rows(
            path, text_field=args.text_field, label_field=args.label_field, group_field=args.group_field,
            label_map=_label_map(args.label_map), on_error=args.on_error)]
    except (DataError, FileNotFoundError) as exc:
        print(f"padcheck evaluate: {exc}", file=sys.stderr)
        return 2
    report, _ = evaluate(model, rows, n_jobs=args.jobs, bootstrap=args.bootstrap)
    summary = {k: report.get(k) for k in ("n", "auroc", "average_precision", "tpr_at_5pct_fpr", "tpr_at_1pct_fpr",
                                          "precision", "recall", "f1", "fpr", "ece", "ece_even_prior")}
    print(json.dumps(summary, indent=2))
    if args.report:
        atomic_write_text(args.report, json.dumps(report, indent=2))
    if args.html:
        from padcheck.report import evaluation_html

        atomic_write_text(args.html, evaluation_html(report))
    return 0


def _cmd_parse(args) -> int:
    from padcheck.parse import parse

    for rid, text, error in iter_records(args.inputs):
        if text is None:
            print(json.dumps({"id": rid, "error": error}))
            continue
        doc = parse(text, args.format)
        print(json.dumps({"id": rid, **doc.summary(), "headings": [h.text for h in doc.headings]},
                         ensure_ascii=False))
    return 0


def _cmd_extractors(args) -> int:
    from padcheck.features import feature_specs

    for spec in feature_specs():
        print(f"{spec.name}\t{spec.range}\t{spec.description}")
    return 0


def _data_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--text-field", default="text")
    p.add_argument("--label-field", default="label")
    p.add_argument("--group-field", default="group")
    p.add_argument("--label-map", help="named classes, e.g. human=0,ai=1 (0/1 and true/false always work)")
    p.add_argument("--on-error", choices=["stop", "skip"], default="stop",
                   help="bad rows: stop at the first (default) or skip them and report the count")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``padcheck`` command."""
    parser = argparse.ArgumentParser(prog="padcheck", description="Detect padded, content-farm writing.")
    sub = parser.add_subparsers(dest="command", required=True)

    sc = sub.add_parser("score", help="score files, folders, JSON Lines or stdin ('-')")
    sc.add_argument("inputs", nargs="+")
    sc.add_argument("--format", default="auto", choices=_FORMATS)
    sc.add_argument("--model", help="model folder (default: the shipped model)")
    sc.add_argument("-o", "--output", help="write JSON Lines here instead of stdout")
    sc.add_argument("--glob", default="*", help="file pattern inside folders (default: every file)")
    sc.add_argument("--id-field", default="id", help="JSON Lines field holding the record id")
    sc.add_argument("--text-field", default="text", help="JSON Lines field holding the text")
    sc.add_argument("--sentences", action="store_true", help="include every sentence's score and reasons")
    sc.add_argument("--top", type=int, default=5, help="number of top reasons (and sentences) to show")
    sc.add_argument("--jobs", type=int, default=1, help="worker processes (output keeps input order)")
    sc.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS,
                    help=f"cut longer texts before scoring and mark them truncated (default {DEFAULT_MAX_CHARS:,})")
    sc.add_argument("--resume", action="store_true", help="append to --output, skipping ids already there")
    sc.add_argument("--human", action="store_true", help="human-readable output (default for one file on a terminal)")
    sc.set_defaults(func=_cmd_score)

    rp = sub.add_parser("report", help="write a self-contained HTML report of one article")
    rp.add_argument("article", help="the article file ('-' for stdin)")
    rp.add_argument("-o", "--output", required=True)
    rp.add_argument("--format", default="auto", choices=_FORMATS)
    rp.add_argument("--model")
    rp.add_argument("--title")
    rp.set_defaults(func=_cmd_report)

    tr = sub.add_parser("train", help="train a model on labelled JSON Lines or CSV")
    tr.add_argument("inputs", nargs="+")
    tr.add_argument("--out", required=True, help="folder to write the model, its card and report to")
    tr.add_argument("--no-lexical", action="store_true", help="do not stack the hashed n-gram signal")
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--jobs", type=int, default=1)
    tr.add_argument("--target-fpr", type=float, default=0.01)
    _data_options(tr)
    tr.set_defaults(func=_cmd_train)

    ev = sub.add_parser("evaluate", help="evaluate a model on labelled data")
    ev.add_argument("inputs", nargs="+")
    ev.add_argument("--model", help="model folder (default: the shipped model)")
    ev.add_argument("--report", help="write the full JSON report here")
    ev.add_argument("--html", help="write an HTML report here")
    ev.add_argument("--jobs", type=int, default=1)
    ev.add_argument("--bootstrap", type=int, default=200, help="bootstrap resamples for confidence intervals")
    _data_options(ev)
    ev.set_defaults(func=_cmd_evaluate)

    pa = sub.add_parser("parse", help="print how texts are parsed (block counts and headings)")
    pa.add_argument("inputs", nargs="+")
    pa.add_argument("--format", default="auto", choices=_FORMATS)
    pa.set_defaults(func=_cmd_parse)

    ex = sub.add_parser("extractors", help="list every feature with its range and meaning")
    ex.set_defaults(func=_cmd_extractors)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``padcheck`` command."""
    args = build_parser().parse_args(argv)
    if getattr(args, "jobs", 1) < 1:
        raise SystemExit("padcheck: --jobs must be at least 1")
    if getattr(args, "max_chars", 1) < 1:
        raise SystemExit("padcheck: --max-chars must be at least 1")
    try:
        return args.func(args)
    except BrokenPipeError:  # `padcheck score ... | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
