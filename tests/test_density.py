"""Tests for padcheck.features.density (hand-written fixtures only)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import padcheck
from padcheck.features.density import DensityExtractor, compression_ratio, cv, mattr

EXTRACTOR = DensityExtractor()
F = "density."

GOLDEN = "# Our trip\n\nWe drove 300 km to Oslo in June. Was it worth it? I think so!\n\n- Pack two coats.\n- Book early."

# Generic, evenly paced filler with no numbers or names, and one sentence said twice.
GENERIC = """Planning a trip can be an exciting experience for everyone involved.
It is important to think carefully about what you want to achieve.
A good plan helps you make the most of your time and your budget.
Many people find that a little preparation goes a long way.
It is important to think carefully about what you want to achieve.
With the right approach, your journey can be truly memorable."""

# A human report: numbers, names, a quote, uneven sentence lengths.
SPECIFIC = """On 14 March the ferry from Bergen to Stavanger ran aground near Kvitsøy with 212 passengers aboard.
Nobody was hurt.
Captain Ingrid Moe told NRK the tide had been 40 cm lower than the chart said, and that she would ask the
coastal authority to check the survey from 1987.
We waited four hours on deck.
The operator, Fjord Line, refunded every ticket by Friday."""


def run(text: str):
    doc = padcheck.parse(text)
    return doc, EXTRACTOR.extract(doc)


def check_contract(out) -> None:
    assert list(out.features) == [s.name for s in EXTRACTOR.specs]
    assert out.evidence == ()
    for spec in EXTRACTOR.specs:
        value = out.features[spec.name]
        lo, hi = map(float, re.fullmatch(r"\[(\S+), (\S+)\]", spec.range).groups())
        assert isinstance(value, float) and math.isfinite(value), spec.name
        assert lo <= value <= hi, spec.name


# --- helpers ---------------------------------------------------------------------------------


def test_mattr_hand_computed():
    words = "a b a c d".split()
    # windows of 3: (a b a) 2 types, (b a c) 3, (a c d) 3 -> mean 8/9, divided by the window
    assert mattr(words, 3) == pytest.approx((2 + 3 + 3) / (3 * 3))
    assert mattr(words, 50) == pytest.approx(4 / 5)  # shorter than the window: plain TTR
    assert mattr([], 50) == 0.0
    assert mattr(["x"] * 200, 50) == pytest.approx(1 / 50)


def test_cv_and_compression_ratio():
    assert cv([8, 4, 3, 3, 2]) == pytest.approx(math.sqrt(4.4) / 4)
    assert cv([5]) == 0.0 and cv([]) == 0.0
    assert compression_ratio("") == 0.0
    assert compression_ratio("same words again " * 200) < 0.05
    assert compression_ratio("lone \ud800 surrogate") > 0


# --- golden table ----------------------------------------------------------------------------


def test_golden_values():
    doc, out = run(GOLDEN)
    check_contract(out)
    paragraph = "We drove 300 km to Oslo in June. Was it worth it? I think so!"
    expected = {
        # 22 words, "it" twice -> 21 types
        "mattr": 21 / 22,
        "mean_word_length": 72 / 22,
        "first_person_per_100w": 3 * 100 / 22,  # our, we, I
        "second_person_per_100w": 0.0,
        "numbers_per_100w": 2 * 100 / 22,  # 300, two
        "heading_share": 1 / 6,
        "exclamation_share": 1 / 6,
        "list_share": len("Pack two coats.Book early.") / len("Our trip" + paragraph + "Pack two coats.Book early."),
        # body sentences have 8, 4, 3, 3, 2 words
        "sentence_length_mean": 4 / 50,
        "sentence_length_cv": math.sqrt(4.4) / 4,
        "paragraph_length_cv": 0.0,
        "question_share": 1 / 5,
        "names_per_100w": 2 * 100 / 20,  # Oslo, June
        # specific sentences: "We drove 300 km ..." (8 words) and "Pack two coats." (3)
        "information_density": 11 / 20,
    }
    for short, value in expected.items():
        assert out.features[F + short] == pytest.approx(value), short


def test_generic_padding_is_less_dense_than_specific_reporting():
    _, generic = run(GENERIC)
    _, specific = run(SPECIFIC)
    check_contract(generic)
    check_contract(specific)
    g, s = generic.features, specific.features
    assert g[F + "information_density"] == 0.0  # no specifics, and one repeated sentence
    assert s[F + "information_density"] == pytest.approx(1 - 3 / 65)  # all but "Nobody was hurt."
    assert g[F + "numbers_per_100w"] == 0.0 < s[F + "numbers_per_100w"]
    assert g[F + "names_per_100w"] < s[F + "names_per_100w"]
    assert g[F + "sentence_length_cv"] < s[F + "sentence_length_cv"]
    assert g[F + "first_person_per_100w"] == 0.0 < s[F + "first_person_per_100w"]
    assert g[F + "second_person_per_100w"] > 0.0


def test_duplicate_sentence_does_not_count_as_dense():
    once = "The plant in Ulm employs 1,200 workers and makes brakes.\nIt opened in 1994 after a long fight."
    _, single = run(once)
    _, twice = run(once + "\nThe plant in Ulm employs 1,200 workers and makes brakes.")
    assert single.features[F + "information_density"] == 1.0
    assert twice.features[F + "information_density"] == pytest.approx(18 / 28)


# --- robustness ------------------------------------------------------------------------------


def test_empty_document():
    _, out = run("")
    assert out.evidence == ()
    assert out.features == {s.name: 0.0 for s in EXTRACTOR.specs}


@pytest.mark.parametrize(
    "text",
    ["\x00", "\ud800 lone \udfff", "😀 " * 100, "中文没有空格。" * 300, "x" * 1_000_000, "?!?!", "```\ncode only\n```",
     "Stir well. " * 20_000],
    ids=["nul", "surrogates", "emoji", "cjk", "1mb-no-space", "marks", "code", "many-identical"],
)
def test_odd_inputs_stay_in_range(text):
    _, out = run(text)
    check_contract(out)


def test_specs_are_documented():
    assert all(s.name.startswith("density.") and s.description for s in EXTRACTOR.specs)
    assert len({s.name for s in EXTRACTOR.specs}) == len(EXTRACTOR.specs)


def test_example_article(example_article):
    doc, out = run(example_article)
    check_contract(out)
    f = out.features
    assert f[F + "heading_share"] == pytest.approx(len(doc.headings) / len(doc.sentences))
    # A padded article: long words, few numbers, little first person, few specifics per sentence.
    assert f[F + "mean_word_length"] > 5.0
    assert f[F + "numbers_per_100w"] < 1.0
    assert f[F + "first_person_per_100w"] < 1.0
    assert f[F + "information_density"] < 0.8


def _reference_mattr(words, window):
    """Sliding-window MATTR, one word in and one out (the definition)."""
    n = len(words)
    if n <= window:
        return len(set(words)) / n
    total = sum(len(set(words[t:t + window])) for t in range(n - window + 1))
    return total / ((n - window + 1) * window)


def test_mattr_matches_the_sliding_window_definition():
    rng = np.random.default_rng(11)
    for _ in range(50):
        n = int(rng.integers(1, 200))
        words = [f"w{k}" for k in rng.integers(0, int(rng.integers(1, 40)), size=n)]
        window = int(rng.integers(1, 60))
        assert mattr(words, window) == _reference_mattr(words, window)
        ids = np.unique(np.array(words), return_inverse=True)[1].astype(np.uint64)
        assert mattr(ids, window) == _reference_mattr(words, window)


def test_compression_is_judged_on_the_first_million_characters() -> None:
    from padcheck.features.density import _COMPRESSION_SAMPLE, compression_ratio

    head = "".join(f"line {i} of a long and varied log, checksum {i * 7919 % 10007}\n" for i in range(30000))
    head = head[:_COMPRESSION_SAMPLE]
    assert len(head) == _COMPRESSION_SAMPLE
    assert compression_ratio(head + "x" * 5_000_000) == compression_ratio(head)
    assert compression_ratio("x" * 5_000_000) < 0.01
