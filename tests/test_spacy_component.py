"""The spaCy ``padcheck`` component: doc and span extensions, serialisation, multiprocessing."""

from __future__ import annotations

import importlib
import pickle

import pytest
import spacy
from spacy.tokens import Doc

import padcheck
import padcheck.spacy_component as component
from padcheck.result import PadResult
from padcheck.spacy_component import PadcheckComponent, SpanPadding

PADDED = (
    "Certainly! Here is the article you asked for. In today's fast-paced world, it is important to note "
    "that budgets matter. The council voted 5-2 on Tuesday to approve a $41.3 million budget. I hope this helps!"
)
HUMAN = (
    "The Harlow county council voted 5-2 on Tuesday night to approve a $41.3 million budget. "
    "Councillor Dana Ruiz, who voted against, said the plan left the east side's bridges one winter from closing."
)


def _nlp(sentencizer: bool, **config):
    nlp = spacy.blank("en")
    if sentencizer:
        nlp.add_pipe("sentencizer")
    nlp.add_pipe("padcheck", config=config)
    return nlp


@pytest.fixture(scope="module")
def nlp():
    return _nlp(True)


def test_doc_padding_is_the_padcheck_result(nlp):
    doc = nlp(PADDED)
    assert isinstance(doc._.padding, PadResult)
    assert doc._.padding == padcheck.score(PADDED)


def test_sentence_padding_follows_overlapping_padcheck_sentences(nlp):
    doc = nlp(PADDED)
    result = doc._.padding
    for sent in doc.sents:
        pad = sent._.padding
        assert isinstance(pad, SpanPadding)
        hits = [s for s in result.sentences if s.start < sent.end_char and s.end > sent.start_char]
        assert pad.sentences == tuple(s.index for s in hits)
        assert pad.score == max(s.score for s in hits)
        assert set(pad.reasons) == {r for s in hits for r in s.reasons}
        assert [r.log_odds for r in pad.reasons] == sorted((r.log_odds for r in pad.reasons), reverse=True)
    by_text = {s.text: s._.padding for s in doc.sents}
    assert by_text["Certainly!"].is_padding
    assert "prompt.leftover" in {r.code for r in by_text["Certainly!"].reasons}
    assert by_text["The council voted 5-2 on Tuesday to approve a $41.3 million budget."].score < 0.5


def test_span_spanning_several_sentences_takes_the_max(nlp):
    doc = nlp(PADDED)
    whole = doc[:]._.padding
    assert whole.score == max(s.score for s in doc._.padding.sentences)
    assert len(whole.sentences) == len(doc._.padding.sentences)


def test_without_sentencizer():
    doc = _nlp(False)(PADDED)
    assert not doc.has_annotation("SENT_START")
    assert doc._.padding == padcheck.score(PADDED)
    # padcheck's own sentences stand in for the missing segmentation.
    sents = doc._.padding_sents
    assert [s.text for s in sents] == [s.text for s in doc._.padding.sentences]
    assert [s._.padding.score for s in sents] == [s.score for s in doc._.padding.sentences]
    assert doc[:2]._.padding.is_padding  # "Certainly!"


def test_unprocessed_doc_has_no_padding(nlp):
    doc = nlp.make_doc(HUMAN)
    assert doc._.padding is None and doc[:3]._.padding is None and doc._.padding_sents == []


def test_doc_survives_bytes_and_pickle(nlp):
    doc = nlp(PADDED)
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert again._.padding == doc._.padding
    assert [s._.padding for s in again.sents] == [s._.padding for s in doc.sents]
    assert pickle.loads(pickle.dumps(doc))._.padding == doc._.padding


def test_pipe_with_two_processes_matches_one(nlp):
    texts = [PADDED, HUMAN, PADDED + " " + HUMAN, HUMAN]
    single = [d._.padding for d in nlp.pipe(texts)]
    multi = list(nlp.pipe(texts, n_process=2, batch_size=1))
    assert [d._.padding for d in multi] == single
    assert [[s._.padding for s in d.sents] for d in multi] == [[s._.padding for s in d.sents] for d in nlp.pipe(texts)]


def test_component_ships_without_its_loaded_model(nlp):
    pipe = nlp.get_pipe("padcheck")
    nlp(HUMAN)  # loads the model
    assert pipe._model is not None
    assert pickle.loads(pickle.dumps(pipe))._model is None  # reloaded lazily where it lands


def test_config_model_path_and_max_chars(tmp_path):
    padcheck.model.default_model().save(tmp_path)
    nlp = _nlp(True, model=str(tmp_path), max_chars=40)
    doc = nlp(PADDED)
    assert doc._.padding.truncated and doc._.padding.text == PADDED[:40]
    assert doc[:2]._.padding is not None  # a truncated result still indexes doc.text
    assert nlp.get_pipe_config("padcheck") == {"factory": "padcheck", "model": str(tmp_path), "max_chars": 40}
    rebuilt = spacy.blank("en").from_config(nlp.config)
    assert rebuilt.pipe_names == ["sentencizer", "padcheck"]


def test_max_chars_must_be_positive():
    with pytest.raises(ValueError, match="max_chars"):
        PadcheckComponent(max_chars=0)


def test_html_result_is_not_mapped_onto_tokens(nlp):
    html = "<html><body><p>Certainly! Here is the article you asked for.</p></body></html>"
    doc = nlp(html)
    assert doc._.padding.format == "html"
    assert doc[:3]._.padding is None and doc._.padding_sents == []


def test_reimport_is_safe(nlp):
    importlib.reload(component)
    doc = nlp(PADDED)
    assert doc._.padding == padcheck.score(PADDED)
    assert "padcheck" in spacy.blank("en").factory_names
