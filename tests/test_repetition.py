"""Tests for padcheck.features.repetition (hand-written fixtures only)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import padcheck
from padcheck.features.repetition import (
    RepetitionExtractor,
    duplicate_ngram_mask,
    exact_duplicates,
    near_duplicates,
    normalise,
    top_ngram,
)

EXTRACTOR = RepetitionExtractor()
F = "repetition."
DUPLICATE_CODES = {"repetition.duplicate_paragraph", "repetition.duplicate_sentence", "repetition.near_duplicate"}

RECIPE = """Pour the milk into a small saucepan and warm it over a low flame.

Stir well.

Add the sugar, the vanilla and a pinch of salt to the warm milk.

Stir well.

Whisk the egg yolks in a separate bowl until they turn pale.

Stir well.

Pour the yolks into the pan and cook the custard until it coats a spoon.

Stir well."""

LEGAL = """The Tenant shall pay the rent on the first day of each calendar month.
The Tenant shall not sublet any part of the premises without written consent.
The Landlord shall repair the roof and the outer walls within thirty days of notice.
The Landlord may enter the premises at reasonable hours after giving notice.
Either party may end this lease by giving three months of written notice.
The deposit shall be returned within fourteen days after the lease ends.
This lease is governed by the laws of the state in which the premises lie.
Any dispute under this lease shall first be referred to a mediator."""

TWEET_NEWS = """Riverside council votes to close Elm Street bridge

The Riverside council voted on Tuesday to close the Elm Street bridge for three weeks of repairs.
Mayor Dana Lee announced the decision on social media shortly after the vote.

"The Elm Street bridge closes Monday for repairs, please plan your commute! pic.twitter.com/AbC123xyz
— Dana Lee (@MayorDanaLee) June 3, 2025

Engineers found cracks in two steel beams during an inspection in April.
Buses will be rerouted over the Mill Road crossing, which adds about ten minutes.
Shop owners on Elm Street said they expected fewer customers during the closure.
The council set aside $2.4 million for the work, most of it from a state grant."""

NON_NATIVE = """Yesterday night a fire is broken out in the garment factory of Tongi industrial area.
Seven unit of fire service was working two hours for control the fire, said the duty officer.
No worker was died but twelve peoples are injured and taken to the nearby hospital.
The factory owner told that the loss is near about five crore taka.
Police is investigating the reason of fire and a committee is formed by the authority."""

DUP_PARAGRAPH = """The city will open a new public library on Main Street next spring.

Officials said the building will hold more than forty thousand books.

