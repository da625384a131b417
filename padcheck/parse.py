"""Turn plain text, Markdown or HTML into a :class:`~padcheck.document.Document`.

Parsing is line-based and linear in the input: every line is classified once (blank, ATX
heading, setext underline, list item, quote, code fence, social-post attribution, prose), then
adjacent lines are grouped into blocks and prose blocks are split into sentences. Spans are
computed from the untouched input, so they stay exact under CRLF, NUL, surrogates or any other
odd character.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Literal

from padcheck._html import extract_html
from padcheck.document import Block, BlockKind, Document, Line, Sentence
from padcheck.sentences import split_sentences

__all__ = ["parse", "coerce_text"]

Format = Literal["auto", "text", "markdown", "html"]
_FORMATS = ("auto", "text", "markdown", "html")

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")
# A match may only start where its run starts (the lookbehind), so a long run that fails is
# tried once, not once per character: linear, and the same leftmost matches.
_ATX_CLOSE = re.compile(r"(?<![ \t])[ \t]+#+[ \t]*$|^#+[ \t]*$")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_BULLET = re.compile(r"[ \t]*(?:[-*+•·▪◦‣–]|\d{1,3}[.)])[ \t]+(?=\S)")
_QUOTE = re.compile(r" {0,3}>[ \t]?")
# ``` and ~~~ fences, and the curly-quote variant “` that chat interfaces leave behind.
_FENCE = re.compile(r"[ \t]*(?:`{3,}|~{3,}|[“”]`+)[\w+#.-]*[ \t]*$")
_SOCIAL_LINK = re.compile(r"pic\.twitter\.com/\w+|https?://(?:t\.co|x\.com|twitter\.com)/\S+")
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_ATTRIBUTION = re.compile(
    r"[ \t]*(?:&mdash;|[—–-]{1,2})[ \t]*[^\n]{0,80}?\(@\w{1,30}\)[ \t]*" + _MONTH + r"[ \t]+\d{1,2},[ \t]+\d{4}"
)
# Markdown markup, each with a substring it cannot match without (a cheap test before the search).
_MARKDOWN_HINTS = tuple((marker, re.compile(pattern, re.M)) for marker, pattern in (
    ("#", r"^ {0,3}#{1,6} \S"),
    ("```", r"^ {0,3}```"),
    ("~~~", r"^ {0,3}~~~"),
    ("> ", r"^ {0,3}> \S"),
    ("**", r"\*\*\S[^*\n]*\*\*"),
    ("](", r"\[[^\]\n]+\]\([^)\s]+\)"),
    ("", r"^[=-]{3,}\s*$"),
))
_HTML_HINT = re.compile(
    r"<(?:!doctype\s+html|html|head|body|p|div|h[1-6]|br|article|section|span|a\s|ul|ol|li|table|script|style)\b[^>]*>",
    re.I,
)
_TITLE_SMALL_WORDS = frozenset(
    "a an and as at but by for from in into nor of on or over per the to up via vs with".split()
)
_TITLE_WORD = re.compile(r"[^\W\d_][\w'’.&-]*|\d[\w.,%-]*")
#: Page furniture that is short and capitalised but no heading: a byline ("By Jane Smith"), a
#: dateline or timestamp ("March 3, 2024", "Updated 10:42 GMT", "2024-03-03").
_BYLINE_OR_DATE = re.compile(
    r"(?:(?:Posted|Written|Words|Reporting|Photos?|Story)[ \t]+)?(?:[Bb]y|BY)[ \t]+(?!(?:the|The|THE|a|A|an|An|AN)\b)[A-Z]"
    r"|(?:Updated|Published|Posted|Last updated|Posted on)\b"
    r"|(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?[ \t]+)?"
    r"(?:" + _MONTH + r"\.?[ \t]+\d{1,2}(?:st|nd|rd|th)?,?[ \t]+\d{4}|\d{1,2}[ \t]+" + _MONTH + r"\.?,?[ \t]+\d{4})"
    r"|\d{4}-\d{2}-\d{2}\b|\d{1,2}/\d{1,2}/\d{2,4}\b"
)
_MAX_TITLE_WORDS = 14
#: "Label: value" with a short label: a field line when the label is in ``field_labels.txt``.
_FIELD_LINE = re.compile(r"([^\W\d_][^\W\d_ '’&/-]*(?:[ '’&/-][^\W\d_]+){0,2})[ \t]*:[ \t]*\S")


@lru_cache(maxsize=1)
def _field_labels() -> frozenset[str]:
    """Labels of memo, mail and listing fields (``padcheck/lexicons/field_labels.txt``), lower case."""
    text = resources.files("padcheck.lexicons").joinpath("field_labels.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def coerce_text(text: object, errors: str = "strict") -> str:
    """Return ``text`` as ``str``, decoding ``bytes`` as UTF-8.

    Parameters
    ----------
    text : str, bytes or bytearray
        The input.
    errors : {"strict", "replace", "ignore", "surrogateescape"}
        What to do with bytes that are not valid UTF-8 (as in :meth:`bytes.decode`).

    Raises
    ------
    TypeError
        If ``text`` is not ``str``, ``bytes`` or ``bytearray``.
    ValueError
        If ``errors="strict"`` and the bytes are not valid UTF-8.
    """
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray, memoryview)):
        raw = bytes(text)
        try:
            decoded = raw.decode("utf-8", errors=errors)
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"input bytes are not valid UTF-8 (byte {exc.start}: {raw[exc.start:exc.start + 1]!r}); "
                "decode them yourself or pass errors='replace'"
            ) from None
        return decoded[1:] if decoded.startswith("\ufeff") else decoded
    raise TypeError(f"padcheck expects text as str or UTF-8 bytes, got {type(text).__name__}")


def detect_format(text: str) -> str:
    """Guess whether ``text`` is ``"html"``, ``"markdown"`` or plain ``"text"``."""
    head = text[:20000]
    if "<" in head and (len(_HTML_HINT.findall(head, 0, 20000)) >= 2
                        or head.lstrip().lower().startswith(("<!doctype html", "<html"))):
        return "html"
    if any(marker in head and pattern.search(head) for marker, pattern in _MARKDOWN_HINTS):
        return "markdown"
    return "text"


def parse(text: str | bytes, format: Format = "auto", *, errors: str = "strict") -> Document:
    """Parse text into a :class:`~padcheck.document.Document`.

    Parameters
    ----------
    text : str or bytes
        The document. Bytes are decoded as UTF-8 (see ``errors``).
    format : {"auto", "text", "markdown", "html"}
        Input format; ``"auto"`` detects HTML and Markdown and otherwise reads plain text.
    errors : str
        Decoding policy for bytes, as in :meth:`bytes.decode` (default ``"strict"``: invalid
        UTF-8 raises ``ValueError``).

    Returns
    -------
    Document
        Paragraphs, headings, lines, list items, quotes, code, social posts and sentences,
        each with an exact span into ``Document.text``. Empty or whitespace-only input gives
        an empty document.

    Raises
    ------
    TypeError
        If ``text`` is not text.
    ValueError
        If ``format`` is unknown or bytes cannot be decoded.

    Examples
    --------
    >>> doc = parse("Conclusion\\nThe vote passed 5-2. Dr. Lee abstained.")
    >>> [h.text for h in doc.headings], [s.text for s in doc.sentences][1:]
    (['Conclusion'], ['The vote passed 5-2.', 'Dr. Lee abstained.'])
    """
    source = coerce_text(text, errors)
    if format not in _FORMATS:
        raise ValueError(f"format must be one of {', '.join(_FORMATS)}; got {format!r}")
    fmt = detect_format(source) if format == "auto" else format
    if fmt == "html":
        extracted, html_blocks = extract_html(source)
        blocks = [
            Block(i, kind, a, b, extracted[a:b], level) for i, (kind, a, b, level) in enumerate(html_blocks)
        ]
        return _finish(extracted, source, fmt, blocks)
    return _finish(source, source, fmt, _text_blocks(source, markdown=fmt == "markdown"))


# ---------------------------------------------------------------------------------------------
# Plain text and Markdown


def _iter_lines(text: str):
    """Yield (start, end) of each line's content, without its line break."""
    pos, n = 0, len(text)
    while pos < n:
        nl = text.find("\n", pos)
        cr = text.find("\r", pos, nl if nl != -1 else n)
        if cr != -1:
            stop, nxt = cr, cr + (2 if text.startswith("\r\n", cr) else 1)
        elif nl != -1:
            stop, nxt = nl, nl + 1
        else:
            stop, nxt = n, n
        yield pos, stop
        pos = nxt


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _ends_sentence(s: str) -> bool:
    return s.rstrip()[-1:] in ".!?…:;\"'”’)]"


