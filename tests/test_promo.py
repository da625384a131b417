"""Tests for the injected-promo extractor (hand-written fixtures; golden spans and values)."""

from __future__ import annotations

import pytest
from conftest import assert_extraction_contract

import padcheck
from padcheck.features.promo import PromoExtractor, caps_sentence

EXTRACTOR = PromoExtractor()
NAMES = tuple(s.name for s in EXTRACTOR.specs)

TWEET_ARTICLE = (
    "The mayor posted about the flood on Tuesday.\n\n"
    "“Crews are out on Main Street now. Follow us on the app. pic.twitter.com/abc123\n"
    "— Jane Doe (@janedoe) March 3, 2024\n\n"
    "Residents said the water rose fast."
)


def run(text: str):
    doc = padcheck.parse(text)
    return doc, EXTRACTOR.extract(doc)


def check_contract(doc, out):
    assert_extraction_contract(EXTRACTOR, doc, out)


def main_evidence(out, code):
    return [e for e in out.evidence if e.code == code and e.feature != "promo.injected_max_weight"]


def test_specs_are_named_and_documented():
    assert EXTRACTOR.name == "promo"
    assert len(set(NAMES)) == len(NAMES)
    specs = zip(NAMES, EXTRACTOR.specs, strict=True)
    assert all(n.startswith("promo.") and s.description and s.range for n, s in specs)


def test_empty_document_is_all_zero():
    _, out = run("")
    assert out.features == {name: 0.0 for name in NAMES}
    assert out.evidence == ()


def test_shouted_call_to_action():
    text = "The storm passed.\n- YOU MAY ALSO LIKE TO WATCH THIS TRENDING STORY. A haunted house tour"
    doc, out = run(text)
    check_contract(doc, out)
    got = [(doc.text[e.start:e.end], e.weight) for e in main_evidence(out, "promo.injected")]
    assert got == [("YOU MAY ALSO LIKE", 0.9), ("WATCH THIS", 0.4), ("TRENDING STORY", 0.9)]
    caps = main_evidence(out, "promo.all_caps")
    assert [doc.text[e.start:e.end] for e in caps] == ["YOU MAY ALSO LIKE TO WATCH THIS TRENDING STORY."]
    assert out.features["promo.injected_max_weight"] == pytest.approx(0.9)
    assert out.features["promo.injected_per_100w"] == pytest.approx(100 * 2.2 / doc.n_words)
    assert out.features["promo.all_caps_count"] == pytest.approx(0.6 / 1.6)
    top = [e for e in out.evidence if e.feature == "promo.injected_max_weight"]
    assert [doc.text[e.start:e.end] for e in top] == ["YOU MAY ALSO LIKE"]


def test_newsletter_and_affiliate_disclosure():
    text = "This post contains affiliate links. The kettle boils in 90 seconds. Subscribe to our newsletter!"
    doc, out = run(text)
    check_contract(doc, out)
    got = [doc.text[e.start:e.end] for e in main_evidence(out, "promo.injected")]
    assert got == ["This post contains affiliate links", "Subscribe to our newsletter"]
    assert out.evidence[-1].message == "injected promotion 'Subscribe to our newsletter'"


def test_standalone_advertisement_line_only():
    doc, out = run("The vote passed.\n\nAdvertisement\n\nThe mayor left early.")
    assert [doc.text[e.start:e.end] for e in main_evidence(out, "promo.injected")] == ["Advertisement"]
    doc, out = run("She once starred in an advertisement for soap.")
    assert out.evidence == ()