The city will open a new public library on Main Street next spring."""

PADDED = """Scientists have discovered a new species of frog in the rainforest of Peru.
The frog is bright orange and smaller than a thumbnail.
It was found near a waterfall by a team from the local university.
The team spent three months surveying the area.
They recorded the calls of many animals at night.
Local guides helped the researchers reach remote streams.
Researchers in Peru discovered a new frog species living in the rainforest."""

OPENINGS = """The role of the council is to set the budget for the year.
Members meet every second Tuesday in the old town hall.
The role of the mayor is to chair those meetings and sign the minutes."""


def run(text: str):
    doc = padcheck.parse(text)
    return doc, EXTRACTOR.extract(doc)


def codes(out) -> set[str]:
    return {e.code for e in out.evidence}


def check_contract(doc, out) -> None:
    names = [s.name for s in EXTRACTOR.specs]
    assert list(out.features) == names
    for name, value in out.features.items():
        assert isinstance(value, float) and math.isfinite(value), name
        assert 0.0 <= value <= 1.0, name
    for e in out.evidence:
        assert e.code.startswith("repetition.") and e.feature in names and e.weight > 0
        s = doc.sentences[e.sentence]
        assert s.start <= e.start < e.end <= s.end
        assert doc.blocks[s.block].kind != "social_post"


# --- helpers ---------------------------------------------------------------------------------


def test_normalise_drops_case_whitespace_and_punctuation():
    assert normalise("  Stir, WELL!\n now… ") == "stir well now"
    assert normalise("Iran-backed U.S. bases cost $1,200.") == "iran-backed u.s bases cost 1,200"


def test_exact_duplicates_points_at_first_copy():
    assert exact_duplicates(["a", None, "b", "a", "a", None]) == [None, None, None, 0, 0, None]


def test_near_duplicates_respects_threshold_and_gap():
    a = frozenset("alpha beta gamma delta epsilon zeta".split())
    b = frozenset("alpha beta gamma delta epsilon theta".split())  # Jaccard 5/7
    c = frozenset("one two three four five six".split())
    assert near_duplicates([a, c, b], 0.7) == [None, None, (0, 5 / 7)]
    assert near_duplicates([a, c, b], 0.8) == [None, None, None]
    assert near_duplicates([a, c, b], 0.7, [0, 1, 2], min_gap=3) == [None, None, None]


def test_gopher_ngram_helpers_on_hand_computed_sequence():
    # words: x y z x y z w  -> the 2-gram "x y" (and "y z") occurs twice
    ids = np.array([1, 2, 3, 1, 2, 3, 4], dtype=np.uint64)
    lengths = np.array([1, 2, 3, 1, 2, 3, 4], dtype=np.int64)
    chars, positions = top_ngram(ids, lengths, 2)
    assert chars == 6.0 and positions.tolist() == [0, 3]  # tie goes to the first n-gram
    assert duplicate_ngram_mask(ids, 3).tolist() == [False, False, False, True, True, True, False]
    assert not duplicate_ngram_mask(ids, 4).any()


# --- positives -------------------------------------------------------------------------------


def test_duplicate_paragraph_on_later_copy_with_exact_span():
    doc, out = run(DUP_PARAGRAPH)
    check_contract(doc, out)
    dups = [e for e in out.evidence if e.code in DUPLICATE_CODES]
    assert len(dups) == 1
    e = dups[0]
    later = DUP_PARAGRAPH.rindex("The city will open")
    assert (e.code, e.sentence, e.related) == ("repetition.duplicate_paragraph", 2, 0)
    assert (e.start, e.end) == (later, len(DUP_PARAGRAPH))
    assert e.message == "repeats paragraph 0 word for word"
    assert e.feature == "repetition.duplicate_paragraph_frac"
    assert out.features[F + "duplicate_paragraph_frac"] == pytest.approx(13 / 37)
    assert out.features[F + "duplicate_sentence_frac"] == 0.0


def test_duplicate_sentence_ignores_case_and_punctuation():
    text = (
        "Prices rose sharply in the northern towns last year. Rents stayed flat.\n\n"
        "Wages did not keep up with them. PRICES ROSE SHARPLY, in the northern towns last year!"
    )
    doc, out = run(text)
    check_contract(doc, out)
    [e] = [e for e in out.evidence if e.code in DUPLICATE_CODES]
    assert (e.code, e.sentence, e.related) == ("repetition.duplicate_sentence", 3, 0)
    assert text[e.start:e.end] == "PRICES ROSE SHARPLY, in the northern towns last year!"
    assert e.message == "repeats sentence 0 word for word"
    assert out.features[F + "duplicate_sentence_frac"] == pytest.approx(9 / 28)


def test_article_repeating_a_tweet_is_a_duplicate_but_the_tweet_gets_nothing():
    text = TWEET_NEWS + "\n\nThe Elm Street bridge closes Monday for repairs, please plan your commute!"
    doc, out = run(text)
    check_contract(doc, out)
    [post] = doc.social_posts
    post_sentence = next(s.index for s in doc.sentences if s.block == post.index)
    [e] = [e for e in out.evidence if e.code in DUPLICATE_CODES]
    assert (e.code, e.related) == ("repetition.duplicate_sentence", post_sentence)
    assert (e.start, e.end) == (text.rindex("The Elm Street bridge closes"), len(text))
    assert e.message == f"repeats a social post {post_sentence} word for word"


def test_paraphrased_restatement_is_a_near_duplicate():
    doc, out = run(PADDED)
    check_contract(doc, out)
    [e] = [e for e in out.evidence if e.code in DUPLICATE_CODES]
    assert (e.code, e.sentence, e.related) == ("repetition.near_duplicate", 6, 0)
    assert PADDED[e.start:e.end] == "Researchers in Peru discovered a new frog species living in the rainforest."
    assert e.feature == "repetition.near_duplicate_frac"
    assert out.features[F + "near_duplicate_frac"] == pytest.approx(12 / 73)


def test_repeated_opening():
    doc, out = run(OPENINGS)
    check_contract(doc, out)
    [e] = [e for e in out.evidence if e.code == "repetition.repeated_opening"]
    assert (e.sentence, e.related) == (2, 0)
    assert OPENINGS[e.start:e.end] == "The role of"
    assert e.message == "opening 'The role of' repeats sentence 0"
    assert out.features[F + "repeated_opening_frac"] == pytest.approx(1 / 3)


def test_top_ngram_evidence_only_above_gopher_threshold():
    text = "Buy now buy now buy now buy now and save. Buy now today."
    doc, out = run(text)
    check_contract(doc, out)
    assert out.features[F + "top_2gram_frac"] > EXTRACTOR.top_2gram_threshold
    top = [e for e in out.evidence if e.feature == F + "top_2gram_frac"]
    assert [text[e.start:e.end].lower() for e in top] == ["buy now"] * 5
    quiet = RepetitionExtractor(top_2gram_threshold=1.0).extract(doc)
    assert not [e for e in quiet.evidence if e.feature == F + "top_2gram_frac"]


def test_overlapping_top_ngram_occurrences_are_one_item_of_their_summed_weight():
    text = "Ha ha ha ha ha ha ha, said the man. The bridge opened on Monday."
    doc, out = run(text)
    check_contract(doc, out)
    assert out.features[F + "top_2gram_frac"] > EXTRACTOR.top_2gram_threshold
    [e] = [e for e in out.evidence if e.feature == F + "top_2gram_frac"]
    assert text[e.start:e.end] == "Ha ha ha ha ha ha ha" and e.sentence == 0
    assert e.weight == 6 * 4  # six overlapping "ha ha", four word characters each
    # Gopher counts every occurrence: 24 of the 47 word characters.
    assert e.message == "most frequent 2-word phrase 'Ha ha' (51% of the text), 6 times in a row"


def test_duplicate_ngram_evidence_quotes_the_repeated_run():
    text = "We walked along the old canal path at dawn. Later, we walked along the old canal path again."
    doc, out = run(text)
    check_contract(doc, out)
    [e] = [e for e in out.evidence if e.feature == F + "dup_5gram_frac"]
    assert text[e.start:e.end] == "we walked along the old canal path"
    assert e.sentence == 1 and e.code == "repetition.duplicate_ngram"
    # "we walked along the old canal path" repeats: 7 words, 28 of the 72 word characters.
    assert out.features[F + "dup_5gram_frac"] == pytest.approx(28 / 72)
    assert out.features[F + "dup_7gram_frac"] == pytest.approx(28 / 72)
    assert out.features[F + "dup_10gram_frac"] == 0.0


# --- hard negatives --------------------------------------------------------------------------


@pytest.mark.parametrize("text", [RECIPE, LEGAL, TWEET_NEWS, NON_NATIVE], ids=["recipe", "legal", "tweet", "l2"])
def test_hard_negatives_stay_quiet(text):
    doc, out = run(text)
    check_contract(doc, out)
    assert not codes(out) & DUPLICATE_CODES
    for short in ("duplicate_paragraph_frac", "duplicate_sentence_frac", "near_duplicate_frac",
                  "dup_7gram_frac", "dup_10gram_frac"):
        assert out.features[F + short] == 0.0, short
    assert out.features[F + "repeated_opening_frac"] <= 0.25


def test_repeated_heading_is_not_a_duplicate():
    text = "# Day one\n\nWe hiked to the lake and camped by the water.\n\n# Day one\n\nIt rained all night long."
    doc, out = run(text)
    assert not codes(out) & DUPLICATE_CODES


# --- robustness ------------------------------------------------------------------------------


def test_empty_document():
    doc, out = run("")
    assert out.evidence == ()
    assert out.features == {s.name: 0.0 for s in EXTRACTOR.specs}


@pytest.mark.parametrize(
    "text",
    ["\x00\x00", "\ud800 lone \udfff surrogates", "😀 " * 50, "中文没有空格。" * 200, "x" * 1_000_000,
     "Stir well. " * 3],
    ids=["nul", "surrogates", "emoji", "cjk", "1mb-no-space", "short-repeats"],
)
def test_odd_inputs_do_not_raise(text):
    doc, out = run(text)
    check_contract(doc, out)


def test_many_identical_and_near_identical_sentences():
    same = "The committee will meet again next week to discuss it. " * 20_000
    near = " ".join(f"Shipment {i} left the northern depot for buyer {i % 7} at dawn." for i in range(20_000))
    for text in (same, near):
        doc = padcheck.parse(text)
        out = EXTRACTOR.extract(doc)
        check_contract(doc, out)
    assert out.features[F + "near_duplicate_frac"] > 0.9


def test_specs_are_documented_and_ordered():
    names = [s.name for s in EXTRACTOR.specs]
    assert names[0] == "repetition.duplicate_paragraph_frac" and len(set(names)) == len(names)
    assert all(s.description and s.range == "[0, 1]" for s in EXTRACTOR.specs)


# --- end to end on the shared example article ------------------------------------------------


def test_example_article(example_article):
    doc, out = run(example_article)
    check_contract(doc, out)
    first = example_article.index("BREAKING: U.S. intelligence officials have detected")
    later = example_article.index("BREAKING: U.S. intelligence officials have detected", first + 1)
    post = example_article.index("pic.twitter.com")
    assert first < post < later  # one copy right before the tweet block, one right after it
    first_sentence = next(s.index for s in doc.sentences if s.start == first)
    later_sentence = next(s for s in doc.sentences if s.start == later)
    [e] = [e for e in out.evidence if e.code == "repetition.duplicate_paragraph"]
    assert e.sentence == later_sentence.index and e.related == first_sentence
    assert (e.start, e.end) == (later_sentence.start, later_sentence.end)
    assert example_article[e.start:e.end].endswith("according to the New York Times.")
    # The opening claim, restated in other words after the tweet.
    opening = example_article.index("U.S. intelligence officials have recently raised alarms")
    restated = example_article.index("In a development that")
    near = {(doc.sentences[e.related].start, e.start) for e in out.evidence if e.code == "repetition.near_duplicate"}
    assert (opening, restated) in near
    assert out.features[F + "duplicate_paragraph_frac"] > 0.01
    assert out.features[F + "near_duplicate_frac"] > 0.03


def test_repeated_passage_counts_long_verbatim_copies_only() -> None:
    long_para = ("The regional transport board confirmed on Thursday that the northern rail link will close "
                 "for nine weeks of repairs starting in March.")
    doc = padcheck.parse(f"{long_para}\nRiders were told to expect delays.\nStir well.\nStir well.\n{long_para}")
    out = RepetitionExtractor().extract(doc)
    assert out.features["repetition.repeated_passages"] == 0.5
    hits = [e for e in out.evidence if e.code == "repetition.repeated_passage"]
    assert len(hits) == 1 and hits[0].sentence == len(doc.sentences) - 1 and hits[0].related == 0
    assert hits[0].feature == "repetition.repeated_passages"
    short = padcheck.parse("Riders were told to expect long delays.\nOther news here.\nRiders were told to expect long delays.")
    assert RepetitionExtractor().extract(short).features["repetition.repeated_passages"] == 0.0


# --- the fast paths compute exactly what the straightforward versions did ---------------------


def _reference_near_duplicates(sets, threshold, positions=None, min_gap=0):
    """The dictionary-per-bucket scan that ``near_duplicates`` replaces with one sort."""
    from padcheck.features.repetition import _BANDS, _BUCKET_CAP, _ROWS, _minhash

    out = [None] * len(sets)
    positions = list(range(len(sets))) if positions is None else positions
    live = [i for i, s in enumerate(sets) if s]
    if len(live) < 2:
        return out
    sig = _minhash([sets[i] for i in live], _BANDS * _ROWS)
    keys = (sig[:, 0::2] << np.uint64(32)) | sig[:, 1::2]
    buckets = {}
    for row, i in enumerate(live):
        candidates = set()
        for band, key in enumerate(keys[row].tolist()):
            members = buckets.setdefault((band, key), [])
            candidates.update(members)
            if len(members) < _BUCKET_CAP:
                members.append(i)
        for j in sorted(candidates):
            if abs(positions[i] - positions[j]) < min_gap:
                continue
            inter = len(sets[i] & sets[j])
            jaccard = inter / (len(sets[i]) + len(sets[j]) - inter)
            if jaccard >= threshold:
                out[i] = (j, jaccard)
                break
    return out


def test_near_duplicates_matches_the_bucket_scan_on_random_sets():
    rng = np.random.default_rng(7)
    words = [f"w{k}" for k in range(40)]
    for trial in range(30):
        n = int(rng.integers(2, 80))
        sets = [
            None if rng.random() < 0.1 else frozenset(rng.choice(words, size=int(rng.integers(1, 9))).tolist())
            for _ in range(n)
        ]
        positions = sorted(rng.integers(0, 3 * n, size=n).tolist())
        gap = trial % 4
        for threshold in (0.2, 0.4, 0.7):
            assert near_duplicates(sets, threshold, positions, gap) == _reference_near_duplicates(
                sets, threshold, positions, gap)


def test_ngram_fast_paths_match_np_unique():
    from padcheck.features.repetition import _dup_mask_from_keys, _ngram_key_table, _ngram_keys, _top_from_keys

    rng = np.random.default_rng(3)
    for _ in range(40):
        size = int(rng.integers(1, 300))
        ids = rng.integers(0, int(rng.integers(2, 30)), size=size).astype(np.uint64)
        lengths = rng.integers(1, 12, size=size).astype(np.int64)
        table = _ngram_key_table(ids, [n for n in (2, 3, 4, 5, 7, 10) if n <= size])
        for n, keys in table.items():
            assert np.array_equal(keys, _ngram_keys(ids, n))
            # np.unique reference, as the helpers were first written
            _, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
            chars, positions = _top_from_keys(keys, lengths, n)
            if counts.max() < 2:
                assert chars == 0.0 and positions.size == 0
            else:
                best = np.flatnonzero(counts == counts.max())
                best = best[np.argmin(first[best])]
                expected = np.flatnonzero(inverse == best)
                assert positions.tolist() == expected.tolist()
                assert chars == float(lengths[expected[0]:expected[0] + n].sum()) * int(counts.max())
            starts = np.flatnonzero(first[inverse] != np.arange(len(keys)))
            expected_mask = np.zeros(size, dtype=bool)
            for s in starts.tolist():
                expected_mask[s:s + n] = True
            assert _dup_mask_from_keys(keys, size, n).tolist() == expected_mask.tolist()


def _reference_units(doc):
    """``document_units`` as first written: one ``normalise`` per sentence."""
    import re

    from padcheck.features.repetition import _BODY_KINDS, _SOURCE_KINDS, _URL, Unit

    sources, units = [], []
    for s in doc.sentences:
        kind = doc.blocks[s.block].kind
        if kind in _SOURCE_KINDS:
            pos = s.start
            for piece in re.split(r"[\r\n]+", s.text):
                a = doc.text.find(piece, pos, s.end) if piece else -1
                if a < 0:
                    continue
                pos = a + len(piece)
                words = tuple(normalise(_URL.sub(" ", piece)).split())
                if words:
                    sources.append(Unit(s.index, "source", a, a + len(piece), words))
            continue
        role = "body" if kind in _BODY_KINDS else "heading" if kind == "heading" else "code"
        units.append(Unit(s.index, role, s.start, s.end, tuple(normalise(s.text).split())))
    return sources + units


def _check_shared(doc):
    from padcheck.features.repetition import shared_analysis, word_spans

    shared = shared_analysis(doc)
    assert list(shared.units) == _reference_units(doc)
    for s, (lo, hi) in zip(doc.sentences, shared.sentence_ranges, strict=True):
        spans = list(zip(shared.starts[lo:hi].tolist(), shared.ends[lo:hi].tolist(), strict=True))
        assert spans == word_spans(doc.text, s.start, s.end)
        assert shared.words[lo:hi] == [doc.text[a:b].lower().replace("’", "'") for a, b in spans]
    for u, (lo, hi) in zip(shared.units, shared.unit_ranges, strict=True):
        spans = list(zip(shared.starts[lo:hi].tolist(), shared.ends[lo:hi].tolist(), strict=True))
        assert spans == word_spans(doc.text, u.start, u.end)
    for b in doc.blocks:
        assert shared.normalised(b.start, b.end) == normalise(b.text)
        assert shared.count_words(b.start, b.end) == len(word_spans(doc.text, b.start, b.end))


@pytest.mark.parametrize("text", [TWEET_NEWS, RECIPE, LEGAL, DUP_PARAGRAPH, "ΟΔΟΣ:ΑΒΓ είναι. İstanbul’s U.S. 1,200 x"])
def test_shared_word_table_matches_per_span_matching(text):
    _check_shared(padcheck.parse(text))


def test_shared_word_table_when_a_sentence_boundary_splits_a_word():
    # The parser never splits inside a word, but a hand-built document can: such sentences are
    # re-matched inside their own span, exactly as word_spans does.
    from padcheck.document import Block, BlockKind, Document, Sentence

    text = "Prices rose in the U.S.A. by 1,200 dollars and then fell again."
    cut1, cut2 = text.index("S.A") + 1, text.index(",200") + 2
    bounds = [(0, cut1), (cut1, cut2), (cut2, len(text))]
    doc = Document(
        text, text, "text",
        blocks=(Block(0, BlockKind.PARAGRAPH, 0, len(text), text),),
        sentences=tuple(Sentence(i, 0, a, b, text[a:b]) for i, (a, b) in enumerate(bounds)),
    )
    _check_shared(doc)
    from padcheck.features.repetition import shared_analysis

    shared = shared_analysis(doc)
    assert len(shared.words) > shared._n_text_words  # the straddled sentences were re-matched
    check_contract(doc, EXTRACTOR.extract(doc))
