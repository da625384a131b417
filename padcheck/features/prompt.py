"""Leftover prompt and chatbot text: the wrapper of a chatbot answer pasted into a page unedited.

A content farm that pastes a chatbot's answer often keeps what was never meant for readers: the
assistant talking about itself ("As an AI language model, …"), answer openers ("Sure, here's …"),
sign-offs ("Let me know if you have any other questions"), the writing brief it was given ("This
article is structured using HTML headings and contains relevant keywords …"), unfilled template
slots ("[Insert company name]"), SEO-brief labels ("Meta description: …"), a stray code fence
(often the curly-quote “` that a word processor makes of ```), and Markdown markup in text that is
not Markdown. One such hit is close to proof, so :attr:`PromptLeftoverExtractor.specs` includes a
``max_weight`` feature that a single unmistakable hit drives to ~1.0 however long the page is.

Where the defaults come from: phrase weights live in ``padcheck/lexicons/prompt_leftovers.tsv``
(curated by the padcheck authors, with entries drawn from the HC3 chatbot "indicating words" of
Guo et al., arXiv:2301.07597, CC BY-SA); the discount for quoted text and the fence weights were set
by reading the labelled web pages of ``wild_train`` (chatbot leftovers appear in padded pages only,
and a person quoting a chatbot puts it in quotation marks).

Reason codes
------------
``prompt.leftover``
    A chatbot or writing-brief phrase (``prompt_leftovers.tsv``).
``prompt.placeholder``
    An unfilled bracketed template slot (``prompt_placeholders.tsv``).
``prompt.meta_line``
    A line opening with an SEO-brief label (``prompt_meta_labels.tsv``) or a word-count note.
``prompt.code_fence``
    A stray code fence with no partner (``Document.code_fences``).
``prompt.markdown``
    Markdown heading or bold-heading markup left in the text (weak: genuine Markdown has it too).
"""

from __future__ import annotations

import re
from functools import cache

from padcheck.document import BlockKind, Document
from padcheck.features._lexicon import PhraseMatch, document_lexicon, document_matches, load_lexicon
from padcheck.features.base import Evidence, Extraction, FeatureSpec, quote, sentence_at

__all__ = ["PromptLeftoverExtractor", "clip_to_sentence", "entry_tags", "is_quoted", "opens_sentence"]

LEXICON = document_lexicon("prompt_leftovers.tsv")
META_LEXICON = "prompt_meta_labels.tsv"
PLACEHOLDER_LEXICON = "prompt_placeholders.tsv"

# Bounded character classes and no nested quantifiers: every regex here is linear in the text.
_BRACKET = re.compile(r"\[([^\[\]\n]{1,60})\]")
_SNAKE = re.compile(r"[a-z]{2,20}(?:_[a-z]{2,20}){1,3}")  # "[article_title]": a template variable
_WORD_COUNT = re.compile(
    r"\bword[ \t]+count[ \t]*[:=\-–][ \t]*(?:approx\.?[ \t]*|~[ \t]*)?\d[\d,.]*(?:[ \t]+words)?", re.IGNORECASE
)
_META_LABEL = re.compile(r"[ \t>*#_-]{0,8}([A-Za-z][A-Za-z ]{0,24}?)[ \t*_]{0,4}:")
_MD_HEADING = re.compile(r"#{1,6}[ \t]+\S")
_MD_BOLD = re.compile(r"(?:\d{1,3}[.)][ \t]+|[-*•][ \t]+)?\*\*[^*\n]{1,120}\*\*")
_QUOTE_LOOKBACK = 300  # chars; bounds the cost of the quotation check per hit

_SKIP_KINDS = (BlockKind.CODE,)  # prompts shown as code samples are not leftovers


def entry_tags(tag: str) -> frozenset[str]:
    """The comma-separated flags of a lexicon entry's tag column."""
    return frozenset(t.strip() for t in tag.split(",") if t.strip())


def clip_to_sentence(doc: Document, start: int, end: int) -> tuple[int, int, int] | None:
    """Sentence index and the part of ``[start, end)`` inside the sentence where the span starts.

    A span that starts in the markup between sentences (``### `` before a heading) moves to the next
    sentence; a span that crosses a sentence break is cut at it. ``None`` when no sentence overlaps.
    """
    i = sentence_at(doc, start)
    if i is None:
        return None
    sents = doc.sentences
    s = sents[i]
    if start >= s.end:
        if i + 1 < len(sents) and sents[i + 1].start < end:
            s = sents[i + 1]
        else:
            return None
    a, b = max(start, s.start), min(end, s.end)
    return (s.index, a, b) if a < b else None


def opens_sentence(doc: Document, sentence: int, start: int) -> bool:
    """Whether only punctuation or spaces stand between the sentence start and ``start``."""
    s = doc.sentences[sentence]
    lead = doc.text[s.start:start]
    return len(lead) <= 3 and not any(c.isalnum() for c in lead)


