"""Rule-based English sentence splitter with exact character offsets.

Faster than a tokenizer-based splitter because it only looks at the few places where a
sentence can end (``.``, ``!``, ``?``, ``…`` followed by whitespace) and decides each from the
word before and the word after. Handled: abbreviations (``U.S.``, ``Dr.``, ``e.g.``), initials,
decimals and URLs (no whitespace after the dot), ellipses, closing quotes and brackets after the
final mark, and numbered-list markers.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from padcheck._compiled import speedups as _speedups

__all__ = ["split_sentences"]

# A sentence-final mark run, optional closers, then the whitespace that follows.
# CJK full-width marks end a sentence without any following space.
# A mark run is only tried from its first mark (the lookbehind): a long run of dots without a
# space after it is then scanned once, not once per dot.
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]+[\"'”’»)\]]*\s+|[。！？]+[」』”）]*")
_WORD_BEFORE = re.compile(r"\S+$")
_LETTER_DOTS = re.compile(r"(?:[a-z]\.){2,}")  # "u.s.", "a.m."
_FIRST_WORD = re.compile(r"[\"'“‘«(\[]*([^\s\"'“‘«(\[]*)")


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(abbreviations never ending a sentence, ones that may, common sentence starters)."""
    never, maybe, starters = set(), set(), set()
    text = resources.files("padcheck.lexicons").joinpath("abbreviations.txt").read_text("utf-8")
    target = never
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            target = {"[never]": never, "[maybe]": maybe, "[starters]": starters}[line]
            continue
        if line and not line.startswith("#"):
            target.add(line.lower())
    return frozenset(never), frozenset(maybe), frozenset(starters)


def _is_boundary(text: str, region_start: int, mark_start: int, next_start: int) -> bool:
    """Whether the mark run beginning at ``mark_start`` ends a sentence."""
    if next_start >= len(text):
        return True
    if text[next_start].islower():
        return False  # "e.g. this", "... and then", "Inc. said"
    if text[mark_start] != ".":
        return True  # "!", "?" and "…" followed by a capital or digit
    if text.startswith("...", mark_start) and not text.startswith("....", mark_start):
        return True  # ellipsis followed by a capital: a new sentence
    # Look at most 64 characters either side, so one decision costs O(1) however long the text.
    before = _WORD_BEFORE.search(text, max(0, mark_start - 64), mark_start + 1)
    if before is None:
        return True
    word = before.group(0).lstrip("\"'“‘«([").lower()
    never, maybe, starters = _lexicon()
    if word in never:
        return False
    if len(word) == 2 and word[0].isalpha() and before.group(0)[-2].isupper():
        return False  # an initial: "J. Smith"
    if word in maybe or _LETTER_DOTS.fullmatch(word):
        # "U.S.", "Inc.", "a.m." end a sentence only when a typical sentence opener follows.
        first = _FIRST_WORD.match(text, next_start, next_start + 64).group(1)
        return first.lower() in starters
    if word[:-1].isdigit() and len(word) <= 4 and before.start() <= region_start:
        return False  # a list marker "1." at the very start
    return True


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences.

    Parameters
    ----------
    text : str
        The full text (offsets are into it).
    start, end : int
        The region to split; defaults to the whole text.

    Returns
    -------
    list of (int, int)
        Sentence spans, in order, trimmed of surrounding whitespace; empty regions give none.

    Examples
    --------
    >>> s = "Dr. Smith paid $3.50 in the U.S. on Monday. Then he left."
    >>> [s[a:b] for a, b in split_sentences(s)]
    ['Dr. Smith paid $3.50 in the U.S. on Monday.', 'Then he left.']
    """
    if end is None:
        end = len(text)
    spans: list[tuple[int, int]] = []
    cursor = start
    if _speedups is not None:
        marks = _speedups.boundary_marks(text, start, end)
    else:
        marks = [m.span() for m in _BOUNDARY.finditer(text, start, end)]
    for mark_start, mark_end in marks:
        if _is_boundary(text, start, mark_start, mark_end):
            _append_trimmed(text, cursor, mark_end, spans)
            cursor = mark_end
    _append_trimmed(text, cursor, end, spans)
    return spans


def _append_trimmed(text: str, a: int, b: int, out: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b:
        out.append((a, b))
