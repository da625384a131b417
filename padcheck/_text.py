"""Small text helpers shared by the extractors and the lexical signal."""

from __future__ import annotations

__all__ = ["lower_in_place"]


def lower_in_place(text: str) -> str | None:
    """``text.lower()`` with ``’`` as ``'``, when that keeps every character at its offset; else ``None``.

    Lower-casing the whole text once and slicing it equals lower-casing each word when every
    character maps to exactly one character (then the lengths agree, since no character maps to
    none) and no mapping depends on context; in CPython the only contextual rule is the Greek
    final sigma of U+03A3. Callers fall back to one call per word when this returns ``None``.
    """
    low = text.lower()
    if len(low) != len(text) or "\u03a3" in text:
        return None
    return low.replace("’", "'")