@pytest.mark.parametrize("text", [
    "Watch this space for updates on the bridge.",
    "The bill, sponsored by Sen. Lee, passed 61-39.",
    "NASA, ESA AND JAXA SIGNED THE ACCORD IN 2019.",
    "TO THE EXTENT PERMITTED BY LAW, THE COMPANY SHALL NOT BE LIABLE FOR ANY INDIRECT DAMAGES.",
    "A NOVEL EVOLUTION BASED ALGORITHM FOR HIGHER ORDER NEURAL NETWORKS",
    "Breaking: the dam held overnight, officials said.",
    "I signed the petition and read the report twice.",
])
def test_human_hard_negatives_stay_quiet(text):
    doc, out = run(text)
    check_contract(doc, out)
    assert out.evidence == ()
    assert out.features["promo.injected_max_weight"] == 0.0 and out.features["promo.all_caps_count"] == 0.0


def test_breaking_prefix_is_weak():
    doc, out = run("BREAKING: Fire at the Dhaka market, police say.")
    caps = main_evidence(out, "promo.all_caps")
    assert [(doc.text[e.start:e.end], e.weight) for e in caps] == [("BREAKING:", 0.2)]
    assert out.features["promo.all_caps_count"] == pytest.approx(0.2 / 1.2)


def test_caps_sentence_rule():
    assert caps_sentence("CLICK HERE TO READ THE FULL STORY")
    assert not caps_sentence("THE FBI AND CIA")  # no word of five letters: acronyms
    assert not caps_sentence("Read the FULL story HERE now")


def test_embedded_tweet_is_counted_not_blamed():
    doc, out = run(TWEET_ARTICLE)
    check_contract(doc, out)
    (post,) = doc.social_posts
    post_words = len(post.text.split())
    outside = doc.n_words - post_words
    assert out.features["promo.social_post_count"] == pytest.approx(0.5)
    assert out.features["promo.social_post_share"] == pytest.approx(post_words / doc.n_words)
    assert out.features["promo.social_padding_ratio"] == pytest.approx(outside / (outside + 50))
    # "Follow us on" inside the quoted tweet is the tweet's, not the page's: no evidence at all.
    assert out.evidence == ()


def test_no_post_means_no_padding_ratio():
    _, out = run("A long article about the flood with no embedded post at all. " * 40)
    assert out.features["promo.social_padding_ratio"] == 0.0
    assert out.features["promo.social_post_share"] == 0.0


@pytest.mark.parametrize("text", [
    "\x00" * 1000, "\ud800 lone \udfff surrogates", "😀" * 5000, "漢字かな交じり文。" * 500,
    "x" * 1_000_000, "READ MORE " * 50_000, "Advertisement\n" * 10_000,
])
def test_odd_input_does_not_raise(text):
    doc, out = run(text)
    check_contract(doc, out)


def test_many_identical_sentences():
    # Hostile scale: the run-time ratio is measured in benchmarks/, not here.
    doc = padcheck.parse("CLICK HERE TO READ THE FULL STORY NOW.\n" * 100_000)
    out = EXTRACTOR.extract(doc)
    assert out.features["promo.injected_max_weight"] == pytest.approx(0.5)


def test_example_article_end_to_end(example_article):
    doc, out = run(example_article)
    check_contract(doc, out)
    text = doc.text
    start = text.index("YOU MAY ALSO LIKE TO WATCH")
    injected = [e for e in out.evidence if e.code == "promo.injected" and e.start == start]
    assert injected and all(e.end == start + len("YOU MAY ALSO LIKE") for e in injected)
    assert doc.block_of(doc.sentences[injected[0].sentence]).kind is padcheck.BlockKind.LIST_ITEM
    line = "YOU MAY ALSO LIKE TO WATCH THIS TRENDING STORY ON YOUTUBE."
    caps = [e for e in out.evidence if e.code == "promo.all_caps" and e.start == start]
    assert [(e.start, e.end) for e in caps] == [(start, start + len(line))]
    assert out.features["promo.social_post_count"] > 0
    assert out.features["promo.injected_max_weight"] == pytest.approx(0.9)
    # The embedded tweet itself carries no evidence.
    (post,) = doc.social_posts
    assert not [e for e in out.evidence if doc.sentences[e.sentence].block == post.index]
