"""padcheck.score: calibrated probability, exact contributions, faithful sentence explanations."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import padcheck

HUMAN_REPORT = (
    "Council approves budget after long debate\n"
    "The Harlow county council voted 5-2 on Tuesday night to approve a $41.3 million budget for 2025, "
    "ending three weeks of argument over road repairs. Councillor Dana Ruiz, who voted against, said the "
    "plan left the east side's bridges \"one winter from closing\". The budget raises the property levy by "
    "1.8% and adds two snowplough drivers. Mayor Tom Aldine signed it on Wednesday morning."
)

PADDED = (
    "Certainly! Here is the article you asked for.\n"
    "Overview of the Situation\n"
    "In today's fast-paced world, it is important to note that budgets matter. The importance of this "
    "budget cannot be overstated. As we navigate these turbulent waters, the stakes are high.\n"
    "Conclusion\n"
    "In conclusion, only time will tell. The importance of this budget cannot be overstated.\n"
    "I hope this helps!"
)


def test_padded_text_scores_higher_than_a_human_report() -> None:
    human, padded = padcheck.score(HUMAN_REPORT), padcheck.score(PADDED)
    assert padded.probability > 0.9 > human.probability
    assert padded.is_padded and not human.is_padded
    assert padded.threshold == human.threshold


def test_contributions_sum_to_the_logit() -> None:
    r = padcheck.score(PADDED)
    assert math.isclose(r.intercept + sum(r.contributions.values()), r.logit, abs_tol=1e-9)
    assert math.isclose(1 / (1 + math.exp(-r.logit)), r.probability, rel_tol=1e-9)
    assert set(r.contributions) == set(r.features)


def test_sentences_carry_spans_and_named_reasons() -> None:
    r = padcheck.score(PADDED)
    for s in r.sentences:
        assert r.text[s.start:s.end] == s.text
        assert 0.0 <= s.score < 1.0
        for reason in s.reasons:
            assert reason.code.count(".") >= 1 and reason.message
            assert s.start <= reason.start <= reason.end <= s.end
    top = r.top_sentences(5)
    assert top[0].score >= top[-1].score > 0
    assert any(reason.code.startswith("prompt.") for s in top for reason in s.reasons)


def test_removing_top_sentences_lowers_the_probability() -> None:
    r = padcheck.score(PADDED)
    drop = {s.index for s in r.top_sentences(3)}
    kept = "\n".join(s.text for s in r.sentences if s.index not in drop)
    assert padcheck.score(kept).probability < r.probability


def test_essence_drops_padding_and_headings() -> None:
    r = padcheck.score(PADDED)
    assert "Certainly!" not in r.essence and "Conclusion" not in r.essence.splitlines()
    assert padcheck.score(HUMAN_REPORT).essence.count("voted 5-2") == 1


def test_to_dict_is_json_serialisable() -> None:
    d = padcheck.score(PADDED).to_dict()
    again = json.loads(json.dumps(d))
    assert again["probability"] == d["probability"] and again["sentences"][0]["text"]
    assert "sentences" not in padcheck.score(PADDED).to_dict(sentences=False)


def test_score_many_matches_score_in_order() -> None:
    texts = [PADDED, HUMAN_REPORT, ""]
    many = padcheck.score_many(texts)
    assert [m.probability for m in many] == [padcheck.score(t).probability for t in texts]
    parallel = padcheck.score_many(texts, n_jobs=2)
    assert [round(m.probability, 12) for m in parallel] == [round(m.probability, 12) for m in many]
    with pytest.raises(ValueError, match="n_jobs"):
        padcheck.score_many(texts, n_jobs=0)


def test_max_chars_truncates_and_says_so() -> None:
    r = padcheck.score(HUMAN_REPORT * 10, max_chars=500)
    assert r.truncated and len(r.text) <= 500
    assert not padcheck.score(HUMAN_REPORT).truncated
    with pytest.raises(ValueError, match="max_chars"):
        padcheck.score("x", max_chars=0)


def test_bad_input_types_are_explained() -> None:
    with pytest.raises(TypeError, match="str or UTF-8 bytes"):
        padcheck.score(None)
    assert padcheck.score("").probability == pytest.approx(padcheck.score("   ").probability)


@pytest.mark.parametrize("text", ["Thanks, see you tomorrow!", "It rained.", "Conclusion"])
def test_a_few_words_get_no_verdict(text: str) -> None:
    r = padcheck.score(text)
    assert not r.is_padded and not r.language_supported
    assert r.support_note.startswith("too short to judge")
    assert padcheck.score("It rained all day on Tuesday, and the river rose.").language_supported


@pytest.mark.parametrize("text", ["", "   \n\t", "12 345 6789", "--- *** ---", "<html><body><p> </p></body></html>"])
def test_text_without_words_gets_no_verdict(text: str) -> None:
    r = padcheck.score(text)
    assert not r.is_padded and not r.language_supported
    assert r.support_note == "no words to score"


def test_example_article(example_article: str) -> None:
    r = padcheck.score(example_article)
    assert r.probability >= 0.9 and r.is_padded
    top_text = [s.text for s in r.top_sentences(5)]
    assert any(t.startswith("This article is structured using HTML headings") for t in top_text)
    tweet_start = r.text.index("pic.twitter.com/") - 120
    for s in r.sentences:
        if s.start <= tweet_start + 120 <= s.end:
            assert not any(reason.code.startswith("filler.") for reason in s.reasons)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_gets_a_finite_probability(text: str) -> None:
    r = padcheck.score(text)
    assert 0.0 <= r.probability <= 1.0 and math.isfinite(r.logit)


@pytest.mark.parametrize("text", [
    "Daw hyn ar ôl iddi ddod i'r amlwg fod y datblygwyr yn chwilio am fuddsoddwyr newydd ar gyfer y cynllun, "
    "meddai'r cyngor sir mewn datganiad ddydd Llun, gan ychwanegu bod y gwaith wedi ei ohirio tan y gwanwyn.",
    "def main():\n    x = {'a': [1, 2, 3]}\n    for k, v in x.items():\n        print(f'{k}={v}')\n"
    "    return {k: v * 2 for k, v in x.items() if v}  # {}[]<>=+*/\n" * 3,
    "这是一个关于城市预算的新闻报道。市议会周二投票通过了预算，其中包括修桥和增加扫雪车司机的计划。" * 3,
])
def test_unsupported_text_gets_no_verdict(text: str) -> None:
    r = padcheck.score("Certainly! Here is the article. " + text)
    assert not r.language_supported and r.support_note
    assert not r.is_padded


def test_english_prose_is_supported() -> None:
    assert padcheck.score(HUMAN_REPORT).language_supported
    assert padcheck.score(PADDED).language_supported


def test_scoring_does_not_import_scikit_learn_or_scipy() -> None:
    # Worker processes and one-off CLI calls start fast because only training and the estimators
    # need scikit-learn and scipy; the lazy names still resolve.
    code = ("import sys, padcheck; padcheck.score('It rained on Tuesday.'); "
            "assert 'sklearn' not in sys.modules, 'scoring imported scikit-learn'; "
            "assert 'scipy' not in sys.modules, 'scoring imported scipy'; "
            "assert callable(padcheck.train) and 'sklearn' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_scoring_leaves_the_garbage_collector_as_it_found_it_and_no_cycles() -> None:
    import gc

    text = "# Overview of the Situation\n\n" + "The bridge will close on Monday. It cannot be overstated. " * 40
    gc.collect()
    assert gc.isenabled()
    padcheck.score(text)
    assert gc.isenabled()
    assert gc.collect() == 0  # the collector is paused while scoring: nothing may be left for it
    gc.disable()
    try:
        padcheck.score(text)
        assert not gc.isenabled()  # a caller's choice to run without it is kept
    finally:
        gc.enable()
