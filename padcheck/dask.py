"""Corpus-scale scoring on Dask: a padding verdict per row of a DataFrame or per JSON Lines record.

The same code runs on a :class:`distributed.LocalCluster` and on a remote scheduler: build the
collection, call :func:`score_dataframe` or :func:`score_bag`, and compute with whichever
:class:`distributed.Client` is active.

>>> import dask.dataframe as dd, pandas as pd                       # doctest: +SKIP
>>> ddf = dd.from_pandas(pd.DataFrame({"text": ["Certainly! Here is the article."]}), npartitions=1)
>>> score_dataframe(ddf).compute()[["padding_probability", "is_padded"]]  # doctest: +SKIP

Only the model's *path* travels with the tasks. Each worker process loads a model once, on its
first task, and keeps it in a module-level cache keyed by that path, so a job of ten thousand
partitions does not ship the model's arrays ten thousand times. A path must therefore name a
folder every worker can read at that same path (a shared file system or the same image).
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Iterable, Iterator, Sequence

try:
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "padcheck.dask needs dask[dataframe] and distributed: pip install 'padcheck[dask]'"
    ) from exc

from padcheck.model import PadModel, default_model, load_model
from padcheck.result import PadResult
from padcheck.scoring import DEFAULT_MAX_CHARS, score

__all__ = ["score_dataframe", "score_bag", "score_pandas", "OUTPUT_COLUMNS"]

#: Columns :func:`score_dataframe` adds, with their dtypes. Meta and every partition are built
#: from this one mapping, so the declared ``meta`` cannot drift from what the workers return.
OUTPUT_COLUMNS: dict[str, str] = {
    "padding_probability": "float64",
    "is_padded": "bool",
    "padding_reasons": "string",
    "language_supported": "bool",
    "padding_error": "string",
}

# Worker-side cache: model path (None = the shipped model) -> loaded model. It lives in this
# module, which each worker process imports once, so it outlives the tasks that fill it.
_MODELS: dict[str | None, PadModel] = {}
_LOADS: dict[str | None, int] = {}
_LOCK = threading.Lock()  # a worker with several threads must not load the same model twice


def _model_path(model) -> str | None:
    """Validate ``model`` on the client and turn it into what the tasks carry: a path or None."""
    if model is None:
        return None
    if isinstance(model, PadModel):
        raise TypeError(
            "pass the model's folder, not a PadModel: the path is sent to the workers, which load the "
            "model once each (save an in-memory model with model.save(folder) first)"
        )
    if not isinstance(model, (str, os.PathLike)):
        raise TypeError(f"model must be None or a model folder path, got {type(model).__name__}")
    # Absolute, because a worker's working directory need not be the client's.
    return os.path.abspath(os.fspath(model))


def _worker_model(path: str | None) -> PadModel:
    """The model for ``path``, loaded at most once per process."""
    model = _MODELS.get(path)
    if model is None:
        with _LOCK:
            model = _MODELS.get(path)
            if model is None:
                model = default_model() if path is None else load_model(path)
                _MODELS[path] = model
                _LOADS[path] = _LOADS.get(path, 0) + 1
    return model


def _cache_info() -> dict[str | None, int]:
    """How many times this process loaded each model (tests check it is once per worker)."""
    return dict(_LOADS)


def _reasons_json(result: PadResult, k: int) -> str:
    # Same fields and rounding as the ``padcheck score`` JSON lines, so both outputs read alike.
    return json.dumps(result.reason_summary(k), ensure_ascii=False)


def _score_one(text, model: PadModel, max_chars: int, top_reasons: int) -> tuple[float, bool, str, bool, str]:
    """One row's output columns; a row that cannot be scored gets NaN and its error, not a failed job."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return math.nan, False, "[]", False, "no text"
    try:
        result = score(text, model=model, max_chars=max_chars)
    except (TypeError, ValueError) as exc:  # undecodable bytes, a non-text cell: one bad row
        return math.nan, False, "[]", False, f"{type(exc).__name__}: {exc}"
    return result.probability, bool(result.is_padded), _reasons_json(result, top_reasons), \
        bool(result.language_supported), ""


def _score_partition(part: pd.DataFrame, text_column: str, model_path: str | None, max_chars: int,
                     top_reasons: int) -> pd.DataFrame:
    model = _worker_model(model_path) if len(part) else None
    rows = [_score_one(t, model, max_chars, top_reasons) for t in part[text_column]]
    columns = list(OUTPUT_COLUMNS)
    scored = pd.DataFrame(rows if rows else None, columns=columns, index=part.index).astype(OUTPUT_COLUMNS)
    # assign overwrites same-named columns, so re-scoring an already scored frame is idempotent
    return part.assign(**{c: scored[c] for c in columns})


def _check_args(max_chars: int, top_reasons: int) -> None:
    if not isinstance(max_chars, int) or max_chars < 1:
        raise ValueError(f"max_chars must be a positive number of characters, got {max_chars!r}")
    if not isinstance(top_reasons, int) or top_reasons < 0:
        raise ValueError(f"top_reasons must be a non-negative integer, got {top_reasons!r}")


def score_pandas(df: pd.DataFrame, text_column: str = "text", *, model=None, max_chars: int = DEFAULT_MAX_CHARS,
                 top_reasons: int = 3) -> pd.DataFrame:
    """Score an in-memory pandas DataFrame: what :func:`score_dataframe` does to each partition.

    Parameters and added columns are those of :func:`score_dataframe`.
    """
    _check_args(max_chars, top_reasons)
    if text_column not in df.columns:
        raise KeyError(f"no column {text_column!r}; the frame has {list(df.columns)}")
    return _score_partition(df, text_column, _model_path(model), max_chars, top_reasons)


