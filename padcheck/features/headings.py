"""Template headings: the stock section names of generated and content-farm articles.

Machine-written explainers are cut into many short sections under interchangeable headings:
fixed names ("Overview", "Conclusion", "Key Takeaways", "Final Thoughts") and slot patterns
("Looking Ahead: …", "The Role of …", "Why … Matters", "Implications for …"). The patterns live
in ``padcheck/lexicons/heading_templates.tsv`` (curated by the padcheck authors, MIT), with
``*`` as the slot, and are compiled into ONE case-insensitive regular expression alternation
that must match the whole normalised heading.

Counts are saturated (``n / (n + 2)``) and combined with shares of all headings, so one
"Conclusion" at the end of a long human report gives a small value while an article whose
every section is a template gives a large one. The document title (a heading before any
prose) is not a section heading and is left out.

Defaults (chosen by the padcheck authors): ``count_scale=2`` (two full-weight template headings
give 0.5; a lone "Conclusion", weight 0.6, gives 0.23), ``min_words=50`` (floor of the word count for the
heading density, so a two-line snippet is not "50 headings per 100 words"), ``max_heading_chars=150``
(longer "headings" are mis-parsed prose, and it bounds the regex work per heading).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from padcheck.document import Block, Document
from padcheck.features.base import Evidence, Extraction, FeatureSpec, quote

__all__ = ["HeadingExtractor", "compile_templates", "normalise_heading"]

TEMPLATE_LEXICON = "heading_templates.tsv"

_SLOT = r"\S.{0,99}?"  # one or more words, bounded so matching a heading stays cheap
_NUMBERING = re.compile(r"^(?:\d{1,3}|[IVXivx]{1,5}|[A-Za-z])[.):]\s+")
# The trailing runs may only start where the run starts (the lookbehinds), so a long run in
# the middle is tried once, not once per character: linear, and the same matches.
_EDGE_MARKUP = re.compile(r"^[\s*_#\"“”'‘’]+|(?<![\s*_\"“”'‘’])[\s*_\"“”'‘’]+$")
_TRAILING = re.compile(r"(?<![\s?!.:;…])[\s?!.:;…]+$")
_COLON = re.compile(r"^[^:]{2,60}:\s+\S")
_MAX_QUOTE = 80


def _pattern_regex(pattern: str) -> str:
    """Regex source for one template pattern (``*`` = slot, words as whole words)."""
    parts = [_SLOT if token == "*" else re.escape(token) for token in pattern.split()]
    return r"\s+".join(parts)


def _saturate(n: float, k: float) -> float:
    """``n / (n + k)``: 0 for nothing, 0.5 at ``k``, approaching 1 for many."""
    return n / (n + k) if n > 0 else 0.0




def normalise_heading(text: str) -> str:
    """The heading as templates see it.

    Collapses whitespace, folds curly apostrophes, strips edge markup (``**``, quotes), a leading
    number ("3. ", "IV. ") and trailing punctuation ("?", ":", "!").
    """
    text = " ".join(text.split()).replace("’", "'").replace("‘", "'")
    text = _EDGE_MARKUP.sub("", text)
    text = _NUMBERING.sub("", text)
    return _TRAILING.sub("", text)


@cache
def compile_templates(filename: str = TEMPLATE_LEXICON) -> tuple[re.Pattern, tuple[tuple[str, float, str], ...]]:
    """Compile a heading-template TSV into one regex alternation.

    Parameters
    ----------
    filename : str
        Lexicon file in ``padcheck/lexicons/`` (``pattern<TAB>weight[<TAB>tag]``).

    Returns
    -------
    regex : re.Pattern
        Case-insensitive alternation; group ``t<i>`` is pattern ``i``. Patterns are ordered by
        weight (highest first) so that, when several fit, the strongest one is reported.
    entries : tuple of (pattern, weight, tag)
        The patterns, in group order.
    """
    raw = resources.files("padcheck.lexicons").joinpath(filename).read_text("utf-8")
    entries = []
    for lineno, line in enumerate(raw.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        try:
            weight = float(cols[1]) if len(cols) > 1 and cols[1].strip() else 1.0
        except ValueError:
            raise ValueError(f"{filename}:{lineno}: weight must be a number, got {cols[1]!r}") from None
        entries.append((cols[0].strip(), weight, cols[2].strip() if len(cols) > 2 else ""))
    entries.sort(key=lambda e: -e[1])
    source = "|".join(f"(?P<t{i}>{_pattern_regex(p)})" for i, (p, _, _) in enumerate(entries))
    return re.compile(source or r"(?!)", re.IGNORECASE | re.DOTALL), tuple(entries)


def _section_headings(doc: Document) -> list[Block]:
    """Headings other than the document title (a heading that comes before any other block)."""
    heads = list(doc.headings)
    if heads and heads[0].index == 0:
        return heads[1:]
    return heads


class HeadingExtractor:
    """Template, question and colon headings, and heading density.

    Parameters
    ----------
    count_scale : float, default 2
        Half-saturation point of the count features (``n / (n + count_scale)``).
    min_words : int, default 50
        Floor of the word count used for ``heading.per_100w``.
    max_heading_chars : int, default 150
        Headings longer than this are not tested against templates.
    """

    name = "heading"
    specs = (
        FeatureSpec("heading.per_100w", "section headings per 100 words", "[0, inf), typically 0-2"),
        FeatureSpec(
            "heading.template_share",
            "weighted share of section headings that are template headings",
            "[0, 1]",
        ),
        FeatureSpec(
            "heading.template_count",
            "weighted number n of template headings, scaled n/(n+2)",
            "[0, 1)",
        ),
        FeatureSpec(
            "heading.question_count",
            "number n of question headings (ending in '?'), scaled n/(n+2)",
            "[0, 1)",
        ),
        FeatureSpec(
            "heading.colon_count",
            "number n of 'Label: rest' colon headings, scaled n/(n+2)",
            "[0, 1)",
        ),
    )

    def __init__(self, *, count_scale: float = 2.0, min_words: int = 50, max_heading_chars: int = 150):
        self.count_scale = count_scale
        self.min_words = min_words
        self.max_heading_chars = max_heading_chars

    def extract(self, doc: Document) -> Extraction:
        """Compute the heading features of ``doc`` and evidence on each flagged heading.

        Parameters
        ----------
        doc : Document
            A parsed document.

        Returns
        -------
        Extraction
            Every ``heading.*`` feature (0.0 without section headings) and the evidence:
            ``heading.template`` (feeding ``heading.template_share`` and
            ``heading.template_count``), ``heading.question``, ``heading.colon`` and
            ``heading.section`` (every section heading, feeding ``heading.per_100w``).
        """
        regex, entries = compile_templates(TEMPLATE_LEXICON)
        # Headings are single-sentence blocks, so the block's first sentence is the heading.
        sentence_of = {}
        for s in doc.sentences:
            sentence_of.setdefault(s.block, s.index)
        heads = [h for h in _section_headings(doc) if h.index in sentence_of]
        evidence: list[Evidence] = []
        template_weight = 0.0
        questions = colons = 0
        for h in heads:
            sid, quoted = sentence_of[h.index], quote(h.text, _MAX_QUOTE)
            evidence.append(Evidence("heading.section", sid, h.start, h.end, 1.0, f"section heading '{quoted}'",
                                     "heading.per_100w"))
            if len(h.text) <= self.max_heading_chars:
                m = regex.fullmatch(normalise_heading(h.text))
                if m:
                    weight = entries[int(m.lastgroup[1:])][1]
                    template_weight += weight
                    msg = f"template heading '{quoted}'"
                    for feature in ("heading.template_share", "heading.template_count"):
                        evidence.append(Evidence("heading.template", sid, h.start, h.end, weight, msg, feature))
                if _COLON.match(h.text):
                    colons += 1
                    evidence.append(Evidence("heading.colon", sid, h.start, h.end, 1.0, f"colon heading '{quoted}'",
                                             "heading.colon_count"))
            if h.text.rstrip().endswith("?"):
                questions += 1
                evidence.append(Evidence("heading.question", sid, h.start, h.end, 1.0,
                                         f"question heading '{quoted}'", "heading.question_count"))
        words = max(doc.n_words, self.min_words, 1)
        features = {
            "heading.per_100w": 100.0 * len(heads) / words,
            "heading.template_share": template_weight / len(heads) if heads else 0.0,
            "heading.template_count": _saturate(template_weight, self.count_scale),
            "heading.question_count": _saturate(questions, self.count_scale),
            "heading.colon_count": _saturate(colons, self.count_scale),
        }
        return Extraction(features, tuple(evidence))