def _looks_like_title(line: str) -> bool:
    """A short standalone line that reads like a heading ("Overview of the Situation")."""
    stripped = line.strip()
    if not stripped or len(stripped) > 120 or stripped[-1] in ".,;:" or not stripped[0].isupper() and not stripped[0].isdigit():
        return False
    words = _TITLE_WORD.findall(stripped)
    if not words or len(words) > _MAX_TITLE_WORDS:
        return False
    if "(@" in stripped or "http" in stripped or _BYLINE_OR_DATE.match(stripped):
        return False
    field = _FIELD_LINE.match(stripped)
    if field and field.group(1).lower() in _field_labels():
        return False  # a field of a memo, letter or listing ("Date: April 26, 2023")
    content = [w for w in words if w.lower() not in _TITLE_SMALL_WORDS]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper() or w[0].isdigit())
    if capitalised == len(content):
        return True
    # Sentence-case headings: short, no final mark, question headings allowed.
    return len(words) <= 8 and (stripped.endswith("?") or capitalised / len(content) >= 0.5)


def _text_blocks(text: str, markdown: bool) -> list[Block]:
    """Group lines into blocks; ``markdown`` enables ``#``/setext/``>`` markup."""
    raw: list[tuple[str, int, int, int | None, bool]] = []  # kind, start, end, level, inferred
    lines = list(_iter_lines(text))
    fences = [i for i, (a, b) in enumerate(lines) if _FENCE.fullmatch(text, a, b)]
    paired: dict[int, int] = {}
    for opening, closing in zip(fences[0::2], fences[1::2], strict=False):  # odd tail: stray
        paired[opening] = closing
    i = 0
    para: list[int] = []  # line indices of the open paragraph

    def flush_para() -> None:
        if not para:
            return
        a = _strip_span(text, *lines[para[0]])[0]
        b = _strip_span(text, *lines[para[-1]])[1]
        raw.append((BlockKind.PARAGRAPH, a, b, None, False))
        para.clear()

    while i < len(lines):
        a, b = lines[i]
        sa, sb = _strip_span(text, a, b)
        if sa == sb:
            flush_para()
            i += 1
            continue
        if i in paired:
            flush_para()
            close = paired[i]
            if close > i + 1:
                ca, cb = lines[i + 1][0], lines[close - 1][1]
                ca, cb = _strip_span(text, ca, cb)
                if ca < cb:
                    raw.append((BlockKind.CODE, ca, cb, None, False))
            i = close + 1
            continue
        if _FENCE.fullmatch(text, a, b):
            flush_para()
            raw.append((BlockKind.CODE_FENCE, sa, sb, None, False))
            i += 1
            continue
        if markdown:
            m = _ATX.match(text, a, b)
            if m:
                flush_para()
                ha, hb = _strip_span(text, m.end(), b)
                close = _ATX_CLOSE.search(text[ha:hb])
                if close:
                    hb = ha + close.start()
                    ha, hb = _strip_span(text, ha, hb)
                if ha < hb:
                    raw.append((BlockKind.HEADING, ha, hb, len(m.group(1)), False))
                i += 1
                continue
            if para and len(para) == 1 and _SETEXT.fullmatch(text, a, b) and not _BULLET.match(text, a, b):
                pa, pb = _strip_span(text, *lines[para[0]])
                para.clear()
                raw.append((BlockKind.HEADING, pa, pb, 1 if text[sa] == "=" else 2, False))
                i += 1
                continue
            m = _QUOTE.match(text, a, b)
            if m:
                flush_para()
                j = i
                while j + 1 < len(lines) and _QUOTE.match(text, *lines[j + 1]):
                    j += 1
                qa, qb = _strip_span(text, m.end(), lines[j][1])
                if qa < qb:
                    raw.append((BlockKind.QUOTE, qa, qb, None, False))
                i = j + 1
                continue
        if _ATTRIBUTION.match(text, a, b):
            flush_para()
            _absorb_social_post(text, lines, i, raw)
            i += 1
            continue
        m = _BULLET.match(text, a, b)
        if m and not (markdown is False and text[sa] == "-" and _SETEXT.fullmatch(text, a, b)):
            flush_para()
            raw.append((BlockKind.LIST_ITEM, *_strip_span(text, m.end(), b), None, False))
            i += 1
            continue
        # Prose: a hard-wrapped continuation (no final mark above, lower-case start here)
        # joins the open paragraph; otherwise each line is its own paragraph, because web
        # text often separates paragraphs with a single newline.
        if para:
            pa, pb = _strip_span(text, *lines[para[-1]])
            if not _ends_sentence(text[pa:pb]) and text[sa].islower():
                para.append(i)
                i += 1
                continue
            flush_para()
        para.append(i)
        i += 1
    flush_para()
    return _mark_titles(text, raw)


