"""Generic filler: cliché phrases and over-used "LLM vocabulary".

Content-farm and machine-written articles pad their paragraphs with stock phrases that carry no
information ("cannot be overstated", "as we navigate these turbulent waters", "in today's
fast-paced world") and lean on a small set of inflated words (delve, tapestry, pivotal,
underscores, ...). This extractor counts both with two lexicons in ``padcheck/lexicons/``:

- ``filler_phrases.tsv``: a few hundred weighted phrases (0.3 = weak, 1.0 = unmistakable),
  curated by the padcheck authors, partly drawn from the antislop-sampler lists (Apache-2.0);
- ``llm_vocabulary.tsv``: single words with low weights (people use them too), curated by the
  padcheck authors with entries drawn from antislop-sampler and slop-forensics (MIT).

Text that is not the author's own prose is skipped: embedded social posts (a quoted tweet is
not filler), code blocks, stray code fences, block quotes, and headings (template headings are
the job of :mod:`padcheck.features.headings`).

Defaults (chosen by the padcheck authors): ``min_words=25`` keeps a one-phrase, five-word snippet
from scoring 20 phrases per 100 words; ``distinct_scale=5`` and ``vocab_distinct_scale=10`` are
the half-saturation points of the ``n / (n + k)`` scalings. Few human pages use even one phrase
of the lexicon (6 % of the human pages of the shared wild_train sample, against 58 % of the
padded ones), so five different phrases already mark a page as padded; vocabulary words are
commoner in human writing, hence the larger scale.
"""

from __future__ import annotations

from padcheck.document import BlockKind, Document, Sentence
from padcheck.features._lexicon import PhraseMatch, document_lexicon, document_matches
from padcheck.features.base import Evidence, Extraction, FeatureSpec, quote

__all__ = ["FillerExtractor"]

PHRASE_LEXICON = document_lexicon("filler_phrases.tsv")
VOCAB_LEXICON = document_lexicon("llm_vocabulary.tsv")

#: Blocks whose text is not the author's own running prose.
_SKIPPED_KINDS = frozenset(
    {BlockKind.SOCIAL_POST, BlockKind.CODE, BlockKind.CODE_FENCE, BlockKind.QUOTE, BlockKind.HEADING}
)
_MAX_QUOTE = 60  # characters of matched text quoted in a message


def _saturate(n: float, k: float) -> float:
    """``n / (n + k)``: 0 for nothing, 0.5 at ``k``, approaching 1 for many."""
    return n / (n + k) if n > 0 else 0.0




def _prose_sentences(doc: Document) -> list[Sentence]:
    """Sentences of the author's own prose (see ``_SKIPPED_KINDS``)."""
    return [s for s in doc.sentences if doc.blocks[s.block].kind not in _SKIPPED_KINDS]


def _outside(matches: list[PhraseMatch], taken: list[PhraseMatch]) -> list[PhraseMatch]:
    """Matches of ``matches`` not overlapping any of ``taken`` (both sorted by start; linear)."""
    kept, j = [], 0
    for m in matches:
        while j < len(taken) and taken[j].end <= m.start:
            j += 1
        if j < len(taken) and taken[j].start < m.end:
            continue
        kept.append(m)
    return kept


