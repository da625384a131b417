"""Golden table of tricky sentence boundaries (hand-checked expected splits)."""

from __future__ import annotations

import pytest

from padcheck.sentences import split_sentences

GOLDEN = [
    # abbreviations
    ("Dr. Smith paid $3.50 in the U.S. on Monday. Then he left.",
     ["Dr. Smith paid $3.50 in the U.S. on Monday.", "Then he left."]),
    ("Officials in the U.S. said so. The U.S. The end.",
     ["Officials in the U.S. said so.", "The U.S.", "The end."]),
    ("Implications for U.S. Policy are unclear.", ["Implications for U.S. Policy are unclear."]),
    ("See e.g. Figure 2. It shows i.e. the gist.", ["See e.g. Figure 2.", "It shows i.e. the gist."]),
    ("Mr. and Mrs. Jones met Prof. Lee at St. Mary's.", ["Mr. and Mrs. Jones met Prof. Lee at St. Mary's."]),
    ("He works at Acme Inc. in Ohio.", ["He works at Acme Inc. in Ohio."]),
    ("He works at Acme Inc. The firm is big.", ["He works at Acme Inc.", "The firm is big."]),
    ("It was 5 p.m. The sun set.", ["It was 5 p.m.", "The sun set."]),
    ("No. 5 is here. Good.", ["No. 5 is here.", "Good."]),
    ("J. R. R. Tolkien wrote it. Fans agree.", ["J. R. R. Tolkien wrote it.", "Fans agree."]),
    # decimals, percentages, URLs, handles
    ("It costs 3.5 million. That is a lot!", ["It costs 3.5 million.", "That is a lot!"]),
    ("Prices rose 2.4%. Analysts said so.", ["Prices rose 2.4%.", "Analysts said so."]),
    ("Visit https://example.com/a.b?c=1. It works.", ["Visit https://example.com/a.b?c=1.", "It works."]),
    ("Read it at www.example.org. Then reply.", ["Read it at www.example.org.", "Then reply."]),
    ("Ask @jack_d. He knows.", ["Ask @jack_d.", "He knows."]),
    ("Thanks @acme.support for the help", ["Thanks @acme.support for the help"]),
    # quotes and brackets
    ('He said "Stop." Then he ran.', ['He said "Stop."', "Then he ran."]),
    ("“Why?” she asked. Nobody knew.", ["“Why?” she asked.", "Nobody knew."]),
    ("The vote was 5–2 (Smith dissented.) Then recess.", ["The vote was 5–2 (Smith dissented.)", "Then recess."]),
    # ellipses and mixed marks
    ("Wait... What was that?", ["Wait...", "What was that?"]),
    ("Wait... and then nothing.", ["Wait... and then nothing."]),
    ("Wait… Really?! Yes.", ["Wait…", "Really?!", "Yes."]),
    # no final punctuation, list markers, other scripts
    ("Hello world", ["Hello world"]),
    ("1. First item here.", ["1. First item here."]),
    ("这是中文。这是另一个句子。", ["这是中文。", "这是另一个句子。"]),
    ("Emoji 😀. Next one.", ["Emoji 😀.", "Next one."]),
    ("   ", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), GOLDEN, ids=[g[0][:30] for g in GOLDEN])
def test_golden_splits(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in split_sentences(text)] == expected


def test_region_offsets_index_the_full_text() -> None:
    text = "Intro line.\nFirst one. Second one."
    start = text.index("First")
    spans = split_sentences(text, start, len(text))
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one."]
    assert spans[0][0] == start