def is_quoted(doc: Document, sentence: int, start: int) -> bool:
    """Whether ``start`` sits inside quotation marks opened earlier in its sentence or in a quote block."""
    s = doc.sentences[sentence]
    if doc.blocks[s.block].kind is BlockKind.QUOTE:
        return True
    before = doc.text[max(s.start, start - _QUOTE_LOOKBACK):start]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


@cache
def _label_weights(filename: str) -> dict[str, tuple[float, str]]:
    return {e.phrase.lower(): (e.weight, e.tag) for e in load_lexicon(filename)}




def _saturate(x: float) -> float:
    return x / (x + 1.0)


class PromptLeftoverExtractor:
    """Chatbot wrappers, writing-brief text, template slots and stray fences left in a page.

    Parameters
    ----------
    quoted_discount : float, default 0.4
        Factor applied to a phrase hit inside quotation marks or a block quote: an article that
        reports what a chatbot said is not itself a pasted answer, but it may fire weakly.
    fence_weight : float, default 0.5
        Weight of a stray ````` ``` ````` or ``~~~`` fence (a human Markdown file can end in a cut-off block).
    curly_fence_weight : float, default 0.9
        Weight of the curly-quote fence “` that appears when a chatbot's ``` goes through a word
        processor; people do not type it.
    markdown_weight : float, default 0.3
        Weight of one line of Markdown heading or bold-heading markup (``### Title``, ``**Title**``).
        Weak and kept out of ``max_weight``: genuine Markdown documents carry it too.

    Examples
    --------
    >>> from padcheck import parse
    >>> out = PromptLeftoverExtractor().extract(parse("As an AI language model, I cannot browse."))
    >>> out.features["prompt.max_weight"], out.evidence[0].code
    (1.0, 'prompt.leftover')
    """

    name = "prompt"
    specs = (
        FeatureSpec("prompt.max_weight", "weight of the strongest leftover, placeholder, meta-line or fence hit "
                    "(1.0 = unmistakable chatbot text; not length-normalised)", "[0, 1]"),
        FeatureSpec("prompt.leftover_per_100w", "summed weight of chatbot / writing-brief phrase hits per 100 words",
                    "[0, inf)"),
        FeatureSpec("prompt.placeholder_count", "saturating summed weight of unfilled [template] slots, s/(s+1)",
                    "[0, 1)"),
        FeatureSpec("prompt.meta_line_count", "saturating summed weight of SEO-brief label lines "
                    "('Meta description:', 'Title:') and word-count notes, s/(s+1)", "[0, 1)"),
        FeatureSpec("prompt.fence_count", "saturating summed weight of stray code fences, s/(s+1)", "[0, 1)"),
        FeatureSpec("prompt.markdown_share", "share of lines carrying Markdown heading or bold-heading markup",
                    "[0, 1]"),
    )

    def __init__(self, *, quoted_discount: float = 0.4, fence_weight: float = 0.5, curly_fence_weight: float = 0.9,
                 markdown_weight: float = 0.3) -> None:
        self.quoted_discount = quoted_discount
        self.fence_weight = fence_weight
        self.curly_fence_weight = curly_fence_weight
        self.markdown_weight = markdown_weight

    # -- hit finders: each returns Evidence feeding its family feature ---------------------------

    def _phrases(self, doc: Document) -> list[Evidence]:
        found = []
        for m in document_matches(doc, LEXICON):
            ev = self._phrase_evidence(doc, m)
            if ev is not None:
                found.append(ev)
        return found

    def _phrase_evidence(self, doc: Document, m: PhraseMatch) -> Evidence | None:
        tags = entry_tags(m.entry.tag)
        if "stop" in tags:
            return None
        loc = clip_to_sentence(doc, m.start, m.end)
        if loc is None:
            return None
        sent, a, b = loc
        if doc.blocks[doc.sentences[sent].block].kind in _SKIP_KINDS:
            return None
        if "start" in tags and not opens_sentence(doc, sent, a):
            return None
        weight = m.entry.weight
        if is_quoted(doc, sent, a):
            weight *= self.quoted_discount
        return Evidence("prompt.leftover", sent, a, b, weight, f"leftover prompt text '{quote(doc.text[a:b])}'",
                        "prompt.leftover_per_100w")

    def _placeholders(self, doc: Document) -> list[Evidence]:
        table = _label_weights(PLACEHOLDER_LEXICON)
        found = []
        for m in _BRACKET.finditer(doc.text):
            inner = " ".join(m.group(1).lower().split())
            hit = table.get(inner)
            if _SNAKE.fullmatch(inner):
                hit = table.get("snake_case")
            elif hit is None or hit[1] != "exact":
                first = table.get(inner.split(" ", 1)[0]) if inner else None
                hit = first if first is not None and first[1] == "first" else None
            if hit is None:
                continue
            loc = clip_to_sentence(doc, m.start(), m.end())
            if loc is None or doc.blocks[doc.sentences[loc[0]].block].kind in _SKIP_KINDS:
                continue
            sent, a, b = loc
            found.append(Evidence("prompt.placeholder", sent, a, b, hit[0],
                                  f"unfilled template slot '{quote(doc.text[a:b])}'", "prompt.placeholder_count"))
        return found

    def _meta_lines(self, doc: Document) -> list[Evidence]:
        table = _label_weights(META_LEXICON)
        found = []
        for line in doc.lines:
            m = _META_LABEL.match(doc.text, line.start, line.end)
            if m is None:
                continue
            hit = table.get(" ".join(m.group(1).lower().split()))
            if hit is None:
                continue
            loc = clip_to_sentence(doc, m.start(1), m.end())
            if loc is None or doc.blocks[doc.sentences[loc[0]].block].kind in _SKIP_KINDS:
                continue
            sent, a, b = loc
            found.append(Evidence("prompt.meta_line", sent, a, b, hit[0],
                                  f"writing-brief label '{quote(doc.text[a:b])}'", "prompt.meta_line_count"))
        for m in _WORD_COUNT.finditer(doc.text):
            loc = clip_to_sentence(doc, m.start(), m.end())
            if loc is None:
                continue
            sent, a, b = loc
            if found and found[-1].sentence == sent and found[-1].start <= a < found[-1].end:
                continue  # "Word count: 1000" already counted as a label line
            found.append(Evidence("prompt.meta_line", sent, a, b, table.get("word count", (0.8, ""))[0],
                                  f"word-count note '{quote(doc.text[a:b])}'", "prompt.meta_line_count"))
        return found

    def _fences(self, doc: Document) -> list[Evidence]:
        found = []
        for block in doc.code_fences:
            loc = clip_to_sentence(doc, block.start, block.end)
            if loc is None:
                continue
            sent, a, b = loc
            curly = block.text.lstrip()[:1] in "“”"
            weight = self.curly_fence_weight if curly else self.fence_weight
            kind = "curly-quote code fence" if curly else "stray code fence"
            found.append(Evidence("prompt.code_fence", sent, a, b, weight, f"{kind} '{quote(block.text)}'",
                                  "prompt.fence_count"))
        return found

    def _markdown(self, doc: Document) -> list[Evidence]:
        found = []
        for line in doc.lines:
            m = _MD_HEADING.match(doc.text, line.start, line.end) or _MD_BOLD.match(doc.text, line.start, line.end)
            if m is None:
                continue
            loc = clip_to_sentence(doc, line.start, line.end)
            if loc is None or doc.blocks[doc.sentences[loc[0]].block].kind in _SKIP_KINDS:
                continue
            sent, a, b = loc
            found.append(Evidence("prompt.markdown", sent, a, b, self.markdown_weight,
                                  f"markdown markup '{quote(line.text, 60)}'", "prompt.markdown_share"))
        return found

    def extract(self, doc: Document) -> Extraction:
        """Find leftover chatbot text in ``doc``.

        Parameters
        ----------
        doc : Document
            A parsed document.

        Returns
        -------
        Extraction
            Every feature of :attr:`specs` (0.0 for an empty document) and one Evidence per hit;
            the strongest hit is reported a second time feeding ``prompt.max_weight``.
        """
        phrases = self._phrases(doc)
        placeholders = self._placeholders(doc)
        metas = self._meta_lines(doc)
        fences = self._fences(doc)
        markdown = self._markdown(doc)
        strong = phrases + placeholders + metas + fences
        top = max(strong, key=lambda e: e.weight, default=None)
        n_words = doc.n_words
        leftover_sum = sum(e.weight for e in phrases)
        features = {
            "prompt.max_weight": min(top.weight, 1.0) if top is not None else 0.0,
            "prompt.leftover_per_100w": 100.0 * leftover_sum / n_words if n_words else 0.0,
            "prompt.placeholder_count": _saturate(sum(e.weight for e in placeholders)),
            "prompt.meta_line_count": _saturate(sum(e.weight for e in metas)),
            "prompt.fence_count": _saturate(sum(e.weight for e in fences)),
            "prompt.markdown_share": len(markdown) / len(doc.lines) if doc.lines else 0.0,
        }
        evidence = strong + markdown
        if top is not None:
            # The same hit also carries max_weight, so the dominant feature lands on its sentence.
            evidence.append(Evidence(top.code, top.sentence, top.start, top.end, top.weight, top.message,
                                     "prompt.max_weight"))
        evidence.sort(key=lambda e: (e.sentence, e.start, e.code, e.feature))
        return Extraction(features, tuple(evidence))
