"""Corpus-scale scoring on Dask: a 2-process LocalCluster gives exactly what ``score_many`` gives."""

from __future__ import annotations

import json
import math
from importlib import resources

import pytest

pytest.importorskip("dask.dataframe", reason="dask[dataframe] is not installed (pip install 'padcheck[dask]')")
pytest.importorskip("distributed", reason="distributed is not installed (pip install 'padcheck[dask]')")

import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402
from conftest import shared_path  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

import padcheck  # noqa: E402
import padcheck.dask as pdask  # noqa: E402

N_ROWS = 240  # enough for several partitions on both workers, small enough for a quick test


@pytest.fixture(scope="module")
def rows():
    path = shared_path("data", "wild", "wild_train.jsonl")
    with open(path, encoding="utf-8") as fh:
        out = [json.loads(line) for _, line in zip(range(N_ROWS), fh, strict=False)]
    return [{"id": r["id"], "text": r["text"]} for r in out]


@pytest.fixture(scope="module")
def client():
    # Context managers close workers and scheduler even when a test fails: no processes left behind.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


def _expected_reasons(result, k=3):
    return [{"code": r.code, "message": r.message, "start": r.start, "end": r.end, "log_odds": round(r.log_odds, 4)}
            for r in result.top_reasons(k)]


def _check_against_score_many(out: pd.DataFrame, texts):
    expected = padcheck.score_many(texts)
    assert len(out) == len(expected)
    for (_, row), want in zip(out.iterrows(), expected, strict=True):
        assert row["padding_probability"] == pytest.approx(want.probability, rel=1e-12, abs=1e-15)
        assert bool(row["is_padded"]) == want.is_padded
        assert bool(row["language_supported"]) == want.language_supported
        assert json.loads(row["padding_reasons"]) == _expected_reasons(want)
        assert row["padding_error"] == ""


def test_score_dataframe_on_local_cluster_equals_score_many(client, rows):
    ddf = dd.from_pandas(pd.DataFrame(rows), npartitions=8)
    scored = pdask.score_dataframe(ddf)
    assert list(scored.columns) == ["id", "text", *pdask.OUTPUT_COLUMNS]
    out = scored.compute()
    assert list(out["id"]) == [r["id"] for r in rows]  # input order and other columns kept
    assert out["padding_probability"].dtype == "float64" and out["is_padded"].dtype == bool
    # the declared meta is what the workers really return
    assert dict(out.dtypes.astype(str)) == dict(scored._meta.dtypes.astype(str))
    _check_against_score_many(out, [r["text"] for r in rows])
    assert out["is_padded"].any() and not out["is_padded"].all()  # the sample has both kinds
    # each worker process loaded the shipped model once, however many partitions it ran
    loads = client.run(pdask._cache_info)
    assert len(loads) == 2 and all(v == {None: 1} for v in loads.values())


def test_model_path_is_loaded_once_per_worker(client, rows, tmp_path):
    with resources.as_file(resources.files("padcheck.shipped_model")) as folder:
        ddf = dd.from_pandas(pd.DataFrame(rows[:40]), npartitions=4)
        out = pdask.score_dataframe(ddf, model=folder, top_reasons=1).compute()
        path = pdask._model_path(folder)
        loads = client.run(pdask._cache_info)
    assert all(v.get(path, 0) <= 1 for v in loads.values())
    assert sum(v.get(path, 0) for v in loads.values()) >= 1
    expected = padcheck.score_many([r["text"] for r in rows[:40]])
    assert list(out["padding_probability"]) == pytest.approx([r.probability for r in expected], rel=1e-12)
    assert all(len(json.loads(s)) <= 1 for s in out["padding_reasons"])


def test_score_bag_on_local_cluster(client, rows, tmp_path):
    # Two files, a blank line and a broken line: the bag scores what it can and says why not the rest.
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("".join(json.dumps(r) + "\n" for r in rows[:30]) + "\n", encoding="utf-8")
    b.write_text("".join(json.dumps({"key": r["id"], "body": r["text"]}) + "\n" for r in rows[30:50])
                 + "{not json\n", encoding="utf-8")
    first = pdask.score_bag(a).compute()
    assert [r["id"] for r in first] == [r["id"] for r in rows[:30]]
    _check_against_score_many(pd.DataFrame(first), [r["text"] for r in rows[:30]])
    second = pdask.score_bag([b], text_field="body", id_field="key").compute()
    assert [r["id"] for r in second[:20]] == [r["id"] for r in rows[30:50]]
    assert second[-1]["padding_error"].startswith("invalid JSON") and math.isnan(second[-1]["padding_probability"])
    assert pdask.score_bag(str(tmp_path / "*.jsonl")).npartitions == 2


def test_missing_and_bad_text_rows_do_not_fail_the_job():
    df = pd.DataFrame({"text": ["The council met on Tuesday.", None]})
    out = pdask.score_dataframe(dd.from_pandas(df, npartitions=1)).compute(scheduler="sync")
    assert out["padding_error"].tolist() == ["", "no text"]
    assert math.isnan(out["padding_probability"].iloc[1]) and not out["is_padded"].iloc[1]
    # Dask itself refuses undecodable bytes when it converts a column to strings, so a bytes
    # column is checked on the pandas path, where the cell reaches padcheck's decoder.
    raw = pd.DataFrame({"text": pd.Series([b"It rained.", b"\xff\xfe broken"], dtype=object)})
    errors = pdask.score_pandas(raw)["padding_error"].tolist()
    assert errors[0] == "" and errors[1].startswith("ValueError")


def test_score_pandas_and_empty_partitions():
    df = pd.DataFrame({"text": ["Certainly! Here is the article you asked for.", "It rained."]})
    out = pdask.score_pandas(df)
    assert out["padding_probability"].tolist() == pytest.approx([r.probability for r in padcheck.score_many(df["text"])])
    empty = pdask.score_pandas(df.iloc[:0])
    assert len(empty) == 0 and list(empty.columns) == ["text", *pdask.OUTPUT_COLUMNS]


def test_bad_arguments():
    ddf = dd.from_pandas(pd.DataFrame({"body": ["x"]}), npartitions=1)
    with pytest.raises(KeyError, match="text"):
        pdask.score_dataframe(ddf)
    with pytest.raises(TypeError, match="folder"):
        pdask.score_dataframe(ddf, "body", model=padcheck.model.default_model())
    with pytest.raises(TypeError, match="dask DataFrame"):
        pdask.score_dataframe(pd.DataFrame({"text": ["x"]}))
    with pytest.raises(ValueError, match="max_chars"):
        pdask.score_dataframe(ddf, "body", max_chars=0)
    with pytest.raises(padcheck.ModelError):
        pdask.score_dataframe(ddf, "body", model="no-such-model-folder")
    with pytest.raises(ValueError, match="empty"):
        pdask.score_bag([])