class FillerExtractor:
    """Cliché/filler phrases and over-used LLM vocabulary, per 100 words.

    Parameters
    ----------
    min_words : int, default 25
        Floor of the word count used for the per-100-words rates, so a very short text with
        a single hit does not get an extreme rate.
    distinct_scale : float, default 5
        Half-saturation point of ``filler.distinct_phrases`` (``n / (n + distinct_scale)``).
    vocab_distinct_scale : float, default 10
        Half-saturation point of ``filler.distinct_vocab``.
    """

    name = "filler"
    specs = (
        FeatureSpec(
            "filler.phrases_per_100w",
            "weighted filler/cliché phrase hits per 100 words of prose",
            "[0, inf), typically 0-5",
        ),
        FeatureSpec(
            "filler.vocab_per_100w",
            "weighted over-used LLM vocabulary hits per 100 words of prose",
            "[0, inf), typically 0-5",
        ),
        FeatureSpec(
            "filler.sentence_hit_share",
            "share of prose sentences containing at least one filler phrase",
            "[0, 1]",
        ),
        FeatureSpec(
            "filler.distinct_phrases",
            "number n of different filler phrases used, scaled n/(n+5)",
            "[0, 1)",
        ),
        FeatureSpec(
            "filler.distinct_vocab",
            "number n of different LLM-vocabulary words used, scaled n/(n+10)",
            "[0, 1)",
        ),
    )

    def __init__(self, *, min_words: int = 25, distinct_scale: float = 5.0, vocab_distinct_scale: float = 10.0):
        self.min_words = min_words
        self.distinct_scale = distinct_scale
        self.vocab_distinct_scale = vocab_distinct_scale

    def extract(self, doc: Document) -> Extraction:
        """Compute the filler features of ``doc`` and one evidence item per hit.

        Parameters
        ----------
        doc : Document
            A parsed document.

        Returns
        -------
        Extraction
            Every ``filler.*`` feature (0.0 when nothing matched) and the evidence: a
            ``filler.phrase`` item per phrase hit (feeding ``filler.phrases_per_100w``), one per
            sentence with a hit (``filler.sentence_hit_share``) and one per first use of each
            distinct phrase (``filler.distinct_phrases``); ``filler.llm_word`` items likewise
            for the vocabulary features.
        """
        text = doc.text
        sentences = _prose_sentences(doc)
        words = 0
        phrase_weight = vocab_weight = 0.0
        hit_sentences = 0
        seen_phrases: set[str] = set()
        seen_words: set[str] = set()
        evidence: list[Evidence] = []
        spans = [(s.start, s.end) for s in sentences]
        phrase_hits = document_matches(doc, PHRASE_LEXICON, spans)
        vocab_hits = document_matches(doc, VOCAB_LEXICON, spans)
        for sent, found, found_vocab in zip(sentences, phrase_hits, vocab_hits, strict=True):
            words += len(sent.text.split())
            # A vocabulary word inside a matched phrase ("tapestry" in "rich tapestry of") is
            # already counted by the phrase; counting it twice would double the same evidence.
            found_words = _outside(found_vocab, found)
            for m in found:
                phrase_weight += m.entry.weight
                quoted = quote(text[m.start:m.end], _MAX_QUOTE)
                msg = f"filler phrase '{quoted}'"
                evidence.append(Evidence("filler.phrase", sent.index, m.start, m.end, m.entry.weight, msg,
                                         "filler.phrases_per_100w"))
                key = m.entry.phrase.lower()
                if key not in seen_phrases:
                    seen_phrases.add(key)
                    evidence.append(Evidence("filler.phrase", sent.index, m.start, m.end, 1.0, msg,
                                             "filler.distinct_phrases"))
            if found:
                hit_sentences += 1
                best = max(found, key=lambda m: m.entry.weight)
                evidence.append(Evidence("filler.phrase", sent.index, best.start, best.end, 1.0,
                                         f"filler phrase '{quote(text[best.start:best.end], _MAX_QUOTE)}'",
                                         "filler.sentence_hit_share"))
            for m in found_words:
                vocab_weight += m.entry.weight
                msg = f"LLM-favoured word '{quote(text[m.start:m.end], _MAX_QUOTE)}'"
                evidence.append(Evidence("filler.llm_word", sent.index, m.start, m.end, m.entry.weight, msg,
                                         "filler.vocab_per_100w"))
                key = m.entry.phrase.lower()
                if key not in seen_words:
                    seen_words.add(key)
                    evidence.append(Evidence("filler.llm_word", sent.index, m.start, m.end, 1.0, msg,
                                             "filler.distinct_vocab"))
        per = 100.0 / max(words, self.min_words, 1)
        features = {
            "filler.phrases_per_100w": phrase_weight * per,
            "filler.vocab_per_100w": vocab_weight * per,
            "filler.sentence_hit_share": hit_sentences / len(sentences) if sentences else 0.0,
            "filler.distinct_phrases": _saturate(len(seen_phrases), self.distinct_scale),
            "filler.distinct_vocab": _saturate(len(seen_words), self.vocab_distinct_scale),
        }
        return Extraction(features, tuple(evidence))
