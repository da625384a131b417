"""Is this English prose? padcheck's signals and model only mean something on English prose.

Three cheap checks, each linear in the text: the share of letters in Latin script, the share of
English function words among the words (English prose runs at 35–55%; other languages written in
Latin script, lists of names, and tables run far lower), and the share of symbol characters
(code, markup and tables are symbol-heavy). Texts too short to judge are given the benefit of
the doubt, down to eight words; shorter texts, and a text without a single word (empty, blank,
digits and symbols only), get no verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from padcheck._compiled import speedups as _speedups
from padcheck.document import Document
from padcheck.features._lexicon import load_lexicon

__all__ = ["Support", "assess_support"]

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_NON_LATIN_LETTER = re.compile(r"[^\W\d_\u0000-\u024f]")
_SPACE = re.compile(r"\s")
_SYMBOL = re.compile(r"_|[^\w\s.,;:!?'\"’‘“”()\-–—%$]")
_MIN_WORDS = 20
_MIN_VERDICT_WORDS = 8
_MIN_LATIN_SHARE = 0.7
_MIN_FUNCTION_SHARE = 0.12
_MAX_SYMBOL_SHARE = 0.2
_SAMPLE = 200_000  # characters examined: enough to judge, bounded on huge inputs


@dataclass(frozen=True, slots=True)
class Support:
    """Whether the text is English prose, and if not, why."""

    supported: bool
    reason: str = ""


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    return frozenset(e.phrase.lower() for e in load_lexicon("function_words.tsv") if e.tag != "number")


def _counts(text: str) -> tuple[int, int, int, int, int, int]:
    """Words, their letters, English function words among them, non-Latin letters, whitespace
    characters and symbol characters of ``text``."""
    low = text.lower().replace("’", "'")
    if _speedups is not None:
        return _speedups.language_counts(low, text, _function_words())
    words = _WORD.findall(low)
    function = _function_words()
    return (len(words), sum(map(len, words)), sum(map(function.__contains__, words)),
            len(_NON_LATIN_LETTER.findall(text)), len(_SPACE.findall(text)), len(_SYMBOL.findall(text)))


def assess_support(doc: Document) -> Support:
    """Judge whether ``doc`` is English prose that padcheck can score."""
    text = doc.text[:_SAMPLE]
    n_words, letters, function, non_latin, spaces, symbols = _counts(text)
    if not letters:  # empty, blank, or only digits and symbols: there is no writing to judge
        return Support(False, "no words to score")
    if n_words < _MIN_VERDICT_WORDS and letters < 5 * _MIN_VERDICT_WORDS:
        # A few words carry no style to weigh; the training texts are rewrites and pages of tens
        # to thousands of words, so a verdict here would be the model's prior, not evidence.
        return Support(False, f"too short to judge ({n_words} words; a verdict needs {_MIN_VERDICT_WORDS})")
    if n_words < _MIN_WORDS and letters < 5 * _MIN_WORDS:  # CJK runs are long "words": count letters too
        return Support(True)
    if non_latin / letters > 1 - _MIN_LATIN_SHARE:
        return Support(False, f"mostly non-Latin script ({non_latin / letters:.0%} of letters)")
    visible = len(text) - spaces
    if visible and symbols / visible > _MAX_SYMBOL_SHARE:
        return Support(False, f"not prose: {symbols / visible:.0%} of characters are symbols (code, markup or a table)")
    share = function / n_words
    if share < _MIN_FUNCTION_SHARE:
        return Support(False, f"not English prose: only {share:.0%} of words are English function words")
    return Support(True)
