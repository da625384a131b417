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
from hypothesis import strategies as st

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


# -- patterns that may only start where their run starts -----------------------------------------
# Each pattern below carries a lookbehind so that a long run that fails (a thousand dots without a
# space after them, a line of blanks) is tried once rather than once per character; the lookbehind
# must not change a single match. Each is checked against the plain pattern it replaced.

def _run_patterns():
    from padcheck import report, sentences
    from padcheck.features import headings, repetition
    from padcheck.parse import _ATX_CLOSE

    return [
        (sentences._BOUNDARY, r"[.!?…]+[\"'”’»)\]]*\s+|[。！？]+[」』”）]*", "finditer", ".!?… )”\n。」xA"),
        (_ATX_CLOSE, r"[ \t]+#+[ \t]*$|^#+[ \t]*$", "search", " \t#x"),
        (headings._EDGE_MARKUP, r"^[\s*_#\"“”'‘’]+|[\s*_\"“”'‘’]+$", "sub", " *_#\"”x"),
        (headings._TRAILING, r"[\s?!.:;…]+$", "sub", " ?.:…x"),
        (repetition._URL, r"\S*(?:https?://|www\.|pic\.twitter\.com/)\S*", "sub", "ahtps:/w. x"),
        (report._GAP_BREAK, r"[ \t\f\v]*(?:\r\n?|\n)(?:[ \t\f\v]*(?:\r\n?|\n))*[ \t\f\v]*", "finditer", " \t\r\nx"),
    ]


@pytest.mark.parametrize("index", range(6))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_run_patterns_match_as_their_plain_versions(index, data) -> None:
    import re

    new, plain, method, alphabet = _run_patterns()[index]
    old = re.compile(plain)
    text = data.draw(st.text(alphabet=st.sampled_from(alphabet), max_size=40))
    if method == "finditer":
        assert [m.span() for m in new.finditer(text)] == [m.span() for m in old.finditer(text)]
    elif method == "search":
        got, want = new.search(text), old.search(text)
        assert (got and got.span()) == (want and want.span())
    else:
        assert new.sub("", text) == old.sub("", text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \n\t\u00a0."), max_size=400), st.integers(2, 90))
def test_quote_equals_collapsing_the_whole_text(text: str, limit: int) -> None:
    from padcheck.features.base import quote

    plain = " ".join(text.split())
    assert quote(text, limit) == (plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…")


def test_whole_text_lower_casing_answers_each_text_in_turn() -> None:
    from padcheck._text import lower_in_place

    first, other = "It’s Raining", "İstanbul"  # the second cannot be lower-cased in place
    for _ in range(2):
        assert lower_in_place(first) == "it's raining"
        assert lower_in_place(other) is None
    assert lower_in_place("".join(["It’s", " Raining"])) == "it's raining"  # equal, not the same object
