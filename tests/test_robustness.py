"""Never crash on input: the fuzz properties (bounded here) and hostile-scale inputs (small here).

The full-size runs, with their counts and time ratios, are ``benchmarks/fuzz.py`` and
``benchmarks/hostile.py``.
"""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import padcheck
from padcheck.model import ARRAYS_NAME, JSON_NAME, ModelError

_BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"padcheck_bench_{name}", _BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fuzz = _load("fuzz")
hostile = _load("hostile")


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=fuzz.TEXTS, fmt=fuzz.FORMATS)
def test_fuzz_properties(text: str, fmt: str) -> None:
    fuzz.check(text, fmt)


@pytest.mark.parametrize("name", list(hostile.hostile_inputs(1000)))
def test_hostile_inputs_score(name: str) -> None:
    text, fmt = hostile.hostile_inputs(60_000)[name]
    r = padcheck.score(text, format=fmt, max_chars=100_000)
    assert 0.0 <= r.probability <= 1.0
    assert r.truncated == (len(text) > 100_000)
    for s in r.sentences:
        assert r.text[s.start:s.end] == s.text


def test_truncated_model_file_is_refused(tmp_path) -> None:
    folder = Path(str(resources.files("padcheck.shipped_model")))
    for name in (JSON_NAME, ARRAYS_NAME):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    data = (tmp_path / ARRAYS_NAME).read_bytes()
    (tmp_path / ARRAYS_NAME).write_bytes(data[: len(data) // 3])
    with pytest.raises(ModelError, match=ARRAYS_NAME):
        padcheck.load_model(tmp_path)


def test_a_pickle_is_never_loaded(tmp_path) -> None:
    import pickle

    (tmp_path / JSON_NAME).write_bytes(pickle.dumps({"format": "padcheck-model"}))
    with pytest.raises(ModelError, match="not a padcheck model"):
        padcheck.load_model(tmp_path)
