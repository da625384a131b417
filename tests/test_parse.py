"""The document model: formats, block kinds, exact spans and bad input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import padcheck
from padcheck import BlockKind, Document


def assert_spans_exact(doc: Document) -> None:
    """Every unit's text equals its slice; units of one kind are ordered and disjoint."""
    for units in (doc.blocks, doc.lines, doc.sentences, *(doc.blocks_of(k) for k in BlockKind)):
        last_end = 0
        for unit in units:
            assert 0 <= unit.start <= unit.end <= len(doc.text)
            assert doc.text[unit.start:unit.end] == unit.text
            assert unit.start >= last_end, f"{unit} overlaps the unit before it"
            last_end = unit.end
    for sentence in doc.sentences:
        block = doc.block_of(sentence)
        assert block.start <= sentence.start <= sentence.end <= block.end


# --- plain text -------------------------------------------------------------------------------


def test_plain_text_paragraphs_titles_and_sentences() -> None:
    text = (
        "Overview of the Situation\n"
        "The council met on Monday. It voted 5-2 to approve the budget.\n\n"
        "Looking Ahead: What Happens Next?\n"
        "The mayor will sign it on Friday.\n"
    )
    doc = padcheck.parse(text)
    assert doc.format == "text"
    assert [(h.text, h.inferred) for h in doc.headings] == [
        ("Overview of the Situation", True),
        ("Looking Ahead: What Happens Next?", True),
    ]
    assert [p.text for p in doc.paragraphs] == [
        "The council met on Monday. It voted 5-2 to approve the budget.",
        "The mayor will sign it on Friday.",
    ]
    assert [s.text for s in doc.sentences][1:3] == ["The council met on Monday.", "It voted 5-2 to approve the budget."]
    assert_spans_exact(doc)


def test_sentence_lines_are_not_titles() -> None:
    doc = padcheck.parse("The vote passed.\nNobody objected to it at all.\nThe End Is Near Now.")
    assert doc.headings == ()


@pytest.mark.parametrize("line", ["By Jane Smith", "BY JANE SMITH", "Story by Ray Ortiz", "March 3, 2024",
                                  "Tuesday, 3 March 2024", "Updated 10:42 GMT", "2024-03-03", "12/03/2024"])
def test_bylines_and_datelines_are_not_titles(line: str) -> None:
    doc = padcheck.parse(f"Council Approves Bridge Budget\n\n{line}\n\nThe council voted 7-2 on Tuesday.")
    assert [h.text for h in doc.headings] == ["Council Approves Bridge Budget"]


@pytest.mark.parametrize("line", ["By the Numbers", "BY THE NUMBERS", "May Day Protests Draw Thousands"])
def test_title_lines_that_start_like_bylines_or_dates_stay_titles(line: str) -> None:
    doc = padcheck.parse(f"Intro line of the piece here.\n\n{line}\n\nThe council voted 7-2 on Tuesday.")
    assert [h.text for h in doc.headings] == [line]


def test_memo_and_listing_fields_are_not_titles() -> None:
    memo = ("City Council Memorandum\nTo: Mayor Ortiz & City Council Members\nFrom: Dana Price – Public Works Director\n"
            "Date: April 26, 2023\nRE: Street Repairs\nMedia Contact: Sam Lee\nBACKGROUND INFORMATION\n"
            "Crews are patching potholes after a hard winter, and the budget has run short.")
    doc = padcheck.parse(memo)
    assert [h.text for h in doc.headings] == ["City Council Memorandum", "BACKGROUND INFORMATION"]
    assert "Date: April 26, 2023" in [p.text for p in doc.paragraphs]
    assert_spans_exact(doc)


@pytest.mark.parametrize("line", ["Weight: 2.3 Kg", "Prep Time: 10 Minutes", "Net Worth: $5 Million", "E-mail: Info At Example",
                                  "Where: City Hall, Room 4"])
def test_listing_fields_are_not_titles(line: str) -> None:
    doc = padcheck.parse(f"Intro line of the piece here.\n\n{line}\n\nThe council voted 7-2 on Tuesday.")
    assert doc.headings == ()


@pytest.mark.parametrize("line", ["Looking Ahead: What Happens Next?", "Conclusion: The Road Ahead", "Date Night Ideas",
                                  "The Future: Bright Days Ahead", "Dates to Remember"])
