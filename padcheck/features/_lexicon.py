"""Lexicon files and a many-phrases-at-once matcher.

A lexicon is a UTF-8 TSV file in ``padcheck/lexicons/``: ``#`` lines are the header (provenance
and licence), every other non-blank line is ``phrase<TAB>weight[<TAB>tag]``. Phrases are matched
case-insensitively on word boundaries with an Aho-Corasick automaton, so the cost is linear in
the text whatever the number of phrases; the lexicons matched against whole documents share one
automaton and one pass per document (:func:`document_matches`).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cache
from importlib import resources

import ahocorasick

from padcheck._text import lower_in_place
from padcheck.document import Document

__all__ = [
    "LexiconEntry", "PhraseMatch", "PhraseMatcher", "document_lexicon", "document_matches", "fold_text",
    "load_lexicon", "matcher",
]


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    phrase: str
    weight: float
    tag: str = ""


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    start: int
    end: int
    entry: LexiconEntry


def load_lexicon(filename: str) -> tuple[LexiconEntry, ...]:
    """Read ``padcheck/lexicons/<filename>`` (TSV: phrase, weight, optional tag)."""
    text = resources.files("padcheck.lexicons").joinpath(filename).read_text("utf-8")
    entries = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cols = raw.split("\t")
        try:
            phrase, weight = cols[0].strip(), float(cols[1]) if len(cols) > 1 and cols[1].strip() else 1.0
        except ValueError:
            raise ValueError(f"{filename}:{lineno}: weight must be a number, got {cols[1]!r}") from None
        if phrase:
            entries.append(LexiconEntry(phrase, weight, cols[2].strip() if len(cols) > 2 else ""))
    return tuple(entries)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class PhraseMatcher:
    """Find every lexicon phrase in a text in one pass.

    Matching is case-insensitive, treats curly apostrophes as straight ones, and requires word
    boundaries at both ends of a phrase (a phrase that itself starts or ends with punctuation
    only needs the boundary on its word side). Overlapping matches are resolved leftmost-longest.
    """

    def __init__(self, entries: tuple[LexiconEntry, ...]) -> None:
        self.entries = entries
        # Folded phrase -> (its length, the entry of highest weight spelled so).
        self._keys: dict[str, tuple[int, LexiconEntry]] = {}
        for entry in entries:
            key = _fold(entry.phrase)
            existing = self._keys.get(key)
            if existing is None or entry.weight > existing[1].weight:
                self._keys[key] = (len(key), entry)
        self._automaton = _automaton(self._keys)

    def find(self, text: str, start: int = 0, end: int | None = None, *, folded: str | None = None) -> list[PhraseMatch]:
        """Non-overlapping matches in ``text[start:end]``, in order; spans index ``text``.

        ``folded`` is :func:`fold_text` of the whole ``text``, for callers that search many spans
        of one text: it is folded once instead of once per span.
        """
        if self._automaton is None:
            return []
        end = len(text) if end is None else end
        if folded is None and start == 0 and end == len(text):
            folded = fold_text(text)
        if folded is not None and len(folded) == len(text):
            offset, lo, hi = 0, start, end
        else:
            offset, lo, hi = start, 0, end - start
            folded = _fold(text[start:end])
            if len(folded) != end - start:  # lower-casing changed a length ("İ"): fold char by char
                folded = "".join(c if len(c.lower()) != 1 else _fold(c) for c in text[start:end])
        return _within(self._candidates(folded, lo, hi), folded, lo, hi, offset)

    def find_in_spans(self, text: str, spans: list[tuple[int, int]], *, folded: str | None = None,
                      ) -> list[list[PhraseMatch]]:
        """``[self.find(text, a, b, folded=folded) for a, b in spans]`` for spans in text order
        that do not overlap, with one pass of the automaton over the whole text."""
        if folded is None or len(folded) != len(text) or self._automaton is None or not spans:
            return [self.find(text, a, b, folded=folded) for a, b in spans]
        return _in_spans(self._candidates(folded, spans[0][0], spans[-1][1]), folded, spans)

    def _candidates(self, folded: str, lo: int, hi: int) -> list[tuple[int, int, LexiconEntry]]:
        """``(start, end, entry)`` of every phrase occurrence inside ``folded[lo:hi]``, boundaries unchecked."""
        return [(last - size + 1, last + 1, entry) for last, (size, entry) in self._automaton.iter(folded, lo, hi)]


def _automaton(keys: dict[str, object]) -> ahocorasick.Automaton | None:
    """An Aho-Corasick automaton mapping each key to its value; ``None`` when there is no key."""
    if not keys:
        return None
    automaton = ahocorasick.Automaton()
    for key, value in keys.items():
        automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


def _within(candidates, folded: str, lo: int, hi: int, offset: int = 0) -> list[PhraseMatch]:
    """The matches of ``find`` in ``folded[lo:hi]`` among phrase occurrences found there."""
    found = [PhraseMatch(offset + a, offset + b, entry) for a, b, entry in candidates if _bounded(folded, a, b, lo, hi)]
    return _leftmost_longest(found)


def _in_spans(candidates, folded: str, spans: list[tuple[int, int]]) -> list[list[PhraseMatch]]:
    """The matches of ``find`` in each span among phrase occurrences in the whole text.

    Every phrase occurrence inside a span is also an occurrence in the whole text, so the
    whole-text occurrences hold each span's candidates; the word-boundary test and the choice
    between overlapping matches are then made within the span, as ``find`` makes them.
    """
    starts = [a for a, _ in spans]
    per_span: list[list[PhraseMatch]] = [[] for _ in spans]
    for a, b, entry in candidates:
        k = bisect.bisect_right(starts, a) - 1
        if k < 0:
            continue
        lo, hi = spans[k]
        if b <= hi and _bounded(folded, a, b, lo, hi):
            per_span[k].append(PhraseMatch(a, b, entry))
    return [_leftmost_longest(found) if found else found for found in per_span]


# ---------------------------------------------------------------------------------------------
# One pass over a document for every lexicon matched against whole documents

#: Lexicon files that extractors match against whole documents, declared (at import) with
#: :func:`document_lexicon`. :func:`document_matches` finds the phrases of all of them in one
#: automaton pass per document instead of one pass per lexicon.
_DOCUMENT_LEXICONS: list[str] = []


def document_lexicon(filename: str) -> str:
    """Declare that ``filename`` is matched against whole documents; returns ``filename``."""
    if filename not in _DOCUMENT_LEXICONS:
        _DOCUMENT_LEXICONS.append(filename)
        _document_automaton.cache_clear()
    return filename


@cache
def _document_automaton() -> tuple[tuple[str, ...], ahocorasick.Automaton | None]:
    """The declared lexicons and one automaton over all their phrases (value: every
    ``(lexicon position, length, entry)`` spelled so)."""
    names = tuple(_DOCUMENT_LEXICONS)
    merged: dict[str, list[tuple[int, int, LexiconEntry]]] = {}
    for i, name in enumerate(names):
        for key, (size, entry) in matcher(name)._keys.items():
            merged.setdefault(key, []).append((i, size, entry))
    return names, _automaton({key: tuple(value) for key, value in merged.items()})


def document_matches(doc: Document, filename: str, spans: list[tuple[int, int]] | None = None,
                     ) -> list[PhraseMatch] | list[list[PhraseMatch]]:
    """``matcher(filename).find(doc.text)``, or with ``spans`` ``.find_in_spans(doc.text, spans)``.

    For a lexicon declared with :func:`document_lexicon`, the phrase occurrences come from one
    automaton pass over the document shared by every declared lexicon (kept in the document's
    cache), so the answer is the same and the text is scanned once.
    """
    names, automaton = _document_automaton()
    cache = doc._by_kind
    scan = cache.get("lexicon.scan")
    if scan is None or scan[0] is not names:
        folded = fold_text(doc.text)
        per_lexicon = None
        if folded is not None:
            per_lexicon = [[] for _ in names]
            if automaton is not None:
                for last, values in automaton.iter(folded):
                    for i, size, entry in values:
                        per_lexicon[i].append((last - size + 1, last + 1, entry))
        scan = (names, folded, per_lexicon)
        cache["lexicon.scan"] = scan
    _, folded, per_lexicon = scan
    text = doc.text
    if per_lexicon is None or filename not in names:
        found = matcher(filename)
        return found.find(text, folded=folded) if spans is None else found.find_in_spans(text, spans, folded=folded)
    candidates = per_lexicon[names.index(filename)]
    if spans is None:
        return _within(candidates, folded, 0, len(text))
    return _in_spans(candidates, folded, spans) if spans else []


def _bounded(folded: str, a: int, b: int, lo: int, hi: int) -> bool:
    """Whether ``folded[a:b]`` has word boundaries at both ends within ``folded[lo:hi]``."""
    if a > lo and _is_word_char(folded[a]) and _is_word_char(folded[a - 1]):
        return False
    return not (b < hi and _is_word_char(folded[b - 1]) and _is_word_char(folded[b]))


def _leftmost_longest(found: list[PhraseMatch]) -> list[PhraseMatch]:
    """Non-overlapping matches: the leftmost first, the longest of those starting together."""
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[PhraseMatch] = []
    for m in found:
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    return kept


def _fold(s: str) -> str:
    return s.lower().replace("’", "'").replace("‘", "'")


def fold_text(text: str) -> str | None:
    """``text`` folded as phrases are matched (lower case, straight apostrophes), or ``None``
    when folding the whole text could differ from folding a span of it (see
    :func:`padcheck._text.lower_in_place`)."""
    low = lower_in_place(text)
    return None if low is None else low.replace("‘", "'")


@cache
def matcher(filename: str) -> PhraseMatcher:
    """The (cached) :class:`PhraseMatcher` for a lexicon file."""
    return PhraseMatcher(load_lexicon(filename))
