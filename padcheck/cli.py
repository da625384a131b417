"""Command line: ``padcheck score``, ``padcheck train``, ``padcheck parse``, ``padcheck extractors``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["main"]

_TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".text"}


def _iter_inputs(paths: list[str], glob: str, id_field: str, text_field: str) -> Iterator[tuple[str, str | None, str]]:
    """Yield (id, text or None, error) for every input record: files, folders, JSONL, stdin."""
    for raw in paths:
        if raw == "-":
            yield "-", sys.stdin.read(), ""
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob(glob) if p.is_file())
        elif path.exists():
            files = [path]
        else:
            yield raw, None, "file not found"
            continue
        for file in files:
            if file.suffix == ".jsonl":
                yield from _iter_jsonl(file, id_field, text_field)
                continue
            try:
                yield str(file), file.read_bytes().decode("utf-8"), ""
            except (OSError, UnicodeDecodeError) as exc:
                yield str(file), None, f"cannot read: {exc}"


def _iter_jsonl(file: Path, id_field: str, text_field: str):
    with open(file, encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rid = f"{file}:{lineno}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield rid, None, f"line {lineno}: not valid JSON ({exc.msg})"
                continue
            if not isinstance(row, dict):
                yield rid, None, f"line {lineno}: not a JSON object"
                continue
            rid = str(row.get(id_field, rid))
            text = row.get(text_field)
            if not isinstance(text, str):
                yield rid, None, f"line {lineno}: no string field {text_field!r}"
                continue
            yield rid, text, ""


def _cmd_score(args) -> int:
    from padcheck.model import load_model
    from padcheck.scoring import score

    model = load_model(args.model) if args.model else None
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    records = list(_iter_inputs(args.inputs, args.glob, args.id_field, args.text_field))
    human = args.output is None and len(records) == 1 and sys.stdout.isatty() or args.human
    failed = 0
    try:
        for rid, text, error in records:
            if text is None:
                failed += 1
                out.write(json.dumps({"id": rid, "error": error}) + "\n")
                continue
            try:
                result = score(text, format=args.format, model=model)
            except Exception as exc:  # one bad record must not stop the run
                failed += 1
                out.write(json.dumps({"id": rid, "error": f"{type(exc).__name__}: {exc}"}) + "\n")
                continue
            if human:
                out.write(_human(rid, result, args.top))
                continue
            record = {
                "id": rid,
                "probability": round(result.probability, 6),
                "is_padded": result.is_padded,
                "threshold": result.threshold,
                "truncated": result.truncated,
                "top_reasons": [{"code": r.code, "message": r.message, "start": r.start, "end": r.end}
                                for r in result.top_reasons(args.top)],
            }
            if args.sentences:
                record["sentences"] = result.to_dict()["sentences"]
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"scored {len(records) - failed} of {len(records)} records, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


def _human(rid: str, result, top: int) -> str:
    verdict = "PADDED" if result.is_padded else "not padded"
    lines = [f"{rid}: {verdict} (probability {result.probability:.3f}, threshold {result.threshold:.3f})"]
    for s in result.top_sentences(top):
        snippet = s.text if len(s.text) <= 100 else s.text[:97] + "..."
        lines.append(f"  [{s.score:.2f}] chars {s.start}-{s.end}: {snippet}")
        for r in s.reasons[:3]:
            lines.append(f"         - {r.code}: {r.message}")
    return "\n".join(lines) + "\n"


def _cmd_train(args) -> int:
    from padcheck.training import train

    _, report = train(args.inputs, out=args.out, lexical=not args.no_lexical, seed=args.seed, n_jobs=args.jobs,
                      target_fpr=args.target_fpr)
    print(json.dumps(report, indent=2))
    print(f"model written to {args.out}", file=sys.stderr)
    return 0


def _cmd_parse(args) -> int:
    from padcheck.parse import parse

    for rid, text, error in _iter_inputs(args.inputs, "*", "id", "text"):
        if text is None:
            print(json.dumps({"id": rid, "error": error}))
            continue
        doc = parse(text, args.format)
        print(json.dumps({"id": rid, **doc.summary(),
                          "headings": [h.text for h in doc.headings]}, ensure_ascii=False))
    return 0


def _cmd_extractors(args) -> int:
    from padcheck.features import feature_specs

    for spec in feature_specs():
        print(f"{spec.name}\t{spec.range}\t{spec.description}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="padcheck", description="Detect padded, content-farm writing.")
    sub = parser.add_subparsers(dest="command", required=True)

    sc = sub.add_parser("score", help="score files, folders, JSON Lines or stdin ('-')")
    sc.add_argument("inputs", nargs="+")
    sc.add_argument("--format", default="auto", choices=["auto", "text", "markdown", "html"])
    sc.add_argument("--model", help="model folder (default: the shipped model)")
    sc.add_argument("-o", "--output", help="write JSON Lines here instead of stdout")
    sc.add_argument("--glob", default="*", help="file pattern inside folders (default: all files)")
    sc.add_argument("--id-field", default="id")
    sc.add_argument("--text-field", default="text")
    sc.add_argument("--sentences", action="store_true", help="include per-sentence scores and reasons")
    sc.add_argument("--top", type=int, default=5, help="number of top reasons/sentences to show")
    sc.add_argument("--human", action="store_true", help="human-readable output even when not on a terminal")
    sc.set_defaults(func=_cmd_score)

    tr = sub.add_parser("train", help="train a model on labelled JSON Lines")
    tr.add_argument("inputs", nargs="+")
    tr.add_argument("--out", required=True, help="folder to write the model to")
    tr.add_argument("--no-lexical", action="store_true", help="do not stack the hashed n-gram signal")
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--jobs", type=int, default=1)
    tr.add_argument("--target-fpr", type=float, default=0.01)
    tr.set_defaults(func=_cmd_train)

    pa = sub.add_parser("parse", help="print how texts are parsed (blocks, headings, sentences)")
    pa.add_argument("inputs", nargs="+")
    pa.add_argument("--format", default="auto", choices=["auto", "text", "markdown", "html"])
    pa.set_defaults(func=_cmd_parse)

    ex = sub.add_parser("extractors", help="list every feature with its range and meaning")
    ex.set_defaults(func=_cmd_extractors)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``padcheck`` command."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
