"""The hashed lexical features: token and punctuation n-grams, character n-grams, offsets, scheme."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import padcheck
from padcheck.lexical import (
    DEFAULT_BITS,
    LEXICAL_SCHEME,
    LexicalScorer,
    _ngram_positions_numpy,
    hashed_matrix,
    ngram_positions,
)
from padcheck.model import JSON_NAME, ModelError

SIZE = 1 << DEFAULT_BITS


def features(text: str) -> dict[int, float]:
    idx, _, counts = ngram_positions(text)
    return dict(zip(idx.tolist(), counts.tolist(), strict=True))


def test_counts_cover_every_token_bigram_and_character_ngram() -> None:
    idx, pos, counts = ngram_positions("Rain, rain.")
    # tokens: rain , rain .  -> 4 unigrams (3 distinct) + 3 bigrams; characters "rain, rain." -> 9+8+7+6 n-grams
    token, char = idx < SIZE, idx >= SIZE
    assert counts[token].sum() == 4 + 3
    assert counts[char].sum() == 9 + 8 + 7 + 6
    assert len(np.unique(idx)) == len(idx) and np.all(np.diff(idx) > 0)


def test_punctuation_marks_are_tokens() -> None:
    with_comma, without = features("However, it rained"), features("However it rained")
    assert set(with_comma) - set(without)  # ", " and "however ," add features
    token_only = {k for k in set(with_comma) - set(without) if k < SIZE}
    assert len(token_only) == 3  # the unigram ",", the bigrams "however ," and ", it"


def test_case_curly_apostrophes_and_whitespace_runs_do_not_change_features() -> None:
    assert features("It’s  raining\n\ttoday") == features("it's raining today")


def test_character_ngrams_cross_word_boundaries() -> None:
    # the same words, joined differently: only n-grams across the junction differ
    assert {k for k in features("red-hot") if k >= SIZE} != {k for k in features("red hot") if k >= SIZE}


def test_first_offsets_point_into_the_original_text() -> None:
    text = "  Alpha   beta.\n\nAlpha again."
    idx, pos, _ = ngram_positions(text)
    assert pos.min() >= 0 and pos.max() < len(text)
    # Every feature of "alpha" on its own is first seen inside the first "Alpha", two characters in.
    alone_idx, alone_pos, _ = ngram_positions("alpha")
    where = dict(zip(idx.tolist(), pos.tolist(), strict=True))
    assert [where[k] for k in alone_idx.tolist()] == (alone_pos + 2).tolist()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ İΣß’'  \n\t.,—é漢\ud800"), max_size=60))
def test_any_text_gives_consistent_features(text: str) -> None:
    idx, pos, counts = ngram_positions(text)
    assert len(idx) == len(pos) == len(counts)
    assert np.all((idx >= 0) & (idx < 2 * SIZE)) and np.all(counts >= 1)
    assert np.all((pos >= 0) & (pos <= max(len(text) - 1, 0)))
    matrix = hashed_matrix([text])
    assert np.isfinite(matrix.data).all()


def test_the_logit_splits_exactly_over_sentences() -> None:
    model = padcheck.model.default_model()
    doc = padcheck.parse("The council met. It voted, narrowly, to fund the bridge.\n\nWork starts in May.")
    parts = model.lexical.sentence_logits(doc)
    assert parts.shape == (len(doc.sentences),)
    assert model.lexical.bias + parts.sum() == pytest.approx(model.lexical.logit(doc.text))


def test_a_model_of_another_lexical_scheme_is_refused(tmp_path) -> None:
    src = padcheck.model.default_model()
    folder = tmp_path / "model"
    src.save(folder)
    meta = json.loads((folder / JSON_NAME).read_text())
    meta["lexical"]["scheme"] = "word12+char345-sublinear-tfidf"
    (folder / JSON_NAME).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="scheme"):
        padcheck.load_model(folder)
    with pytest.raises(ValueError, match=re.escape(LEXICAL_SCHEME)):
        LexicalScorer.from_arrays(meta["lexical"], {})


def test_long_documents_count_densely_with_the_same_result(monkeypatch) -> None:
    text = "the bridge, closed since may, reopens on monday — at last. " * 40
    sorted_path = _ngram_positions_numpy(text, DEFAULT_BITS)
    monkeypatch.setattr(padcheck.lexical, "_DENSE_FROM", 1)
    for block in (7, 100, 10_000):  # hashed in blocks that cut n-grams at every possible place
        monkeypatch.setattr(padcheck.lexical, "_BLOCK", block)
        dense_path = _ngram_positions_numpy(text, DEFAULT_BITS)
        for a, b in zip(sorted_path, dense_path, strict=True):
            np.testing.assert_array_equal(a, b)
