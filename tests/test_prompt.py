"""Tests for the leftover-prompt extractor (hand-written fixtures; golden spans and weights)."""

from __future__ import annotations

import pytest
from conftest import assert_extraction_contract

import padcheck
from padcheck.features.prompt import PromptLeftoverExtractor

EXTRACTOR = PromptLeftoverExtractor()
NAMES = tuple(s.name for s in EXTRACTOR.specs)


def run(text: str):
    doc = padcheck.parse(text)
    return doc, EXTRACTOR.extract(doc)


def spans(doc, out, code=None):
    return [doc.text[e.start:e.end] for e in out.evidence if code is None or e.code == code]


def check_contract(doc, out):
    assert_extraction_contract(EXTRACTOR, doc, out)


def test_specs_are_named_and_documented():
    assert EXTRACTOR.name == "prompt"
    assert len(set(NAMES)) == len(NAMES)
    specs = zip(NAMES, EXTRACTOR.specs, strict=True)
    assert all(n.startswith("prompt.") and s.description and s.range for n, s in specs)


def test_empty_document_is_all_zero():
    _, out = run("")
    assert out.features == {name: 0.0 for name in NAMES}
    assert out.evidence == ()


def test_ai_self_reference_dominates_a_long_document():
    filler = "The committee met on Tuesday and discussed the road budget in detail. " * 200
    text = filler + "As an AI language model, I cannot browse the web."
    doc, out = run(text)
    check_contract(doc, out)
    start = text.index("As an AI language model")
    hits = [e for e in out.evidence if e.code == "prompt.leftover"]
    assert {(e.start, e.end) for e in hits} == {(start, start + len("As an AI language model"))}
    assert out.features["prompt.max_weight"] == 1.0
    assert {e.feature for e in hits} == {"prompt.leftover_per_100w", "prompt.max_weight"}
    assert hits[0].message == "leftover prompt text 'As an AI language model'"
    assert out.features["prompt.leftover_per_100w"] == pytest.approx(100.0 / doc.n_words)


def test_answer_opener_and_sign_off():
    text = "Sure, here's a rewritten version of your paragraph. The bridge opened in 1932. I hope this helps!"
    doc, out = run(text)
    check_contract(doc, out)
    main = [e for e in out.evidence if e.feature == "prompt.leftover_per_100w"]
    assert [(doc.text[e.start:e.end], e.weight) for e in main] == [("Sure, here's", 0.9), ("I hope this helps", 0.5)]
    assert [e.sentence for e in main] == [0, 2]
    assert out.features["prompt.max_weight"] == pytest.approx(0.9)
    assert out.features["prompt.leftover_per_100w"] == pytest.approx(100 * 1.4 / doc.n_words)


def test_opener_only_counts_at_sentence_start():
    _, out = run("We were not sure, here is why: the map was old.")
    assert out.evidence == ()


@pytest.mark.parametrize("text", [
    "Sure, I'll be there at six. Of course the council voted against it.",
    "Certainly the mayor knew. Of course, here in Leeds we do things differently.",
    "Feel free to bring a chair. We hope the rain holds off.",
    "The study [1] found no effect [citation needed]. Turnout was 61% [sic].",
    "She said the plan was certainly ambitious, and of course expensive.",
])
def test_human_hard_negatives_stay_quiet(text):
    doc, out = run(text)
    check_contract(doc, out)
    assert out.evidence == ()
    assert out.features["prompt.max_weight"] == 0.0


def test_quoted_chatbot_in_reported_speech_fires_weakly():
    text = "When the reporter asked it about the strike, the bot replied: “As an AI language model, I cannot say.”"
    doc, out = run(text)
    check_contract(doc, out)
    assert out.features["prompt.max_weight"] == pytest.approx(0.4)
    assert spans(doc, out, "prompt.leftover")[0] == "As an AI language model"


def test_placeholders():
    text = "Written by [Your Name]. Our shop in [Country/Region] ships daily. See [1] and [laughs]."
    doc, out = run(text)
    check_contract(doc, out)
    hits = sorted((e for e in out.evidence if e.code == "prompt.placeholder"), key=lambda e: e.start)
    hits = [e for e in hits if e.feature == "prompt.placeholder_count"]
    assert [doc.text[e.start:e.end] for e in hits] == ["[Your Name]", "[Country/Region]"]
    assert [e.weight for e in hits] == [0.6, 0.9]
    assert out.features["prompt.placeholder_count"] == pytest.approx(1.5 / 2.5)
    assert out.features["prompt.max_weight"] == pytest.approx(0.9)


