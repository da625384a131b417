"""Visible-text extraction from HTML with the standard library's tolerant HTML parser.

``html.parser`` is an event (SAX-style) parser: it never builds a tree, so deeply nested or
broken markup costs linear time and no recursion. Noise elements (script, style, nav, footer,
…) are dropped with everything inside them; block elements become blocks of the extracted text,
joined by blank lines, and every block's span indexes that extracted text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from padcheck.document import BlockKind

__all__ = ["extract_html"]

_NOISE = frozenset(
    "script style nav footer header aside noscript template svg form button select iframe object head title".split()
)
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_BLOCKS = frozenset(
    "p li blockquote pre div section article main td th dd dt figcaption caption address tr br hr ul ol table".split()
) | frozenset(_HEADINGS)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_SPACE = re.compile(r"\s+")


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.noise_depth = 0
        self.noise_stack: list[str] = []
        self.blocks: list[tuple[BlockKind, int | None, str]] = []
        self.buffer: list[str] = []
        self.kind_stack: list[tuple[str, BlockKind, int | None]] = []
        self.tweet_depth = 0

    # -- helpers
    def _current(self) -> tuple[BlockKind, int | None]:
        if self.tweet_depth:
            return BlockKind.SOCIAL_POST, None
        for tag, kind, level in reversed(self.kind_stack):
            if kind is not BlockKind.PARAGRAPH:
                return kind, level
        return BlockKind.PARAGRAPH, None

    def _flush(self, kind: BlockKind | None = None, level: int | None = None) -> None:
        raw = "".join(self.buffer)
        self.buffer.clear()
        if kind is None:
            kind, level = self._current()
        if kind is BlockKind.CODE:
            body = raw.strip("\n")
            if body.strip():
                self.blocks.append((kind, None, body.rstrip()))
            return
        body = _SPACE.sub(" ", raw).strip()
        if body:
            self.blocks.append((kind, level, body))

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs) -> None:
        if self.noise_depth:
            if tag in _NOISE and tag not in _VOID:
                self.noise_depth += 1
            return
        if tag in _NOISE:
            self.noise_depth = 1
            return
        if tag in _BLOCKS:
            if not self.tweet_depth:  # an embedded post stays one block
                self._flush()
            if tag in _VOID:
                return
            cls = dict(attrs).get("class") or ""
            if tag == "blockquote" and ("twitter-tweet" in cls or "instagram-media" in cls):
                self.tweet_depth += 1
                self.kind_stack.append((tag, BlockKind.SOCIAL_POST, None))
            elif tag in _HEADINGS:
                self.kind_stack.append((tag, BlockKind.HEADING, _HEADINGS[tag]))
            elif tag == "li":
                self.kind_stack.append((tag, BlockKind.LIST_ITEM, None))
            elif tag == "blockquote":
                self.kind_stack.append((tag, BlockKind.QUOTE, None))
            elif tag == "pre":
                self.kind_stack.append((tag, BlockKind.CODE, None))
            else:
                self.kind_stack.append((tag, BlockKind.PARAGRAPH, None))

    def handle_endtag(self, tag: str) -> None:
        if self.noise_depth:
            if tag in _NOISE:
                self.noise_depth -= 1
            return
        if tag not in _BLOCKS or tag in _VOID:
            return
        # Close the innermost open element of this tag (tolerating unclosed children).
        for pos in range(len(self.kind_stack) - 1, -1, -1):
            if self.kind_stack[pos][0] == tag:
                kind, level = self._current()
                if self.tweet_depth and tag == "blockquote" and self.kind_stack[pos][1] is BlockKind.SOCIAL_POST:
                    # The whole embed is one block: keep collecting until its blockquote closes.
                    self._flush(BlockKind.SOCIAL_POST, None)
                    self.tweet_depth -= 1
                elif not self.tweet_depth:
                    self._flush(kind, level)
                del self.kind_stack[pos:]
                return

    def handle_data(self, data: str) -> None:
        if not self.noise_depth:
            self.buffer.append(data)
            if self.tweet_depth and data and not data.endswith(" "):
                self.buffer.append(" ")


def extract_html(source: str) -> tuple[str, list[tuple[BlockKind, int, int, int | None]]]:
    """Extract visible text and its blocks from HTML.

    Returns
    -------
    text : str
        Block texts joined by blank lines.
    blocks : list of (kind, start, end, level)
        One entry per block, with its span in ``text``.
    """
    parser = _Extractor()
    parser.feed(source)
    parser.close()
    parser._flush()
    pieces: list[str] = []
    spans: list[tuple[BlockKind, int, int, int | None]] = []
    pos = 0
    for kind, level, body in parser.blocks:
        if pieces:
            pieces.append("\n\n")
            pos += 2
        pieces.append(body)
        spans.append((kind, pos, pos + len(body), level))
        pos += len(body)
    return "".join(pieces), spans
