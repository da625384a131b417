"""padcheck.report: a self-contained, escaped HTML page explaining one score."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

import pytest

import padcheck
from padcheck.report import render_html, write_report

PADDED = (
    "Certainly! Here is the article you asked for.\n"
    "Overview of the Situation\n"
    "In today's fast-paced world, it is important to note that budgets matter. The importance of this "
    "budget cannot be overstated. As we navigate these turbulent waters, the stakes are high.\n\n"
    "Conclusion\n"
    "In conclusion, only time will tell. The importance of this budget cannot be overstated.\n"
    "I hope this helps!"
)

HOSTILE = (
    "Certainly! Here is the article you asked for. <script>alert(1)</script>\n"
    'In today\'s fast-paced world, it is important to note that " onmouseover="x matters.\n'
    "<img src=x onerror=alert(2)> In conclusion, only time will tell & that's <b>that</b>."
)


@pytest.fixture(scope="module")
def padded_result() -> padcheck.PadResult:
    return padcheck.score(PADDED)


class _Spans(HTMLParser):
    """Collect the article's sentence spans, every tag and every attribute, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.sentences: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)
        a = dict(attrs)
        if tag == "span" and (a.get("class") or "").split()[:1] == ["s"]:
            self._open = {**a, "text": ""}
        elif tag == "br" and self._open is not None:
            self._open["text"] += "\n"

    def handle_endtag(self, tag):
        if tag == "span" and self._open is not None:
            self.sentences.append(self._open)
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data


def _parse(page: str) -> _Spans:
    parser = _Spans()
    parser.feed(page)
    parser.close()
    return parser


def test_page_shows_verdict_probability_and_threshold(padded_result) -> None:
    page = render_html(padded_result)
    assert page.startswith("<!DOCTYPE html>")
    assert padded_result.is_padded
    assert re.search(r'id="verdict">PADDED<', page)
    assert f'id="threshold">{padded_result.threshold:.3f}<' in page
    assert 'id="probability">' in page
    human = padcheck.score("The council voted 5-2 on Tuesday to approve a $41.3 million budget for 2025.")
    assert not human.is_padded
    assert 'id="verdict">NOT PADDED<' in render_html(human)
    assert f'id="probability">{human.probability:.3f}<' in render_html(human)


def test_every_sentence_appears_once_in_order_with_its_shading(padded_result) -> None:
    spans = _parse(render_html(padded_result)).sentences
    assert [s["id"] for s in spans] == [f"s{s.index}" for s in padded_result.sentences]
    assert [s["text"] for s in spans] == [s.text for s in padded_result.sentences]
    for rendered, sentence in zip(spans, padded_result.sentences, strict=True):
        assert float(rendered["data-score"]) == pytest.approx(sentence.score, abs=5e-4)
        style = rendered.get("style") or ""
        if sentence.score > 0:
            alpha = float(re.search(r"rgba\(var\(--pad\),([0-9.]+)\)", style).group(1))
            assert alpha == pytest.approx(0.55 * sentence.score, abs=1e-3)
        else:
            assert "background" not in style
    top = padded_result.top_sentences(1)[0]
    assert top.score >= 0.5
    assert "pad" in spans[top.index]["class"].split()


def test_reasons_are_in_hover_text_and_side_list(padded_result) -> None:
    page = render_html(padded_result)
    spans = _parse(page).sentences
    top = padded_result.top_sentences(1)[0]
    hover = spans[top.index]["title"]
    for reason in top.reasons[:3]:
        assert f"{reason.code}: {reason.message}" in hover
    side = page[page.index('id="top-sentences"'):]
    assert f'href="#s{top.index}"' in side
    for reason in top.reasons[:3]:
        assert escape(reason.message, quote=True) in side
        assert f"<code>{reason.code}</code>" in side


def test_contributions_chart_lists_top_features_and_intercept(padded_result) -> None:
    page = render_html(padded_result)
    chart = page[page.index('id="contributions"'):page.index('id="top-sentences"')]
    ranked = sorted(padded_result.contributions, key=lambda k: -abs(padded_result.contributions[k]))
    for name in ranked[:12]:
        assert f"<code>{name}</code>" in chart
    for name in ranked[12:]:
        assert f"<code>{name}</code>" not in chart
    assert "<code>intercept</code>" in chart
    assert f"{padded_result.logit:+.2f}" in chart
    assert ('class="bar pos"' in chart) == any(v > 0 for v in padded_result.contributions.values())


def test_line_and_paragraph_structure_is_kept(padded_result) -> None:
    article = render_html(padded_result).split('<div class="article">', 1)[1].split("</section>", 1)[0]
    # PADDED has one blank line: exactly one full paragraph break, the other newlines are line breaks.
    breaks = re.findall(r"\n+", PADDED)
    assert article.count('<p class="para">') == sum(len(b) > 1 for b in breaks) == 1
    assert article.count("<p") == 1 + len(breaks)


def test_essence_is_shown(padded_result) -> None:
    page = render_html(padded_result)
    essence = page[page.index('id="essence"'):page.index("</section>", page.index('id="essence"'))]
    for paragraph in padded_result.essence.split("\n\n"):
        if paragraph.strip():
            assert escape(paragraph.strip(), quote=True).split("\n")[0] in essence


def test_page_is_self_contained(padded_result) -> None:
    page = render_html(padded_result)
    tags = set(_parse(page).tags)
    assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert "http://" not in page and "https://" not in page
    assert "default-src 'none'" in page


def test_hostile_text_is_escaped_everywhere() -> None:
    result = padcheck.score(HOSTILE)
    page = render_html(result, title='<script>alert(3)</script>" onload="y')
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page
    assert '" onmouseover="x' not in page and '" onload="y' not in page
    assert "&quot; onmouseover=&quot;x" in page
    assert "<img" not in page and "<b>that" not in page
    parsed = _parse(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert not [name for name, _ in parsed.attrs if name.startswith("on")]
    # The browser sees exactly the original text again inside the sentence spans.
    assert "".join(s["text"] for s in parsed.sentences) == "".join(s.text for s in result.sentences)


def test_example_article_highlights_its_top_sentence(example_article) -> None:
    result = padcheck.score(example_article)
    page = render_html(result, title="example")
    spans = _parse(page).sentences
    assert [s["text"] for s in spans] == [s.text for s in result.sentences]
    top = result.top_sentences(1)[0]
    rendered = spans[top.index]
    assert "pad" in rendered["class"].split()
    assert max(float(s["data-score"]) for s in spans) == pytest.approx(top.score, abs=5e-4)
    assert top.reasons[0].code in rendered["title"]
    assert 'id="verdict">PADDED<' in page


def test_write_report_is_atomic_and_accepts_text_or_result(tmp_path, padded_result) -> None:
    out = tmp_path / "report.html"
    written = write_report(PADDED, out, title="first")
    assert written == out and out.is_file()
    assert "<title>first</title>" in out.read_text(encoding="utf-8")
    assert out.stat().st_mode & 0o044  # readable by others, unlike mkstemp's owner-only default
    write_report(padded_result, out, title="second")
    assert "<title>second</title>" in out.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_write_report_leaves_no_temp_file_on_failure(tmp_path, padded_result, monkeypatch) -> None:
    out = tmp_path / "report.html"
    out.write_text("old", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("padcheck.report.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_report(padded_result, out)
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