def test_template_variable_and_legal_template_slot():
    doc, out = run("Welcome to our guide on [article_title].")
    assert spans(doc, out, "prompt.placeholder")[0] == "[article_title]"
    assert out.features["prompt.max_weight"] == pytest.approx(0.8)
    doc, out = run("This agreement is made on [insert date] between the parties.")
    assert out.features["prompt.max_weight"] <= 0.6  # a human template: weak


def test_meta_lines():
    text = ("Meta description: Learn how to fix a leaking tap in five easy steps.\n"
            "Slug: fix-leaking-tap\n\nA leaking tap wastes water. (Word count: 1000)")
    doc, out = run(text)
    check_contract(doc, out)
    got = sorted(set(spans(doc, out, "prompt.meta_line")))
    assert got == ["Meta description:", "Slug:", "Word count: 1000"]
    assert out.features["prompt.max_weight"] == pytest.approx(0.9)


def test_title_line_in_a_human_report_is_weak():
    doc, out = run("Title: Annual report 2023\n\nThe society grew to 412 members this year.")
    assert spans(doc, out, "prompt.meta_line")[0] == "Title:"
    assert 0 < out.features["prompt.max_weight"] <= 0.4


def test_stray_fences_straight_and_curly():
    text = "The guide ends here.\n“`\nThanks for reading."
    doc, out = run(text)
    check_contract(doc, out)
    fence = [e for e in out.evidence if e.code == "prompt.code_fence" and e.feature == "prompt.fence_count"]
    assert [(doc.text[e.start:e.end], e.weight) for e in fence] == [("“`", 0.9)]
    assert doc.sentences[fence[0].sentence].text == "“`"
    doc, out = run("The guide ends here.\n```\nThanks for reading.")
    assert out.features["prompt.fence_count"] == pytest.approx(0.5 / 1.5)


def test_code_blocks_are_not_leftovers():
    text = "Example prompt:\n\n```\nAs an AI language model, summarise [Your Name]\n```\n\nIt works well."
    doc, out = run(text)
    check_contract(doc, out)
    assert out.evidence == ()


def test_markdown_leftovers_are_weak_and_separate():
    text = "Dogs learn fast.\n\n**The Power of Treats**\n\nGive one treat per success."
    doc, out = run(text)
    check_contract(doc, out)
    md = [e for e in out.evidence if e.code == "prompt.markdown"]
    assert len(md) == 1 and md[0].weight == pytest.approx(0.3)
    assert out.features["prompt.markdown_share"] == pytest.approx(1 / 3)
    assert out.features["prompt.max_weight"] == 0.0


def test_chat_role_tags():
    doc, out = run("[user] write about tea [assistant] Tea is a drink.")
    assert sorted(set(spans(doc, out, "prompt.leftover"))) == ["[assistant]", "[user]"]


@pytest.mark.parametrize("text", [
    "\x00" * 1000, "\ud800 lone \udfff surrogates", "😀" * 5000, "漢字かな交じり文。" * 500,
    "x" * 1_000_000, "[" * 100_000, "[insert" * 20_000, "Title:" * 50_000, "“`\n" * 10_000,
])
def test_odd_input_does_not_raise(text):
    doc, out = run(text)
    check_contract(doc, out)


def test_many_identical_sentences():
    # Hostile scale: the run-time ratio is measured in benchmarks/, not here.
    text = "Certainly! Here is the plan.\n" * 100_000
    doc = padcheck.parse(text)
    out = EXTRACTOR.extract(doc)
    assert out.features["prompt.max_weight"] == pytest.approx(0.9)


def test_example_article_end_to_end(example_article):
    doc, out = run(example_article)
    check_contract(doc, out)
    text = doc.text
    phrase = "This article is structured using HTML headings"
    start = text.index(phrase)
    sentence = next(s for s in doc.sentences if s.start <= start < s.end)
    assert sentence.text.startswith(phrase + " and contains relevant keywords")
    leftover = [e for e in out.evidence if e.code == "prompt.leftover" and e.start == start]
    assert leftover and all(e.end == start + len(phrase) and e.sentence == sentence.index for e in leftover)
    assert "prompt.max_weight" in {e.feature for e in leftover}
    fence_at = text.index("\n“`\n") + 1
    fence = [e for e in out.evidence if e.code == "prompt.code_fence"]
    assert [(e.start, e.end) for e in fence] == [(fence_at, fence_at + 2)]
    assert out.features["prompt.max_weight"] >= 0.9
