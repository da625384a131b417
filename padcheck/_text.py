"""Small text helpers shared by the extractors and the lexical signal."""

from __future__ import annotations

__all__ = ["lower_in_place"]


_last: tuple[str, str | None] = ("", "")  # the last text asked about and its answer


def lower_in_place(text: str) -> str | None:
    """``text.lower()`` with ``’`` as ``'``, when that keeps every character at its offset; else ``None``.

    Lower-casing the whole text once and slicing it equals lower-casing each word when every
    character maps to exactly one character (then the lengths agree, since no character maps to
    none) and no mapping depends on context; in CPython the only contextual rule is the Greek
    final sigma of U+03A3. Callers fall back to one call per word when this returns ``None``.
    The answer for the last text is kept (one entry, held with the text itself), since several
    steps ask about the same document.
    """
    global _last
    last = _last  # one read: another thread may replace the entry meanwhile
    if last[0] is text:  # the extractors and the lexical signal all ask about one document's text
        return last[1]
    low = text.lower()
    answer = None if len(low) != len(text) or "\u03a3" in text else low.replace("’", "'")
    _last = (text, answer)
    return answer
