"""Heading extractor: template, question and colon headings, with exact evidence spans."""

from __future__ import annotations

import math
import re

import pytest

import padcheck
from padcheck.features.base import Extractor
from padcheck.features.headings import HeadingExtractor, compile_templates, normalise_heading

EXTRACTOR = HeadingExtractor()
NAMES = [s.name for s in EXTRACTOR.specs]

PROSE = "The committee met on Monday and heard from residents about the new bus routes. "

PADDED = (
    "# Sleep and You\n\n"
    + PROSE
    + "\n\n## Introduction\n\n"
    + PROSE
    + "\n\n## The Importance of Sleep\n\n"
    + PROSE
    + "\n\n## Why Sleep Matters\n\n"
    + PROSE
    + "\n\n## Looking Ahead: What Comes Next?\n\n"
    + PROSE
    + "\n\n## Conclusion\n\n"
    + PROSE
)

# A human report: specific section names, one generic "Conclusion" at the end.
HUMAN_REPORT = (
    "# Bus Routes Review\n\n"
    + PROSE * 8
    + "\n\n## Ridership on Route 9 fell by a third\n\n"
    + PROSE * 8
    + "\n\n## Drivers ask for later shifts\n\n"
    + PROSE * 8
    + "\n\n## Costs of the Elm Street depot\n\n"
    + PROSE * 8
    + "\n\n## Conclusion\n\n"
    + PROSE * 4
)


def span_of(text: str, phrase: str) -> tuple[int, int]:
    i = text.index(phrase)
    return i, i + len(phrase)


def spans(out, code: str, feature: str) -> list[tuple[int, int]]:
    return [(e.start, e.end) for e in out.evidence if e.code == code and e.feature == feature]


def test_protocol_and_specs() -> None:
    assert isinstance(EXTRACTOR, Extractor)
    assert EXTRACTOR.name == "heading"
    assert NAMES == [
        "heading.per_100w",
        "heading.template_share",
        "heading.template_count",
        "heading.question_count",
        "heading.colon_count",
    ]


def test_templates_compile_to_one_alternation() -> None:
    regex, entries = compile_templates()
    assert isinstance(regex, re.Pattern)
    assert regex.groups == len(entries) >= 100
    assert [w for _, w, _ in entries] == sorted((w for _, w, _ in entries), reverse=True)
    assert all(0 < w <= 1 for _, w, _ in entries)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("3. Conclusion:", "Conclusion"),
        ("**Final Thoughts**", "Final Thoughts"),
        ("Looking  Ahead:\tWhat Happens Next?", "Looking Ahead: What Happens Next"),
        ("Iraqi Officials’ Response", "Iraqi Officials' Response"),
        ("IV. The Role of Banks", "The Role of Banks"),
    ],
)
def test_normalise_heading(raw: str, normal: str) -> None:
    assert normalise_heading(raw) == normal


@pytest.mark.parametrize(
    ("heading", "matches"),
    [
        ("Conclusion", True),
        ("FAQs", True),
        ("The Bottom Line", True),
        ("Overview of the Market", True),
        ("Why Clean Water Matters", True),
        ("What This Means for Renters", True),
        ("The Broader Economic Context", True),
        ("Navigating the New Rules", True),
        ("Current Trends in Solar Power", True),
        ("The Role of", False),  # a slot needs at least one word
        ("Conclusions drawn by the jury on day two", False),
        ("Ridership on Route 9 fell by a third", False),
        ("Drivers ask for later shifts", False),
    ],
)
def test_template_patterns(heading: str, matches: bool) -> None:
    regex, _ = compile_templates()
    assert bool(regex.fullmatch(normalise_heading(heading))) is matches


def test_empty_document() -> None:
    out = EXTRACTOR.extract(padcheck.parse(""))
    assert out.features == dict.fromkeys(NAMES, 0.0)
    assert out.evidence == ()