def test_colon_headings_whose_label_is_no_field_stay_titles(line: str) -> None:
    doc = padcheck.parse(f"Intro line of the piece here.\n\n{line}\n\nThe council voted 7-2 on Tuesday.")
    assert [h.text for h in doc.headings] == [line]


def test_hard_wrapped_lines_join_one_paragraph() -> None:
    doc = padcheck.parse("The committee agreed that the\nproposal needed more work. It adjourned.")
    assert len(doc.paragraphs) == 1
    assert [s.text for s in doc.sentences] == [
        "The committee agreed that the\nproposal needed more work.",
        "It adjourned.",
    ]


def test_list_items_lose_their_bullets() -> None:
    doc = padcheck.parse("Steps to follow\n- Stir well.\n* Bake for 20 minutes\n2) Serve hot.\n")
    assert [li.text for li in doc.list_items] == ["Stir well.", "Bake for 20 minutes", "Serve hot."]
    assert_spans_exact(doc)


def test_embedded_tweet_is_a_social_post() -> None:
    text = (
        "The senator posted a statement on Tuesday.\n"
        "“We will not back down on this bill,… pic.twitter.com/AbC123xyz\n"
        "— Jane Doe (@janedoe) March 3, 2024\n"
        "Her office later confirmed the post.\n"
    )
    doc = padcheck.parse(text)
    assert [b.kind for b in doc.blocks] == [
        BlockKind.PARAGRAPH, BlockKind.SOCIAL_POST, BlockKind.PARAGRAPH,
    ]
    post = doc.social_posts[0]
    assert post.text.startswith("“We will not back down") and post.text.endswith("March 3, 2024")
    assert_spans_exact(doc)


def test_stray_and_paired_code_fences() -> None:
    stray = padcheck.parse("Some closing words here.\n“`\nThis article is done.")
    assert [b.text for b in stray.code_fences] == ["“`"]
    paired = padcheck.parse("Run this:\n```python\nprint('hi')\n```\nDone.", format="markdown")
    assert [b.text for b in paired.code_blocks] == ["print('hi')"]
    assert paired.code_fences == ()


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_atx_setext_and_quotes() -> None:
    text = "# Title\n\nIntro text here.\n\nSection two\n-----------\n\n> A quoted line.\n> Another.\n\n## Closing ##\nBye."
    doc = padcheck.parse(text)
    assert doc.format == "markdown"
    assert [(h.text, h.level, h.inferred) for h in doc.headings] == [
        ("Title", 1, False), ("Section two", 2, False), ("Closing", 2, False),
    ]
    assert doc.quotes[0].text == "A quoted line.\n> Another."
    assert_spans_exact(doc)


def test_plain_format_ignores_markdown_syntax() -> None:
    doc = padcheck.parse("# not a heading here, just a line.\nText.", format="text")
    assert all(not h.text.startswith("not a heading") for h in doc.headings)


# --- HTML -------------------------------------------------------------------------------------


HTML = """<!doctype html><html><head><title>T</title><style>p{color:red}</style></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<h1>Budget passes</h1><p>The council <b>approved</b> the plan. It costs $3.5m.</p>
<script>var x = "<p>not text</p>";</script>
<h2>Reactions</h2><ul><li>Mayor: pleased</li><li>Union: opposed</li></ul>
<blockquote class="twitter-tweet"><p lang="en">Great news for the city pic.twitter.com/xYz</p>&mdash; City Hall (@cityhall) <a href="#">May 2, 2024</a></blockquote>
<pre>code   stays   as is</pre>
<footer>Copyright 2024</footer></body></html>"""


def test_html_extracts_visible_blocks() -> None:
    doc = padcheck.parse(HTML)
    assert doc.format == "html"
    assert doc.source == HTML
    assert [(h.text, h.level) for h in doc.headings] == [("Budget passes", 1), ("Reactions", 2)]
    assert doc.paragraphs[0].text == "The council approved the plan. It costs $3.5m."
    assert [li.text for li in doc.list_items] == ["Mayor: pleased", "Union: opposed"]
    assert "City Hall (@cityhall)" in doc.social_posts[0].text
    assert doc.code_blocks[0].text == "code   stays   as is"
    for noise in ("Home", "not text", "Copyright", "color:red"):
        assert noise not in doc.text
    assert_spans_exact(doc)


