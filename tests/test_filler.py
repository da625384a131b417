"""Filler extractor: cliché phrases and LLM vocabulary, with exact evidence spans."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import padcheck
from padcheck.document import BlockKind
from padcheck.features._lexicon import fold_text, load_lexicon, matcher
from padcheck.features.base import Extractor
from padcheck.features.filler import PHRASE_LEXICON, VOCAB_LEXICON, FillerExtractor

EXTRACTOR = FillerExtractor()
NAMES = [s.name for s in EXTRACTOR.specs]

PADDED = (
    "In today's fast-paced world, the role of sleep cannot be overstated. "
    "It is important to note that sleep plays a crucial role in memory. "
    "Doctors agree. "
    "In conclusion, sleep cannot be overstated."
)

# Hard negatives, written for these tests: they must stay quiet.
HUMAN_NEWS = (
    "The city council voted 5-2 on Tuesday to raise parking fees downtown, ending a months-long dispute "
    "with shop owners. Council member Ana Ruiz, who voted against the measure, said the increase would "
    "hurt small businesses. \"People already struggle to find a spot,\" she said. The new fees take effect "
    "on March 1. Revenue will pay for repairs to the Elm Street garage, which closed last year after "
    "inspectors found cracks in its ramps. Officials expect it to reopen in the fall."
)
NON_NATIVE_NEWS = (
    "The report was received with mixed reaction from the stakeholders. The minister informed that the "
    "government is committed to complete the project before the monsoon. He further added that the "
    "contractors have been directed to expedite the work. The opposition party has termed the decision "
    "as anti-people and demanded its immediate withdrawal."
)
LEGAL = (
    "This Agreement shall be governed by and construed in accordance with the laws of the State of New "
    "York. Notwithstanding the foregoing, either party may seek injunctive relief in any court of competent "
    "jurisdiction. If any provision of this Agreement is held invalid or unenforceable, the remaining "
    "provisions shall remain in full force and effect. The failure of either party to enforce any right "
    "shall not constitute a waiver of such right."
)
RECIPE = (
    "Preheat the oven to 200C. Toss the potatoes with olive oil, salt and rosemary, then spread them on a "
    "baking tray in a single layer. Roast for 35 to 40 minutes, turning once, until golden and crisp. "
    "Serve hot with a squeeze of lemon."
)


def spans(out, code: str, feature: str | None = None) -> list[tuple[int, int]]:
    return [(e.start, e.end) for e in out.evidence if e.code == code and (feature is None or e.feature == feature)]


def span_of(text: str, phrase: str, start: int = 0) -> tuple[int, int]:
    i = text.index(phrase, start)
    return i, i + len(phrase)


def test_protocol_and_specs() -> None:
    assert isinstance(EXTRACTOR, Extractor)
    assert EXTRACTOR.name == "filler"
    assert NAMES == [
        "filler.phrases_per_100w",
        "filler.vocab_per_100w",
        "filler.sentence_hit_share",
        "filler.distinct_phrases",
        "filler.distinct_vocab",
    ]
    assert all(s.description and s.range for s in EXTRACTOR.specs)


def test_lexicons_are_curated_and_weighted() -> None:
    phrases, words = load_lexicon(PHRASE_LEXICON), load_lexicon(VOCAB_LEXICON)
    assert len(phrases) >= 300 and len(words) >= 100
    assert all(0 < e.weight <= 1 for e in phrases + words)
    assert all(e.tag in {"padcheck", "antislop-sampler", "slop-forensics"} for e in phrases + words)
    # Vocabulary is the weaker signal: no word is "unmistakable".
    assert max(e.weight for e in words) <= 0.6
    # Fiction names of the upstream lists were not taken.
    assert "elara" not in {e.phrase for e in phrases + words}


def test_empty_document() -> None:
    out = EXTRACTOR.extract(padcheck.parse(""))
    assert out.features == dict.fromkeys(NAMES, 0.0)
    assert out.evidence == ()


def test_padded_paragraph_exact_evidence_and_values() -> None:
    doc = padcheck.parse(PADDED)
    out = EXTRACTOR.extract(doc)
    assert spans(out, "filler.phrase", "filler.phrases_per_100w") == [
        span_of(PADDED, "In today's fast-paced world"),
        span_of(PADDED, "cannot be overstated"),
        span_of(PADDED, "It is important to note"),
        span_of(PADDED, "plays a crucial role"),
        span_of(PADDED, "In conclusion,"),
        span_of(PADDED, "cannot be overstated", PADDED.index("In conclusion")),
    ]
    # Weights straight from the lexicon: 1.0 + 1.0 + 1.0 + 0.8 + 0.8 + 1.0 over 39 words.
    words = len(PADDED.split())
    assert out.features["filler.phrases_per_100w"] == pytest.approx(100 * 5.6 / words)
    assert out.features["filler.sentence_hit_share"] == pytest.approx(3 / 4)
    assert out.features["filler.distinct_phrases"] == pytest.approx(5 / (5 + 5))
    # One distinct-phrase item per different phrase, one hit-share item per sentence with a hit.
    assert len(spans(out, "filler.phrase", "filler.distinct_phrases")) == 5
    assert [e.sentence for e in out.evidence if e.feature == "filler.sentence_hit_share"] == [0, 1, 3]
    first = next(e for e in out.evidence if e.feature == "filler.phrases_per_100w")
    assert first.message == "filler phrase 'In today's fast-paced world'"
    assert first.weight == 1.0


def test_evidence_sits_inside_its_sentence_and_names_a_spec() -> None:
    doc = padcheck.parse(PADDED + " We delve into a vibrant tapestry of ideas.")
    out = EXTRACTOR.extract(doc)
    assert out.evidence
    for e in out.evidence:
        s = doc.sentences[e.sentence]
        assert s.start <= e.start < e.end <= s.end
        assert e.weight > 0 and e.feature in NAMES and e.code.startswith("filler.")
        assert f"'{doc.text[e.start:e.end]}'" in e.message


def test_llm_vocabulary_is_weaker_and_not_double_counted() -> None:
    text = "We delve through the data. The results are a rich tapestry of findings."
    out = EXTRACTOR.extract(padcheck.parse(text))
    # "tapestry" sits inside the phrase "rich tapestry of", so only "delve" is a vocabulary hit.
    assert spans(out, "filler.llm_word", "filler.vocab_per_100w") == [span_of(text, "delve")]
    assert spans(out, "filler.phrase", "filler.phrases_per_100w") == [span_of(text, "rich tapestry of")]
    word = next(e for e in out.evidence if e.code == "filler.llm_word")
    assert word.message == "LLM-favoured word 'delve'" and word.weight < 1.0
    assert out.features["filler.distinct_vocab"] == pytest.approx(1 / 11)


def test_case_and_curly_apostrophes() -> None:
    text = "IT’S INTERESTING TO NOTE that nobody came."
    out = EXTRACTOR.extract(padcheck.parse(text))
    assert spans(out, "filler.phrase", "filler.phrases_per_100w") == [span_of(text, "IT’S INTERESTING TO NOTE")]


def test_word_boundaries() -> None:
    # Whole words only: no "delve" in "delver", no "realm" in "overrealm" or "Realmless".
    out = EXTRACTOR.extract(padcheck.parse("The delver and the overrealm met. Realmless plains."))
    assert out.evidence == ()


@pytest.mark.parametrize("text", [HUMAN_NEWS, NON_NATIVE_NEWS, LEGAL, RECIPE], ids=["news", "non-native", "legal", "recipe"])
def test_hard_negatives_stay_quiet(text: str) -> None:
    out = EXTRACTOR.extract(padcheck.parse(text))
    assert out.features == dict.fromkeys(NAMES, 0.0)
    assert out.evidence == ()


def test_occasional_buzzword_stays_small() -> None:
    text = HUMAN_NEWS + " The firm said it would leverage a robust balance sheet."
    out = EXTRACTOR.extract(padcheck.parse(text))
    assert out.features["filler.phrases_per_100w"] == 0.0
    assert 0 < out.features["filler.vocab_per_100w"] < 1.0


def test_social_posts_code_and_quotes_are_not_flagged() -> None:
    text = (
        "“It cannot be overstated how cold it is here,” pic.twitter.com/abc123\n"
        "— Jo Bloggs (@jobloggs) March 3, 2024\n"
        "The storm closed schools on Monday.\n"
    )
    doc = padcheck.parse(text)
    assert doc.social_posts
    assert EXTRACTOR.extract(doc).evidence == ()

    md = "Intro text here.\n\n```\nwe delve into the code\n```\n\n> It is important to note the quote.\n\nDone.\n"
    doc = padcheck.parse(md)
    assert doc.code_blocks and doc.quotes
    out = EXTRACTOR.extract(doc)
    assert out.evidence == ()
    assert out.features == dict.fromkeys(NAMES, 0.0)


def test_short_text_rate_is_floored() -> None:
    out = EXTRACTOR.extract(padcheck.parse("Only time will tell."))
    # 4 words, but the rate uses the 25-word floor: 0.7 * 100 / 25.
    assert out.features["filler.phrases_per_100w"] == pytest.approx(2.8)
    assert FillerExtractor(min_words=1).extract(padcheck.parse("Only time will tell.")).features[
        "filler.phrases_per_100w"
    ] == pytest.approx(17.5)


@pytest.mark.parametrize(
    "text",
    [
        "a\x00b cannot be overstated\x00",
        "\ud800 delve \udfff In summary, done",
        "😀 tapestry 😀 重要的是要注意。" * 50,
        "İİİ cannot be overstated İ",
        "x" * 1_000_000,
    ],
    ids=["nul", "surrogates", "emoji-cjk", "dotted-i", "1MB-no-spaces"],
)
def test_odd_input_does_not_raise(text: str) -> None:
    doc = padcheck.parse(text)
    out = EXTRACTOR.extract(doc)
    assert set(out.features) == set(NAMES)
    assert all(math.isfinite(v) for v in out.features.values())
    for e in out.evidence:
        assert doc.text[e.start:e.end]


def test_many_identical_sentences() -> None:
    doc = padcheck.parse("It cannot be overstated.\n" * 50_000)
    out = EXTRACTOR.extract(doc)
    assert out.features["filler.sentence_hit_share"] == 1.0
    assert out.features["filler.distinct_phrases"] == pytest.approx(1 / 6)


def test_example_article(example_article: str) -> None:
    doc = padcheck.parse(example_article)
    out = EXTRACTOR.extract(doc)
    hits = spans(out, "filler.phrase", "filler.phrases_per_100w")
    text = doc.text
    overstated = [i for i in range(len(text)) if text.startswith("cannot be overstated", i)]
    assert len(overstated) == 2
    for i in overstated:
        assert (i, i + len("cannot be overstated")) in hits
    for phrase in ("As we navigate these turbulent waters", "delicate dance of", "ever-evolving landscape"):
        assert span_of(text, phrase) in hits, phrase
    # Nothing inside the embedded tweet.
    posts = [b for b in doc.blocks if b.kind is BlockKind.SOCIAL_POST]
    assert posts
    for e in out.evidence:
        assert not any(b.start <= e.start < b.end for b in posts)
    assert out.features["filler.phrases_per_100w"] > 1.5
    assert out.features["filler.distinct_phrases"] > 0.8


_PIECES = st.sampled_from(["it is ", "worth noting ", "that ", "İ", "Σ", "’", "a", ". ", "\n", "delve ", "into ",
                           "In conclusion, ", "x", "tapestry", " "])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join), st.data())
def test_folding_once_matches_folding_each_span(text: str, data) -> None:
    # filler folds the document once and searches sentence spans of it; that must find exactly
    # what folding each span on its own finds, boundaries at the span's ends included.
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    for name in (PHRASE_LEXICON, VOCAB_LEXICON):
        m = matcher(name)
        assert m.find(text, start, end, folded=fold_text(text)) == m.find(text, start, end)


@pytest.mark.parametrize(("lexicon", "text", "start", "end"), [
    (PHRASE_LEXICON, "xtapestry of life", 1, 17),  # span starts inside a word: its start is still a boundary
    (VOCAB_LEXICON, "a rich tapestryx", 0, 15),  # span ends inside a word: its end is still a boundary
    (PHRASE_LEXICON, "İ said it is worth noting that", 0, 30),  # folding moves offsets: the span is folded on its own
])
def test_span_edges_are_word_boundaries(lexicon: str, text: str, start: int, end: int) -> None:
    m = matcher(lexicon)
    expected = m.find(text[start:end])
    shifted = [(x.start + start, x.end + start) for x in expected]
    assert expected, "the fixture must contain a lexicon word"
    for folded in (None, fold_text(text)):
        assert [(x.start, x.end) for x in m.find(text, start, end, folded=folded)] == shifted


_PIECES = ["delve into", "a", " ", "rich tapestry", "of", "İ", "x", ".", "\n", "-", "Moreover", ",", "crucial"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join), st.lists(st.integers(0, 80), max_size=8))
def test_one_pass_over_spans_finds_what_each_span_finds(text: str, cuts: list[int]) -> None:
    points = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
    pairs = zip(points, points[1:], strict=False)
    spans = [(a, b) for a, b in pairs if b > a][::2]  # every other piece: gaps between spans
    folded = fold_text(text)
    for lexicon in (PHRASE_LEXICON, VOCAB_LEXICON):
        m = matcher(lexicon)
        assert m.find_in_spans(text, spans, folded=folded) == [m.find(text, a, b, folded=folded) for a, b in spans]


_SHARED_PIECES = [*_PIECES, "Click here", "subscribe", "As an AI language model", "Here is", "free shipping", "İ"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_SHARED_PIECES), max_size=40).map("".join), st.lists(st.integers(0, 80), max_size=8))
def test_the_shared_document_pass_finds_what_each_lexicon_finds(text: str, cuts: list[int]) -> None:
    from padcheck.features._lexicon import _DOCUMENT_LEXICONS, document_matches
    from padcheck.parse import parse

    points = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
    spans = [(a, b) for a, b in zip(points, points[1:], strict=False) if b > a][::2]
    doc = parse(text, "text")
    assert len(_DOCUMENT_LEXICONS) >= 4  # filler (2), promo and prompt declare theirs
    for lexicon in _DOCUMENT_LEXICONS:
        m = matcher(lexicon)
        assert document_matches(doc, lexicon) == m.find(text)
        assert document_matches(doc, lexicon, spans) == m.find_in_spans(text, spans, folded=fold_text(text))
