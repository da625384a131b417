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
_TAG_KINDS = {"li": BlockKind.LIST_ITEM, "blockquote": BlockKind.QUOTE, "pre": BlockKind.CODE}
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_SPACE = re.compile(r"\s+")


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.noise_depth = 0
        self.noise_stack: list[str] = []
        self.blocks: list[tuple[BlockKind, int | None, str]] = []
        self.buffer: list[str] = []
        # Open block elements as (tag, kind, level, effective kind, effective level), where the
        # effective kind is the nearest non-paragraph kind at or above (a <p> in an <li> is a
        # list item). ``open_at`` maps a tag to its stack positions, so closing a tag costs
        # amortised O(1) even on hostile, deeply nested or mis-nested markup.
        self.kind_stack: list[tuple[str, BlockKind, int | None, BlockKind, int | None]] = []
        self.open_at: dict[str, list[int]] = {}
        self.tweet_depth = 0

    # -- helpers
    def _current(self) -> tuple[BlockKind, int | None]:
        if self.tweet_depth:
            return BlockKind.SOCIAL_POST, None
        if self.kind_stack:
            return self.kind_stack[-1][3], self.kind_stack[-1][4]
        return BlockKind.PARAGRAPH, None

    def _push(self, tag: str, kind: BlockKind, level: int | None) -> None:
        eff_kind, eff_level = (kind, level)
        if kind is BlockKind.PARAGRAPH and self.kind_stack:
            eff_kind, eff_level = self.kind_stack[-1][3], self.kind_stack[-1][4]
        self.open_at.setdefault(tag, []).append(len(self.kind_stack))
        self.kind_stack.append((tag, kind, level, eff_kind, eff_level))

    def _truncate(self, pos: int) -> None:
        while len(self.kind_stack) > pos:
            tag = self.kind_stack.pop()[0]
            self.open_at[tag].pop()

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
                self._push(tag, BlockKind.SOCIAL_POST, None)
            elif tag in _HEADINGS:
                self._push(tag, BlockKind.HEADING, _HEADINGS[tag])
            else:
                self._push(tag, _TAG_KINDS.get(tag, BlockKind.PARAGRAPH), None)

    def handle_endtag(self, tag: str) -> None:
        if self.noise_depth:
            if tag in _NOISE:
                self.noise_depth -= 1
            return
        if tag not in _BLOCKS or tag in _VOID:
            return
        # Close the innermost open element of this tag (tolerating unclosed children).
        positions = self.open_at.get(tag)
        if not positions:
            return
        pos = positions[-1]
        if self.tweet_depth:
            if self.kind_stack[pos][1] is BlockKind.SOCIAL_POST:
                # The whole embed is one block: collected until its blockquote closes.
                self._flush(BlockKind.SOCIAL_POST, None)
                self.tweet_depth -= 1
        else:
            self._flush(*self._current())
        self._truncate(pos)

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