def _absorb_social_post(text: str, lines, i: int, raw: list) -> None:
    """Turn the attribution line at ``lines[i]`` and the post lines above it into one block."""
    start, end = _strip_span(text, *lines[i])
    # The post body: up to three blocks just above that carry the post's link or open with a
    # quote mark ("“But so far … pic.twitter.com/…").
    for _ in range(3):
        if not raw or raw[-1][0] not in (BlockKind.PARAGRAPH, BlockKind.QUOTE):
            break
        body = text[raw[-1][1]:raw[-1][2]]
        if not (_SOCIAL_LINK.search(body) or body[:1] in "“\"‘'"):
            break
        start = raw.pop()[1]
    raw.append((BlockKind.SOCIAL_POST, start, end, None, False))


def _mark_titles(text: str, raw: list) -> list[Block]:
    """Promote standalone title-like one-line paragraphs (followed by more text) to headings."""
    blocks: list[Block] = []
    for idx, (kind, a, b, level, inferred) in enumerate(raw):
        body = text[a:b]
        if (
            kind is BlockKind.PARAGRAPH
            and idx + 1 < len(raw)
            and "\n" not in body
            and "\r" not in body
            and _looks_like_title(body)
        ):
            kind, level, inferred = BlockKind.HEADING, (1 if not blocks else 2), True
        blocks.append(Block(len(blocks), kind, a, b, body, level, inferred))
    return blocks


# ---------------------------------------------------------------------------------------------
# Shared tail: lines and sentences


def _finish(text: str, source: str, fmt: str, blocks: list[Block]) -> Document:
    doc_lines = []
    for a, b in _iter_lines(text):
        sa, sb = _strip_span(text, a, b)
        if sa < sb:
            doc_lines.append(Line(len(doc_lines), sa, sb, text[sa:sb]))
    sentences: list[Sentence] = []
    for block in blocks:
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE, BlockKind.SOCIAL_POST):
            spans = split_sentences(text, block.start, block.end)
        else:
            spans = [(block.start, block.end)]
        for a, b in spans:
            sentences.append(Sentence(len(sentences), block.index, a, b, text[a:b]))
    return Document(text=text, source=source, format=fmt, blocks=tuple(blocks), lines=tuple(doc_lines),
                    sentences=tuple(sentences))
