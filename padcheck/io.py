"""Reading labelled corpora (JSON Lines or CSV) with named fields and an explicit bad-row policy."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DataError", "ReadStats", "read_rows", "parse_label"]

_TRUE = {"1", "true", "yes", "padded", "machine", "ai"}
_FALSE = {"0", "false", "no", "human"}


class DataError(ValueError):
    """A row of a data file cannot be used; the message names the file and line."""


@dataclass
class ReadStats:
    """How many rows were read and skipped, with the first few skip reasons."""

    read: int = 0
    skipped: int = 0
    reasons: list[str] = field(default_factory=list)


def parse_label(value, label_map: Mapping[str, int] | None = None) -> int:
    """Turn 0/1, true/false or a named class (through ``label_map``) into 0 or 1.

    Raises
    ------
    ValueError
        If the value is not a known label.
    """
    if label_map is not None and str(value) in label_map:
        mapped = label_map[str(value)]
        if mapped in (0, 1):
            return int(mapped)
        raise ValueError(f"label map sends {value!r} to {mapped!r}; labels must map to 0 or 1")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return int(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return int(value.strip().lower() in _TRUE)
    hint = " (pass a label map, e.g. --label-map human=0,ai=1)" if isinstance(value, str) else ""
    raise ValueError(f"unknown label {value!r}{hint}")


def _records(path: Path) -> Iterator[tuple[int, dict | None, str]]:
    """(line number, record or None, error) for each record of a JSONL or CSV/TSV file."""
    suffix = path.suffix.lower()
    with open(path, encoding="utf-8", newline="" if suffix in (".csv", ".tsv") else None) as fh:
        if suffix in (".csv", ".tsv"):
            reader = csv.DictReader(fh, delimiter="\t" if suffix == ".tsv" else ",")
            for row in reader:
                yield reader.line_num, row, ""
            return
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield lineno, None, f"not valid JSON ({exc.msg})"
                continue
            if not isinstance(record, dict):
                yield lineno, None, "not a JSON object"
                continue
            yield lineno, record, ""


def read_rows(
    path: str | os.PathLike,
    *,
    text_field: str = "text",
    label_field: str = "label",
    group_field: str = "group",
    id_field: str = "id",
    label_map: Mapping[str, int] | None = None,
    on_error: str = "stop",
    stats: ReadStats | None = None,
) -> list[dict]:
    """Read labelled rows from JSON Lines (``.jsonl``) or CSV/TSV (``.csv``, ``.tsv``).

    Parameters
    ----------
    path : path
        The data file.
    text_field, label_field, group_field, id_field : str
        Field names. A missing group falls back to the id, then to ``file:line``.
    label_map : mapping, optional
        Named classes to 0/1 (``{"human": 0, "ai": 1}``); 0/1 and true/false always work.
    on_error : {"stop", "skip"}
        ``"stop"`` raises :class:`DataError` at the first bad row; ``"skip"`` skips it and
        counts it in ``stats`` (and on stderr), never silently.
    stats : ReadStats, optional
        Filled with the counts.

    Returns
    -------
    list of dict
        Rows with ``text``, ``label`` (0/1), ``group``, ``id`` and ``source`` (file stem, unless
        the row names one), plus every other field of the record.
    """
    if on_error not in ("stop", "skip"):
        raise ValueError(f"on_error must be 'stop' or 'skip', got {on_error!r}")
    path = Path(path)
    stats = stats if stats is not None else ReadStats()
    rows = []
    for lineno, record, error in _records(path):
        if record is not None:
            text = record.get(text_field)
            if not isinstance(text, str) or not text.strip():
                error = f"no non-empty text in field {text_field!r}"
            else:
                try:
                    label = parse_label(record.get(label_field), label_map)
                except ValueError as exc:
                    error = f"field {label_field!r}: {exc}"
        if error:
            message = f"{path}:{lineno}: {error}"
            if on_error == "stop":
                raise DataError(message)
            stats.skipped += 1
            if len(stats.reasons) < 20:
                stats.reasons.append(message)
            continue
        row = dict(record)
        row["text"], row["label"] = text, label
        row["id"] = str(record.get(id_field) or f"{path.name}:{lineno}")
        row["group"] = str(record.get(group_field) or row["id"])
        row.setdefault("source", path.stem)
        rows.append(row)
        stats.read += 1
    if stats.skipped:
        print(f"{path}: skipped {stats.skipped} bad rows (first: {stats.reasons[0]})", file=sys.stderr)
    return rows