def score_dataframe(
    ddf: dd.DataFrame,
    text_column: str = "text",
    *,
    model: str | os.PathLike | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    top_reasons: int = 3,
) -> dd.DataFrame:
    """Add padcheck's verdict to every row of a Dask DataFrame (lazily, with ``map_partitions``).

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        The corpus, one document per row. Parquet reads straight in:
        ``dd.read_parquet("corpus/*.parquet", columns=["id", "text"])``; so does JSON Lines:
        ``dd.read_json("corpus/*.jsonl", lines=True, blocksize="64MiB")``.
    text_column : str
        The column holding the document text.
    model : str, path-like or None
        Folder of a model written by :func:`padcheck.train`; ``None`` uses the shipped model.
        Only the path is sent to the workers, each of which loads the model once; it must be
        readable at that path on every worker. A ``PadModel`` object raises ``TypeError``.
    max_chars : int
        Longer texts are cut to this many characters before scoring (bounds work per row).
    top_reasons : int
        How many of the strongest reasons go into ``padding_reasons``.

    Returns
    -------
    dask.dataframe.DataFrame
        ``ddf`` with these columns added (same-named columns are overwritten):

        - ``padding_probability`` (float64): calibrated probability the text is padded.
        - ``is_padded`` (bool): probability at or above the model's threshold, and the language
          is one padcheck supports.
        - ``padding_reasons`` (string): JSON list of the top reasons, each with ``code``,
          ``message``, ``start``, ``end`` (offsets in the scored text) and ``log_odds``.
        - ``language_supported`` (bool): whether padcheck's features apply to this text.
        - ``padding_error`` (string): empty, or why the row could not be scored (missing text,
          undecodable bytes); such rows get a NaN probability instead of failing the job.

    Raises
    ------
    KeyError
        If ``text_column`` is not a column of ``ddf``.
    TypeError
        If ``model`` is a ``PadModel`` rather than a path.

    Examples
    --------
    >>> from distributed import Client, LocalCluster                    # doctest: +SKIP
    >>> with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster):
    ...     out = score_dataframe(dd.read_parquet("corpus/")).compute()  # doctest: +SKIP
    """
    if not isinstance(ddf, dd.DataFrame):
        raise TypeError(f"ddf must be a dask DataFrame, got {type(ddf).__name__} (use score_pandas for pandas)")
    _check_args(max_chars, top_reasons)
    if text_column not in ddf.columns:
        raise KeyError(f"no column {text_column!r}; the frame has {list(ddf.columns)}")
    model_path = _model_path(model)
    if model_path is not None:
        load_model(model_path)  # fail here, on the client, rather than in every task
    meta = ddf._meta.assign(**{c: pd.Series(dtype=t) for c, t in OUTPUT_COLUMNS.items()})
    return ddf.map_partitions(_score_partition, text_column, model_path, max_chars, top_reasons, meta=meta)


def _score_records(lines: Iterable, text_field: str, id_field: str, model_path: str | None, max_chars: int,
                   top_reasons: int) -> Iterator[dict]:
    """Score one bag partition of ``(line, path)`` pairs into output records."""
    model = None
    for line, path in lines:
        if not line.strip():
            continue  # blank lines (a trailing newline, spacing) are not records
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield {"id": None, "path": path, **_row_dict((math.nan, False, "[]", False, f"invalid JSON: {exc}"))}
            continue
        if not isinstance(record, dict):
            yield {"id": None, "path": path, **_row_dict((math.nan, False, "[]", False, "record is not an object"))}
            continue
        if model is None:
            model = _worker_model(model_path)
        text = record.get(text_field)
        row = _score_one(text, model, max_chars, top_reasons) if isinstance(text, str) or text is None else \
            (math.nan, False, "[]", False, f"field {text_field!r} is not a string")
        yield {"id": record.get(id_field), "path": path, **_row_dict(row)}


def _row_dict(row: Sequence) -> dict:
    return dict(zip(OUTPUT_COLUMNS, row, strict=True))


def score_bag(
    paths: str | os.PathLike | Sequence[str | os.PathLike],
    text_field: str = "text",
    id_field: str = "id",
    *,
    model: str | os.PathLike | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    top_reasons: int = 3,
    blocksize: int | str | None = None,
) -> db.Bag:
    """Score JSON Lines files as a Dask Bag of result records (lazily).

    Parameters
    ----------
    paths : str, path-like or sequence of them
        JSON Lines files or glob patterns (``"corpus/*.jsonl"``, ``"s3://bucket/*.jsonl.gz"``).
    text_field, id_field : str
        Record fields holding the text and the id.
    model, max_chars, top_reasons
        As in :func:`score_dataframe`.
    blocksize : int, str or None
        Split large uncompressed files into blocks of about this size (``"64MiB"``); ``None``
        makes one partition per file.

    Returns
    -------
    dask.bag.Bag
        One dict per non-blank line: ``id`` (``None`` when the record has none), ``path`` (the
        file it came from) and the columns of :func:`score_dataframe`. A malformed line gives a
        record with ``padding_error`` set instead of failing the job.
        ``.to_dataframe()`` turns it into a DataFrame; ``.map(json.dumps).to_textfiles(...)``
        writes JSON Lines.
    """
    _check_args(max_chars, top_reasons)
    if isinstance(paths, (str, os.PathLike)):
        urls: str | list[str] = os.fspath(paths)
    else:
        urls = [os.fspath(p) for p in paths]
        if not urls:
            raise ValueError("paths is empty")
    model_path = _model_path(model)
    if model_path is not None:
        load_model(model_path)
    lines = db.read_text(urls, blocksize=blocksize, include_path=True)
    return lines.map_partitions(_score_records, text_field, id_field, model_path, max_chars, top_reasons)