def test_padded_markdown_exact_evidence() -> None:
    doc = padcheck.parse(PADDED)
    out = EXTRACTOR.extract(doc)
    expected = [
        span_of(PADDED, "Introduction"),
        span_of(PADDED, "The Importance of Sleep"),
        span_of(PADDED, "Why Sleep Matters"),
        span_of(PADDED, "Looking Ahead: What Comes Next?"),
        span_of(PADDED, "Conclusion"),
    ]
    assert spans(out, "heading.template", "heading.template_share") == expected
    assert spans(out, "heading.template", "heading.template_count") == expected
    assert spans(out, "heading.question", "heading.question_count") == [span_of(PADDED, "Looking Ahead: What Comes Next?")]
    assert spans(out, "heading.colon", "heading.colon_count") == [span_of(PADDED, "Looking Ahead: What Comes Next?")]
    # The title "Sleep and You" is not a section heading.
    assert len(spans(out, "heading.section", "heading.per_100w")) == 5
    weights = [e.weight for e in out.evidence if e.feature == "heading.template_share"]
    assert weights == [0.5, 0.9, 0.9, 1.0, 0.6]
    assert out.features["heading.template_share"] == pytest.approx(3.9 / 5)
    assert out.features["heading.template_count"] == pytest.approx(3.9 / 5.9)
    assert out.features["heading.question_count"] == pytest.approx(1 / 3)
    assert out.features["heading.colon_count"] == pytest.approx(1 / 3)
    assert out.features["heading.per_100w"] == pytest.approx(100 * 5 / doc.n_words)
    msg = next(e.message for e in out.evidence if e.code == "heading.template" and e.start == expected[-1][0])
    assert msg == "template heading 'Conclusion'"
    for e in out.evidence:
        s = doc.sentences[e.sentence]
        assert s.start <= e.start < e.end <= s.end and e.feature in NAMES


def test_one_conclusion_in_a_human_report_stays_low() -> None:
    human = EXTRACTOR.extract(padcheck.parse(HUMAN_REPORT)).features
    padded = EXTRACTOR.extract(padcheck.parse(PADDED)).features
    assert human["heading.template_count"] == pytest.approx(0.6 / 2.6)
    assert human["heading.template_share"] == pytest.approx(0.6 / 4)
    assert human["heading.template_count"] < 0.25 < 0.6 < padded["heading.template_count"]
    assert human["heading.template_share"] < 0.2 < 0.7 < padded["heading.template_share"]
    assert human["heading.per_100w"] < padded["heading.per_100w"]


def test_title_is_not_a_section_heading() -> None:
    out = EXTRACTOR.extract(padcheck.parse("# The Future of Work: Why It Matters?\n\nPeople still commute.\n"))
    assert out.evidence == ()
    assert out.features == dict.fromkeys(NAMES, 0.0)


def test_how_to_is_only_a_weak_hint() -> None:
    out = EXTRACTOR.extract(padcheck.parse("# Bread\n\nSome text.\n\n## How to Knead the Dough\n\nPush and fold.\n"))
    assert [e.weight for e in out.evidence if e.feature == "heading.template_share"] == [0.3]


def test_plain_text_inferred_headings() -> None:
    text = "Council Vote\nThe council met. It voted.\nFinal Thoughts\nIt was a long night.\n"
    out = EXTRACTOR.extract(padcheck.parse(text))
    assert spans(out, "heading.template", "heading.template_count") == [span_of(text, "Final Thoughts")]


@pytest.mark.parametrize(
    "text",
    [
        "Intro.\n\n## " + "Why " + "very " * 3000 + "long\n\nText.\n",
        "Intro.\n\n## Current " + "in " * 70 + "x\n\nText.\n",
        "a\x00b\n\n## Conclusion\x00\n\nok.",
        "\ud800\n\n## Why \udfff Matters\n\nok.",
        "x" * 1_000_000,
        "😀 重要\n\n## 結論\n\nok.",
    ],
    ids=["huge-heading", "slot-backtracking", "nul", "surrogates", "1MB", "emoji-cjk"],
)
def test_odd_input_does_not_raise(text: str) -> None:
    doc = padcheck.parse(text)
    out = EXTRACTOR.extract(doc)
    assert set(out.features) == set(NAMES)
    assert all(math.isfinite(v) for v in out.features.values())


def test_many_headings_is_fast() -> None:
    text = "Intro text.\n\n" + "## Why It Matters\n\nSome text.\n\n" * 20_000
    out = EXTRACTOR.extract(padcheck.parse(text))
    assert out.features["heading.template_share"] == pytest.approx(0.9)


def test_example_article(example_article: str) -> None:
    doc = padcheck.parse(example_article)
    out = EXTRACTOR.extract(doc)
    found = spans(out, "heading.template", "heading.template_share")
    for heading in (
        "Overview of the Situation",
        "Conclusion\n",
        "Looking Ahead: What Happens Next?",
        "A Call for Vigilance",
        "Implications for U.S. Policy",
    ):
        a, b = span_of(doc.text, heading)
        assert (a, b - heading.endswith("\n")) in found, heading
    assert span_of(doc.text, "Looking Ahead: What Happens Next?") in spans(
        out, "heading.question", "heading.question_count"
    )
    assert out.features["heading.template_count"] > 0.8
    assert out.features["heading.template_share"] > 0.6
