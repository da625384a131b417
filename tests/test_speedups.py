"""The compiled lexical inner loop agrees exactly with the numpy reference it replaces."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from padcheck import lexical
from padcheck.lexical import DEFAULT_BITS, _lowered, _ngram_positions_numpy

if lexical._speedups is None:
    if os.environ.get("PADCHECK_REQUIRE_SPEEDUPS"):
        pytest.fail("padcheck._speedups was not built (PADCHECK_REQUIRE_SPEEDUPS is set)", pytrace=False)
    pytest.skip("padcheck._speedups is not built (no C compiler at install); the numpy path is used",
                allow_module_level=True)

compiled = lexical._speedups.ngram_counts

# Letters, digits and marks of several scripts, every kind of space, apostrophes, punctuation,
# symbols, astral characters, a lone surrogate and characters whose lower case is longer.
ALPHABET = "aZ09_İΣσßéé\u0301漢字٣’'\"  \u00a0\u3000\u2028\n\r\t\x1c.,;—…😀\ud800\U0001d400ǅ-"


def assert_same(low: str, bits: int = DEFAULT_BITS) -> None:
    idx, first, counts = compiled(low, bits)
    got = (np.frombuffer(idx, dtype=np.int64), np.frombuffer(first, dtype=np.int64), np.frombuffer(counts))
    want = _ngram_positions_numpy(low, bits)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("text", [
    "", " ", "a", "ab", "abc", "Rain, rain.", "don't  stop’em now", "x_y__z", "1,000.50 in the U.S.",
    "\u3000\u00a0 \t\n", "İstanbul ΣΑΣ", "e\u0301 😀😀😀", "a'", "'a", "a''b", "a'b'c", "\ud800 lone \udfff",
])
def test_hand_written_edge_cases(text: str) -> None:
    assert_same(_lowered(text))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=80), st.sampled_from([2, 5, DEFAULT_BITS, 22]))
def test_any_text_and_table_size(text: str, bits: int) -> None:
    assert_same(_lowered(text), bits)  # small tables force collisions between features


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_unicode_text(text: str) -> None:
    assert_same(_lowered(text))


def test_a_long_document_matches_the_dense_numpy_path() -> None:
    text = _lowered("The bridge, closed since May, reopens on Monday — at last. It’s 1,000 m long.\n\n" * 2500)
    assert len(text) * 4 > lexical._DENSE_FROM  # the numpy reference counts this one densely
    assert_same(text)


def test_tables_are_clean_between_calls() -> None:
    first = compiled("alpha beta gamma", DEFAULT_BITS)
    compiled("alpha " * 1000, DEFAULT_BITS)
    compiled("x" * 50, 3)
    assert compiled("alpha beta gamma", DEFAULT_BITS) == first


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="bits"):
        compiled("text", 0)
    with pytest.raises(ValueError, match="bits"):
        compiled("text", 40)
    with pytest.raises(TypeError):
        compiled(b"bytes", DEFAULT_BITS)


@pytest.fixture(scope="module")
def scorer():
    from padcheck.model import default_model

    return default_model().lexical


def numpy_sentence_logits(scorer, doc) -> np.ndarray:
    compiled_module = lexical._speedups
    lexical._speedups = None
    try:
        return scorer.sentence_logits(doc)
    finally:
        lexical._speedups = compiled_module


@settings(max_examples=150, deadline=None)
@given(pieces=st.lists(st.text(alphabet=st.sampled_from(ALPHABET), max_size=40), max_size=6))
def test_sentence_sums_match_the_numpy_path(scorer, pieces) -> None:
    import padcheck

    doc = padcheck.parse(". ".join(pieces) + ("\n\nAnd the council voted for it." if pieces else ""))
    got = scorer.sentence_logits(doc)
    want = numpy_sentence_logits(scorer, doc)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    if len(doc.sentences):
        assert scorer.logit(doc.text) == pytest.approx(scorer.bias + want.sum(), rel=1e-9, abs=1e-12)


def test_sentence_terms_refuses_tables_of_the_wrong_size(scorer) -> None:
    starts = np.zeros(1, dtype=np.int64)
    with pytest.raises(ValueError, match="pairs"):
        lexical._speedups.sentence_terms("text", scorer.bits, scorer._pairs[:-1], starts)
    with pytest.raises(ValueError, match="starts"):
        lexical._speedups.sentence_terms("text", scorer.bits, scorer._pairs, np.zeros(0, dtype=np.int64))


# -- the repetition extractor's word table and n-gram statistics ---------------------------------

WORDY = "ab1٣,.-'’_ \n漢é\u0301²"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(WORDY), max_size=80))
def test_word_spans_match_the_regular_expression(text: str) -> None:
    from padcheck.features import repetition

    got = np.frombuffer(lexical._speedups.word_spans(text), dtype=np.int64).reshape(-1, 2).tolist()
    assert got == [list(m.span()) for m in repetition._WORD.finditer(text)]


@pytest.mark.parametrize("text", ["", "1,000,000 and 2,5", "U.S.-backed don't it’s", "a,1 1,a 1,,2 ,1", "x" * 5000])
def test_word_spans_edge_cases(text: str) -> None:
    test_word_spans_match_the_regular_expression.hypothesis.inner_test(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 4), max_size=60))
def test_ngram_repeats_match_the_numpy_path(words: list[int]) -> None:
    from padcheck.features import repetition

    ids = np.asarray(words, dtype=np.uint64)
    tops, dups = lexical._speedups.ngram_repeats(ids, repetition._TOP_NS, repetition._DUP_NS)
    table = repetition._ngram_key_table(ids, [n for n in (*repetition._TOP_NS, *repetition._DUP_NS) if n <= len(ids)])
    for n, got in zip(repetition._TOP_NS, tops, strict=True):
        want = repetition._top_positions(table[n]) if n in table else np.empty(0, dtype=np.int64)
        assert np.frombuffer(got, dtype=np.int64).tolist() == want.tolist()
    for n, got in zip(repetition._DUP_NS, dups, strict=True):
        want = repetition._dup_mask_from_keys(table[n], len(ids), n) if n in table else np.zeros(len(ids), bool)
        assert np.frombuffer(got, dtype=bool).tolist() == want.tolist()


def test_ngram_repeats_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="positive"):
        lexical._speedups.ngram_repeats(np.zeros(3, dtype=np.uint64), (0,), ())
    with pytest.raises(ValueError, match="uint64"):
        lexical._speedups.ngram_repeats(b"abc", (2,), ())
    with pytest.raises(TypeError):
        lexical._speedups.ngram_repeats(np.zeros(3, dtype=np.uint64), [2], ())


def test_a_whole_document_scores_the_same_without_the_extension(example_article: str) -> None:
    import padcheck
    from padcheck.features import repetition

    compiled_result = padcheck.score(example_article).to_dict()
    saved = lexical._speedups, repetition._speedups
    lexical._speedups = repetition._speedups = None
    try:
        pure_result = padcheck.score(example_article).to_dict()
    finally:
        lexical._speedups, repetition._speedups = saved
    assert pure_result["features"] == pytest.approx(compiled_result["features"], rel=1e-9, abs=1e-12)
    assert pure_result["probability"] == pytest.approx(compiled_result["probability"], rel=1e-9)
    assert [s["score"] for s in pure_result["sentences"]] == pytest.approx(
        [s["score"] for s in compiled_result["sentences"]], rel=1e-9, abs=1e-12)
    def located(result):  # each reason without its log-odds: code, span and message must agree exactly
        return [[{k: v for k, v in r.items() if k != "log_odds"} for r in s["reasons"]] for s in result["sentences"]]

    assert located(pure_result) == located(compiled_result)


@settings(max_examples=200, deadline=None)
@given(
    sets=st.lists(st.none() | st.frozensets(st.sampled_from("abcdefghij"), min_size=1, max_size=6), max_size=40),
    threshold=st.sampled_from([0.2, 0.4, 0.7, 1.0]),
    min_gap=st.integers(0, 3),
)
def test_near_duplicates_match_the_numpy_path(sets, threshold, min_gap) -> None:
    from padcheck.features import repetition

    positions = list(range(0, 2 * len(sets), 2))
    compiled_hits = repetition.near_duplicates(sets, threshold, positions, min_gap)
    saved = repetition._speedups
    repetition._speedups = None
    try:
        numpy_hits = repetition.near_duplicates(sets, threshold, positions, min_gap)
    finally:
        repetition._speedups = saved
    assert compiled_hits == numpy_hits


def test_near_matches_refuses_inconsistent_arrays() -> None:
    from padcheck.features import repetition

    a, b = repetition._hash_params(4)
    ids, lengths, where = np.arange(1, 4, dtype=np.uint64), np.array([1, 2]), np.zeros(2, dtype=np.int64)
    near = lexical._speedups.near_matches
    assert len(near(ids, lengths, a, b, where, 0, 0.5, 4)) == 2
    with pytest.raises(ValueError, match="add up"):
        near(ids, np.array([1, 1]), a, b, where, 0, 0.5, 4)
    with pytest.raises(ValueError, match="at least one id"):
        near(ids, np.array([0, 3]), a, b, where, 0, 0.5, 4)
    with pytest.raises(ValueError, match="cap"):
        near(ids, lengths, a, b, where, 0, 0.5, 9)
    with pytest.raises(ValueError, match="sizes"):
        near(ids, lengths, a, b[:-1], where, 0, 0.5, 4)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(WORDY + "ΣИ漢\x00$%()–—“”‘<>{}#@~|^`"), max_size=80))
def test_language_counts_match_the_regular_expressions(text: str) -> None:
    from padcheck import language

    compiled_counts = language._counts(text)
    saved = language._speedups
    language._speedups = None
    try:
        assert compiled_counts == language._counts(text)
    finally:
        language._speedups = saved


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "ab", "", "é", "漢", "😀", "a"]), max_size=30))
def test_vocabulary_ids_match_the_dictionary_path(words: list[str]) -> None:
    vocab, ids = lexical._speedups.vocab_ids(words)
    want = list(dict.fromkeys(words))
    assert vocab == want
    assert np.frombuffer(ids, dtype=np.uint64).tolist() == [want.index(w) for w in words]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(WORDY), max_size=60), st.data())
def test_substrings_slice_the_text(text: str, data) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=10)))
    starts, ends = np.asarray(cuts[0::2][:len(cuts) // 2], dtype=np.int64), np.asarray(cuts[1::2], dtype=np.int64)
    assert lexical._speedups.substrings(text, starts, ends) == [text[a:b] for a, b in zip(starts, ends, strict=True)]


def test_substrings_refuse_spans_outside_the_text() -> None:
    one = np.ones(1, dtype=np.int64)
    with pytest.raises(ValueError, match="outside"):
        lexical._speedups.substrings("abc", one, one * 4)
    with pytest.raises(ValueError, match="outside"):
        lexical._speedups.substrings("abc", one * 2, one)
    with pytest.raises(ValueError, match="one length"):
        lexical._speedups.substrings("abc", one, np.ones(2, dtype=np.int64))
    with pytest.raises(TypeError):
        lexical._speedups.vocab_ids(("a", "b"))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(".!?…\"'”’»)] \n\tA。！？」』）x"), max_size=40), st.data())
def test_boundary_marks_match_the_regular_expression(text: str, data) -> None:
    from padcheck.sentences import _BOUNDARY

    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert lexical._speedups.boundary_marks(text, start, end) == [m.span() for m in _BOUNDARY.finditer(text, start, end)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=2, max_size=80), st.integers(1, 12))
def test_window_types_match_the_numpy_path(words: list[int], window: int) -> None:
    from padcheck.features.density import _window_types_numpy

    ids = np.asarray(words, dtype=np.uint64)
    if len(ids) <= window:
        window = len(ids) - 1
    bound = int(ids.max()) + 1
    assert lexical._speedups.window_types(ids, window, bound) == _window_types_numpy(ids, window)
    # By definition: slide the window one word at a time.
    assert _window_types_numpy(ids, window) == sum(len(set(words[t:t + window])) for t in range(len(words) - window + 1))


def test_window_types_refuses_ids_out_of_bound() -> None:
    with pytest.raises(ValueError, match="bound"):
        lexical._speedups.window_types(np.asarray([0, 5, 1], dtype=np.uint64), 2, 5)
    with pytest.raises(ValueError, match="window"):
        lexical._speedups.window_types(np.zeros(3, dtype=np.uint64), 0, 1)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), min_size=1, max_size=60), st.data())
def test_upper_initials_match_str_isupper(text: str, data) -> None:
    starts = np.asarray(data.draw(st.lists(st.integers(0, len(text) - 1), max_size=12)), dtype=np.int64)
    got = np.frombuffer(lexical._speedups.upper_initials(text, starts), dtype=bool).tolist()
    assert got == [text[a].isupper() for a in starts.tolist()]


def test_upper_initials_refuses_starts_outside_the_text() -> None:
    with pytest.raises(ValueError, match="outside"):
        lexical._speedups.upper_initials("abc", np.asarray([3], dtype=np.int64))
    with pytest.raises(ValueError, match="int64"):
        lexical._speedups.upper_initials("abc", b"abc")