def test_deeply_nested_html_does_not_recurse() -> None:
    doc = padcheck.parse("<div>" * 50_000 + "<p>Deep text.</p>" + "</div>" * 50_000, format="html")
    assert [p.text for p in doc.paragraphs] == ["Deep text."]


# --- bad input and odd characters -------------------------------------------------------------


@pytest.mark.parametrize("bad", [None, 42, 3.5, ["text"], {"text": "x"}])
def test_non_text_raises_type_error(bad) -> None:
    with pytest.raises(TypeError, match="expects text as str or UTF-8 bytes"):
        padcheck.parse(bad)


def test_bytes_are_decoded_and_invalid_utf8_is_explained() -> None:
    assert padcheck.parse("Café opens. Good.".encode()).sentences[0].text == "Café opens."
    with pytest.raises(ValueError, match="not valid UTF-8"):
        padcheck.parse(b"bad \xff byte")
    assert "\ufffd" in padcheck.parse(b"bad \xff byte", errors="replace").text


def test_unknown_format_is_rejected() -> None:
    with pytest.raises(ValueError, match="format must be one of"):
        padcheck.parse("x", format="pdf")


@pytest.mark.parametrize("blank", ["", "   ", "\n\n\r\n\t", "\u00a0\u2003"])
def test_blank_text_gives_an_empty_document(blank: str) -> None:
    doc = padcheck.parse(blank)
    assert doc.blocks == () and doc.sentences == () and doc.lines == ()


def test_crlf_and_odd_unicode_keep_offsets() -> None:
    text = "Title Line Here\r\nFirst \u200f sentence\x00 here. Second 😀 one.\r\n\r\n中文段落。Another \ud800 line."
    doc = padcheck.parse(text)
    assert_spans_exact(doc)
    assert doc.headings[0].text == "Title Line Here"


# --- the shared example ------------------------------------------------------------------------


def test_example_article_structure(example_article: str) -> None:
    doc = padcheck.parse(example_article)
    headings = {h.text for h in doc.headings}
    for expected in ("Overview of the Situation", "Conclusion", "Looking Ahead: What Happens Next?",
                     "A Call for Vigilance", "Implications for U.S. Policy"):
        assert expected in headings
    assert len(doc.social_posts) == 1
    assert "pic.twitter.com/" in doc.social_posts[0].text and "(@" in doc.social_posts[0].text
    assert len(doc.code_fences) == 1
    assert_spans_exact(doc)


# --- properties --------------------------------------------------------------------------------

_pieces = st.sampled_from([
    "# ", "## ", "\n", "\r\n", "\n\n", "- ", "> ", "```", "“`", "Dr. ", "U.S. ", "3.5", "...", "…", "?", "!",
    "<p>", "</p>", "<h2>", "</h2>", "<li>", "<script>", "</script>", "<blockquote class=\"twitter-tweet\">",
    "</blockquote>", "pic.twitter.com/x ", "— A (@b) May 1, 2020", "Overview of the Situation", "&amp;",
    "\x00", "\u200f", "\ud800", "😀", "中文。", "word ", "Word. ", "===", "---",
])
_texts = st.one_of(st.text(max_size=300), st.lists(st.one_of(_pieces, st.text(max_size=8)), max_size=60).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_texts, fmt=st.sampled_from(["auto", "text", "markdown", "html"]))
def test_any_text_parses_with_exact_spans(text: str, fmt: str) -> None:
    doc = padcheck.parse(text, format=fmt)
    assert_spans_exact(doc)
    if doc.format != "html":
        assert doc.text == text


@pytest.mark.parametrize(("text", "expected"), [
    ("# Title\nbody", "markdown"), ("   ### Deep", "markdown"), ("```python\nx = 1\n```", "markdown"),
    ("~~~\ncode\n~~~", "markdown"), ("> quoted line", "markdown"), ("a **bold** word", "markdown"),
    ("see [the docs](https://example.org)", "markdown"), ("Title\n=====", "markdown"), ("Title\n-=-=-", "markdown"),
    ("#hashtag and ** stars ** and [brackets] (later)", "text"), ("<p>one</p><p>two</p>", "html"),
    ("<!DOCTYPE html><title>x</title>", "html"), ("a < b and c > d", "text"), ("plain words.", "text"),
])
def test_format_detection_markers(text: str, expected: str) -> None:
    from padcheck.parse import detect_format

    assert detect_format(text) == expected
