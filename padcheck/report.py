"""A self-contained HTML report of one :class:`~padcheck.result.PadResult`.

The page carries everything it needs inline: one ``<style>`` block, no script, no external
asset, and a Content-Security-Policy that forbids loading anything, so the file can be mailed,
archived or opened offline and shows the same thing years later. It holds

* the verdict, probability and decision threshold;
* the article with every sentence shaded by its padding score (reasons on hover);
* the top sentences with their reason codes and messages, each linking to its place in the text;
* the feature contributions as horizontal bars (top 12 by magnitude, the rest summed, the
  intercept), which add up to the document's logit;
* the essence: the text with padding, duplicates and headings left out.

Every piece of input text goes through :func:`html.escape` with ``quote=True`` before it reaches
the page, attributes included, so an article cannot inject markup or script.

Examples
--------
>>> import padcheck
>>> from padcheck.report import render_html
>>> page = render_html(padcheck.score("Certainly! Here is the article you asked for."))
>>> page.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import math
import os
import re
from html import escape
from pathlib import Path

from padcheck._atomic import atomic_write_text
from padcheck.model import PadModel
from padcheck.parse import Format
from padcheck.result import PadResult, Reason, SentenceResult
from padcheck.scoring import score

__all__ = ["render_html", "write_report", "evaluation_html", "TOP_FEATURES", "TOP_SENTENCES"]

#: Contribution bars shown; the remaining features are summed into one "other" bar.
TOP_FEATURES = 12
#: Sentences listed in the side panel.
TOP_SENTENCES = 8
#: Background alpha of a sentence with score 1; below ~0.6 dark text stays easy to read on it.
_MAX_ALPHA = 0.55
#: Reasons listed per sentence in the side panel (all of them are in the sentence's hover text).
_LISTED_REASONS = 3
#: Reasons quoted per sentence in its hover text; more only lengthens an unreadable tooltip.
_HOVER_REASONS = 6
_SNIPPET = 220
_NEWLINES = re.compile(r"\r\n?|\n")
# Starts only where a run of blanks starts (the lookbehind): linear on long blank runs.
_GAP_BREAK = re.compile(r"(?<![ \t\f\v])[ \t\f\v]*(?:\r\n?|\n)(?:[ \t\f\v]*(?:\r\n?|\n))*[ \t\f\v]*")

_CSS = """
:root { --pad: 220, 38, 38; --ink: #1f2328; --muted: #59636e; --line: #d0d7de; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: var(--ink); background: var(--bg); }
header.top { padding: 20px 32px 18px; background: #fff; border-bottom: 1px solid var(--line); }
header.top h1 { margin: 0 0 10px; font-size: 20px; font-weight: 600; }
.verdict { display: flex; flex-wrap: wrap; align-items: center; gap: 14px 28px; }
.badge { padding: 6px 14px; border-radius: 6px; font-weight: 700; letter-spacing: .04em; color: #fff; }
.badge.padded { background: rgb(var(--pad)); }
.badge.clean { background: #1a7f37; }
.stat { font-size: 15px; color: var(--muted); }
.stat b { font-size: 22px; color: var(--ink); font-variant-numeric: tabular-nums; }
.gauge { position: relative; width: 260px; height: 12px; border-radius: 6px; background: #e6e9ec; }
.gauge .fill { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 6px; background: rgb(var(--pad)); }
.gauge .thr { position: absolute; top: -5px; bottom: -5px; width: 2px; background: var(--ink); }
.note { margin: 10px 0 0; color: #9a6700; font-size: 14px; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 500px; gap: 24px; padding: 24px 32px;
       align-items: start; }
section.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px;
               margin-bottom: 24px; }
section.card h2 { margin: 0 0 12px; font-size: 16px; font-weight: 600; }
.legend { display: flex; align-items: center; gap: 8px; font-size: 13px; color: var(--muted);
          margin: -4px 0 14px; }
.legend .ramp { width: 160px; height: 12px; border-radius: 3px; border: 1px solid var(--line);
                background: linear-gradient(to right, rgba(var(--pad), 0), rgba(var(--pad), .55)); }
.article { max-width: 46em; }
.article p { margin: .35em 0 0; }
.article p.para { margin-top: 1em; }
.article p:first-child { margin-top: 0; }
.s { border-radius: 3px; padding: 1px 0; box-decoration-break: clone; -webkit-box-decoration-break: clone; }
.s.pad { border-bottom: 2px solid rgba(var(--pad), .85); }
.s:hover { outline: 2px solid rgba(var(--pad), .9); }
.s:target { outline: 3px solid var(--ink); }
ol.top { margin: 0; padding: 0; list-style: none; }
ol.top > li { padding: 10px 0; border-top: 1px solid var(--line); }
ol.top > li:first-child { border-top: 0; padding-top: 0; }
.score { display: inline-block; min-width: 3.2em; padding: 0 6px; margin-right: 6px; border-radius: 4px;
         text-align: center; font-size: 13px; font-weight: 600; font-variant-numeric: tabular-nums; }
ol.top a { color: var(--ink); text-decoration: none; }
ol.top a:hover { text-decoration: underline; }
ul.reasons li { margin-top: 2px; }
ul.reasons { margin: 4px 0 0; padding-left: 18px; font-size: 13.5px; line-height: 1.45; color: var(--muted); }
ul.reasons code, .bars code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
                              color: var(--ink); }
.bars { width: 100%; border-collapse: collapse; font-size: 13px; }
.bars td { padding: 3px 0; vertical-align: middle; }
.bars td.name, .bars td.val { width: 1%; white-space: nowrap; }
.bars td.name { padding-right: 10px; }
.bars td.val { text-align: right; padding-left: 10px; font-variant-numeric: tabular-nums; }
.bars .track { position: relative; height: 14px; background: linear-gradient(#8c959f, #8c959f) 50% 0 / 1px 100%
               no-repeat; }
.bars .bar { position: absolute; top: 1px; bottom: 1px; border-radius: 2px; }
.bars .pos { background: rgb(var(--pad)); }
.bars .neg { background: #2f6fde; }
.bars tr.sum td { border-top: 1px solid var(--line); padding-top: 6px; font-weight: 600; }
.bars tr.meta td.name { color: var(--muted); font-style: italic; }
.essence { white-space: normal; }
.essence p { margin: 0 0 .8em; }
.muted { color: var(--muted); font-size: 14px; }
"""


def _esc(text: str) -> str:
    return escape(text, quote=True)


def _prob(p: float) -> str:
    """Probability for people: three decimals, but never a rounded 1.000 or 0.000 (it is not certain)."""
    if p >= 0.9995:
        return "&gt; 0.999"
    if p < 0.0005:
        return "&lt; 0.001"
    return f"{p:.3f}"


def _alpha(score_value: float) -> float:
    return round(_MAX_ALPHA * min(max(score_value, 0.0), 1.0), 3)


def _text_html(text: str) -> str:
    """Escaped text in which each line break inside a sentence becomes ``<br>``."""
    return "<br>".join(_esc(line) for line in _NEWLINES.split(text))


def _gap_html(gap: str) -> str:
    """Escaped text between sentences; a line break here is a block boundary and starts a new ``<p>``.

    A blank line starts a paragraph (``p.para``, a full gap); a single newline starts a line
    (``p``, a small gap), so a text that puts one paragraph per line stays readable while a
    text with blank lines between paragraphs keeps its stronger separation.
    """
    out: list[str] = []
    pos = 0
    for m in _GAP_BREAK.finditer(gap):
        out.append(_esc(gap[pos:m.start()]))
        blank = len(_NEWLINES.findall(m.group())) > 1
        out.append('</p>\n<p class="para">' if blank else "</p>\n<p>")
        pos = m.end()
    out.append(_esc(gap[pos:]))
    return "".join(out)


def _weight(r: Reason) -> str:
    """`` (+0.42)``: the reason's log-odds, unless its message already states them."""
    return "" if "log-odds" in r.message else f" (+{r.log_odds:.2f})"


def _hover(s: SentenceResult) -> str:
    lines = [f"padding score {s.score:.2f}"]
    for r in s.reasons[:_HOVER_REASONS]:
        lines.append(f"{r.code}: {r.message}{_weight(r)}")
    if len(s.reasons) > _HOVER_REASONS:
        lines.append(f"... and {len(s.reasons) - _HOVER_REASONS} more")
    return _esc("\n".join(lines))


def _article_html(result: PadResult) -> str:
    """The text as paragraphs, each sentence a shaded ``<span>`` cut from ``result.text`` by its span."""
    text = result.text
    parts = ["<p>"]
    pos = 0
    for s in sorted(result.sentences, key=lambda s: (s.start, s.index)):
        start, end = max(s.start, pos), min(s.end, len(text))
        if end <= start:  # overlapping or empty span: its text is already on the page
            continue
        parts.append(_gap_html(text[pos:start]))
        cls = "s pad" if s.is_padding else "s"
        style = f' style="background:rgba(var(--pad),{_alpha(s.score)})"' if s.score > 0 else ""
        parts.append(f'<span class="{cls}" id="s{s.index}" data-score="{s.score:.3f}"{style} title="{_hover(s)}">'
                     f"{_text_html(text[start:end])}</span>")
        pos = end
    parts.append(_gap_html(text[pos:]))
    parts.append("</p>")
    if not result.sentences:
        parts.append('<p class="muted">The document has no sentences.</p>')
    return "".join(parts)


def _top_html(result: PadResult) -> str:
    top = result.top_sentences(TOP_SENTENCES)
    if not top:
        return '<p class="muted">No sentence carries padding evidence.</p>'
    items = []
    for s in top:
        snippet = s.text if len(s.text) <= _SNIPPET else s.text[:_SNIPPET - 1].rstrip() + "…"
        reasons = "".join(f"<li><code>{_esc(r.code)}</code> {_esc(r.message)} "
                          f'<span class="muted">{_weight(r)}</span></li>' for r in s.reasons[:_LISTED_REASONS])
        if len(s.reasons) > _LISTED_REASONS:
            reasons += f'<li class="muted">… and {len(s.reasons) - _LISTED_REASONS} more</li>'
        badge_style = f"background:rgba(var(--pad),{max(_alpha(s.score), 0.08)})"
        items.append(f'<li><span class="score" style="{badge_style}">{s.score:.2f}</span>'
                     f'<a href="#s{s.index}">{_text_html(snippet)}</a>'
                     f'<ul class="reasons">{reasons}</ul></li>')
    return f'<ol class="top">{"".join(items)}</ol>'


def _bar_row(name: str, value: float, scale: float, cls: str = "") -> str:
    # Bars are clipped to the shared scale (only the logit row can exceed it); the number is exact.
    width = min(50.0, 50.0 * abs(value) / scale) if scale > 0 else 0.0
    side = f"left:50%;width:{width:.2f}%" if value >= 0 else f"left:{50 - width:.2f}%;width:{width:.2f}%"
    tone = "pos" if value >= 0 else "neg"
    row_cls = f' class="{cls}"' if cls else ""
    return (f"<tr{row_cls}><td class=\"name\"><code>{_esc(name)}</code></td>"
            f'<td><div class="track"><div class="bar {tone}" style="{side}"></div></div></td>'
            f'<td class="val">{value:+.2f}</td></tr>')


def _contributions_html(result: PadResult) -> str:
    ranked = sorted(result.contributions.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
    shown, rest = ranked[:TOP_FEATURES], ranked[TOP_FEATURES:]
    other = math.fsum(v for _, v in rest)
    values = [v for _, v in shown] + [result.intercept, other]
    # One scale for every bar, so lengths compare across rows.
    scale = max((abs(v) for v in values), default=0.0) or 1.0
    rows = [_bar_row(name, value, scale) for name, value in shown]
    if rest:
        rows.append(_bar_row(f"{len(rest)} other features", other, scale, "meta"))
    rows.append(_bar_row("intercept", result.intercept, scale, "meta"))
    rows.append(_bar_row("logit (sum)", result.logit, scale, "sum"))
    return ('<p class="muted" style="margin-top:-6px">Log-odds each feature adds to the verdict; red pushes '
            'towards padded, blue towards real writing.</p>'
            f'<table class="bars">{"".join(rows)}</table>')


def _essence_html(result: PadResult) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", result.essence) if p.strip()]
    if not paragraphs:
        return '<p class="muted">Nothing is left once padding is removed.</p>'
    return "".join(f"<p>{_text_html(p.strip())}</p>" for p in paragraphs)


def render_html(result: PadResult, *, title: str = "") -> str:
    """Render a scored document as one self-contained HTML page.

    Parameters
    ----------
    result : PadResult
        What :func:`padcheck.score` returned.
    title : str
        Page title (escaped); empty gives ``"padcheck report"``.

    Returns
    -------
    str
        The whole page: inline CSS, no script, no external resources.

    Examples
    --------
    >>> import padcheck
    >>> page = render_html(padcheck.score("In conclusion, only time will tell."), title="<demo>")
    >>> "&lt;demo&gt;" in page and "<demo>" not in page
    True
    """
    heading = title.strip() or "padcheck report"
    verdict = "PADDED" if result.is_padded else "NOT PADDED"
    badge = "padded" if result.is_padded else "clean"
    fill = 100.0 * min(max(result.probability, 0.0), 1.0)
    thr = 100.0 * min(max(result.threshold, 0.0), 1.0)
    n_pad = sum(s.is_padding for s in result.sentences)
    notes = []
    if result.truncated:
        notes.append('<p class="note">The input was longer than the scoring limit; only its beginning was '
                     "scored and is shown.</p>")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="padcheck">
<title>{_esc(heading)}</title>
<style>{_CSS}</style>
</head>
<body>
<header class="top">
<h1>{_esc(heading)}</h1>
<div class="verdict">
<span class="badge {badge}" id="verdict">{verdict}</span>
<span class="stat">probability <b id="probability">{_prob(result.probability)}</b></span>
<span class="gauge" title="probability {result.probability:.4f}, threshold {result.threshold:.4f}">
<span class="fill" style="width:{fill:.2f}%"></span><span class="thr" style="left:{thr:.2f}%"></span></span>
<span class="stat">threshold <b id="threshold">{result.threshold:.3f}</b></span>
<span class="stat">logit <b>{result.logit:+.2f}</b></span>
<span class="stat">{n_pad} of {len(result.sentences)} sentences padding · format {_esc(result.format)}</span>
</div>
{"".join(notes)}</header>
<main>
<div>
<section class="card" id="article">
<h2>Article</h2>
<div class="legend">score 0 <span class="ramp"></span> 1 · hover a sentence for its reasons; underlined:
score ≥ 0.5</div>
<div class="article">{_article_html(result)}</div>
</section>
<section class="card" id="essence">
<h2>Essence</h2>
<div class="essence">{_essence_html(result)}</div>
</section>
</div>
<aside>
<section class="card" id="contributions">
<h2>Feature contributions</h2>
{_contributions_html(result)}
</section>
<section class="card" id="top-sentences">
<h2>Top sentences</h2>
{_top_html(result)}
</section>
</aside>
</main>
</body>
</html>
"""


def write_report(
    text_or_result: str | bytes | PadResult,
    path: str | os.PathLike,
    *,
    format: Format = "auto",
    model: PadModel | str | os.PathLike | None = None,
    title: str = "",
) -> Path:
    """Score a text (or take a result) and write its HTML report atomically.

    The page is written to a temporary file in the destination folder and moved over ``path``
    with :func:`os.replace`, so a reader never sees a half-written report and an interrupted
    run leaves any earlier report intact.

    Parameters
    ----------
    text_or_result : str, bytes or PadResult
        The document to score, or an existing result (then ``format`` and ``model`` are unused).
    path : str or path-like
        Where to write the page; its folder must exist.
    format : {"auto", "text", "markdown", "html"}
        Input format for :func:`padcheck.score`.
    model : PadModel, path or None
        The model for :func:`padcheck.score`; ``None`` uses the shipped model.
    title : str
        Page title.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    if isinstance(text_or_result, PadResult):
        result = text_or_result
    else:
        result = score(text_or_result, format=format, model=model)
    page = render_html(result, title=title)
    return atomic_write_text(path, page)


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, float) for v in value):
        return f"[{value[0]:.3f}, {value[1]:.3f}]"
    return _esc(str(value))


def evaluation_html(report: dict, *, title: str = "padcheck evaluation") -> str:
    """A self-contained HTML page of an evaluation report (:func:`padcheck.evaluation.metrics_report`).

    Shows the headline metrics with their confidence intervals, the reliability curve at an even
    prior (human and padded rows weighted half each, the prior padcheck calibrates for) as an
    inline SVG, and the per-domain, per-generator and per-length tables.
    """
    keys = ["n", "n_human", "n_padded", "threshold", "auroc", "auroc_ci", "average_precision", "tpr_at_5pct_fpr",
            "tpr_at_1pct_fpr", "precision", "recall", "f1", "fpr", "fpr_ci", "tpr", "tpr_ci", "ece", "ece_even_prior"]
    rows = "".join(f"<tr><th>{_esc(k)}</th><td>{_fmt(report.get(k))}</td></tr>" for k in keys if k in report)
    size, pad = 260, 30
    points = [(pad + c["mean_probability"] * (size - 2 * pad), size - pad - c["fraction_padded"] * (size - 2 * pad),
               c["n"]) for c in report.get("reliability_even_prior", report.get("reliability", []))]
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{2 + min(6, math.log1p(n)):.1f}" fill="#c0392b"/>'
                   for x, y, n in points)
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
    svg = (f'<svg width="{size}" height="{size}" role="img" aria-label="reliability curve">'
           f'<rect x="{pad}" y="{pad}" width="{size - 2 * pad}" height="{size - 2 * pad}" fill="none" stroke="#999"/>'
           f'<line x1="{pad}" y1="{size - pad}" x2="{size - pad}" y2="{pad}" stroke="#bbb" stroke-dasharray="4"/>'
           f'<polyline points="{line}" fill="none" stroke="#c0392b"/>{dots}'
           f'<text x="{size / 2}" y="{size - 6}" text-anchor="middle" font-size="11">mean predicted probability</text>'
           f'<text x="10" y="{size / 2}" transform="rotate(-90 10 {size / 2})" text-anchor="middle" font-size="11">'
           f'fraction padded</text></svg>')
    calibration = (f"Calibration at an even prior (ECE {_fmt(report['ece_even_prior'])}; as sampled "
                   f"{_fmt(report.get('ece'))})" if "ece_even_prior" in report else f"Calibration (ECE {_fmt(report.get('ece'))})")
    slices = []
    for kind, table in report.get("slices", {}).items():
        body = "".join(
            f"<tr><td>{_esc(name)}</td><td>{cell.get('n', 0)}</td><td>{_fmt(cell.get('fpr'))}</td>"
            f"<td>{_fmt(cell.get('fpr_ci'))}</td><td>{_fmt(cell.get('tpr'))}</td><td>{_fmt(cell.get('tpr_ci'))}</td></tr>"
            for name, cell in table.items())
        slices.append(f"<h2>By {_esc(kind)}</h2><table><tr><th>{_esc(kind)}</th><th>n</th><th>FPR</th><th>95% CI</th>"
                      f"<th>TPR</th><th>95% CI</th></tr>{body}</table>")
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{_esc(title)}</title><style>body{{font-family:sans-serif;margin:2em;color:#222}}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}"
        f"</style></head><body><h1>{_esc(title)}</h1><table>{rows}</table>"
        f"<h2>{calibration}</h2>{svg}{''.join(slices)}</body></html>"
    )
