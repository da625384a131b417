"""Injected promotion, page boilerplate and embedded social posts.

Content farms and scrapers leave promotion inside the body text: "YOU MAY ALSO LIKE TO WATCH THIS
TRENDING STORY", read-more and related-story boxes, calls to subscribe or follow, sponsorship and
affiliate disclosures, and shouted all-capitals calls to action. A second pattern is padding around
an embedded social post: one short tweet stretched into a long article. Quoting a tweet is not
filler, so the tweet itself never carries evidence; its share and the amount of text around it
are document-level features.

Where the defaults come from: phrase weights live in ``padcheck/lexicons/promo.tsv`` (curated by
the padcheck authors); the all-capitals thresholds (at least 4 words, 80% of them in capitals, one
of at least 5 letters so that strings of acronyms such as "NASA, ESA AND JAXA" stay quiet, and a
call-to-action cue word from the lexicon, because on ``wild_train`` capitals alone marked human legal
disclaimers and manual headings, never padded pages) and the
50-words-per-post scale of ``social_padding_ratio`` were set by reading the labelled web pages of
``wild_train``.

Reason codes
------------
``promo.injected``
    A promotion or boilerplate phrase (``promo.tsv``).
``promo.all_caps``
    A sentence shouted in capitals, or (weaker) a capitalised headline label such as "BREAKING:".
"""

from __future__ import annotations

import re

from padcheck.document import BlockKind, Document
from padcheck.features._lexicon import document_lexicon, document_matches
from padcheck.features.base import Evidence, Extraction, FeatureSpec, quote
from padcheck.features.prompt import clip_to_sentence, entry_tags, opens_sentence

__all__ = ["PromoExtractor", "caps_sentence"]

LEXICON = document_lexicon("promo.tsv")

_WORD = re.compile(r"[^\W\d_]+")
_LINE_TRIM = " \t:.!-–—|•*#>»›"
# Quoted tweets are reported speech and code is code: promotion found there is not the page's own.
_SKIP_KINDS = (BlockKind.SOCIAL_POST, BlockKind.CODE, BlockKind.CODE_FENCE)


def caps_sentence(text: str, min_words: int = 4, min_share: float = 0.8, min_long: int = 5) -> bool:
    """Whether ``text`` is shouted: enough words, mostly in capitals, not just a run of acronyms.

    Parameters
    ----------
    text : str
        A sentence.
    min_words : int
        Least number of capitalised words (of two letters or more).
    min_share : float
        Least share of the sentence's words (of two letters or more) that are in capitals.
    min_long : int
        At least one capitalised word must have this many letters (acronyms are short).
    """
    words = [w for w in _WORD.findall(text) if len(w) > 1]
    caps = [w for w in words if w.isupper()]
    return (len(caps) >= min_words and len(caps) >= min_share * len(words)
            and any(len(w) >= min_long for w in caps))




def _padding_ratio(outside_words: int, n_posts: int, words_per_post: float) -> float:
    """Words outside posts / (words outside + ``words_per_post`` × posts); 0 without posts."""
    denominator = outside_words + words_per_post * n_posts
    return outside_words / denominator if n_posts and denominator > 0 else 0.0


def _saturate(x: float) -> float:
    return x / (x + 1.0)


class PromoExtractor:
    """Injected calls to action, related-story boxes, disclosures and social-post padding.

    Parameters
    ----------
    caps_weight : float, default 0.6
        Weight of a prose sentence shouted in capitals.
    caps_heading_weight : float, default 0.3
        Weight of a heading in capitals (some sites style real headings that way).
    caps_min_words : int, default 4
        Least number of capitalised words for a shouted sentence.
    caps_min_share : float, default 0.8
        Least share of a sentence's words in capitals for it to count as shouted.
    words_per_post : float, default 50.0
        Scale of ``social_padding_ratio``: outside words / (outside words + ``words_per_post`` × posts).

    Examples
    --------
    >>> from padcheck import parse
    >>> out = PromoExtractor().extract(parse("The vote passed. Subscribe to our newsletter for more."))
    >>> out.evidence[0].code, out.evidence[0].message
    ('promo.injected', "injected promotion 'Subscribe to our newsletter'")
    """

    name = "promo"
    specs = (
        FeatureSpec("promo.injected_per_100w", "summed weight of injected promotion / boilerplate phrases per "
                    "100 words (outside social posts)", "[0, inf)"),
        FeatureSpec("promo.injected_max_weight", "weight of the strongest injected phrase (not length-normalised)",
                    "[0, 1]"),
        FeatureSpec("promo.all_caps_count", "saturating summed weight of shouted all-capitals sentences and "
                    "capitalised headline labels ('BREAKING:'), s/(s+1)", "[0, 1)"),
        FeatureSpec("promo.social_post_count", "saturating number of embedded social posts, n/(n+1)", "[0, 1)"),
        FeatureSpec("promo.social_post_share", "share of the document's words inside embedded social posts",
                    "[0, 1]"),
        FeatureSpec("promo.social_padding_ratio", "words outside posts / (words outside + 50 × posts) when the "
                    "document embeds a post, else 0: near 1 = a long article around few short posts", "[0, 1)"),
    )

    def __init__(self, *, caps_weight: float = 0.6, caps_heading_weight: float = 0.3, caps_min_words: int = 4,
                 caps_min_share: float = 0.8, words_per_post: float = 50.0) -> None:
        self.caps_weight = caps_weight
        self.caps_heading_weight = caps_heading_weight
        self.caps_min_words = caps_min_words
        self.caps_min_share = caps_min_share
        self.words_per_post = words_per_post

    def _phrases(self, doc: Document) -> tuple[list[Evidence], list[Evidence], set[int]]:
        injected, prefixes, cued = [], [], set()
        for m in document_matches(doc, LEXICON):
            tags = entry_tags(m.entry.tag)
            if "stop" in tags:
                continue
            loc = clip_to_sentence(doc, m.start, m.end)
            if loc is None:
                continue
            sent, a, b = loc
            if "prefix" not in tags:
                cued.add(sent)
            if "cue" in tags:
                continue
            block = doc.blocks[doc.sentences[sent].block]
            if block.kind in _SKIP_KINDS:
                continue
            matched = doc.text[a:b]
            if "line" in tags and block.text.strip(_LINE_TRIM).lower() != matched.strip(_LINE_TRIM).lower():
                continue
            if "prefix" in tags:
                if matched.isupper() and opens_sentence(doc, sent, a):
                    prefixes.append(Evidence("promo.all_caps", sent, a, b, m.entry.weight,
                                             f"shouted headline label '{quote(matched)}'", "promo.all_caps_count"))
                continue
            injected.append(Evidence("promo.injected", sent, a, b, m.entry.weight,
                                     f"injected promotion '{quote(matched)}'", "promo.injected_per_100w"))
        return injected, prefixes, cued

    def _shouted(self, doc: Document, cued: set[int]) -> list[Evidence]:
        found = []
        for s in doc.sentences:
            # Capitals alone are house style (legal disclaimers, manual headings); a shouted call
            # to action also asks the reader to do something.
            if s.index not in cued:
                continue
            block = doc.blocks[s.block]
            if block.kind in _SKIP_KINDS:
                continue
            if not caps_sentence(s.text, self.caps_min_words, self.caps_min_share):
                continue
            weight = self.caps_heading_weight if block.kind is BlockKind.HEADING else self.caps_weight
            found.append(Evidence("promo.all_caps", s.index, s.start, s.end, weight,
                                  f"all-capitals call '{quote(s.text)}'", "promo.all_caps_count"))
        return found

    def extract(self, doc: Document) -> Extraction:
        """Find injected promotion and measure social-post padding in ``doc``.

        Parameters
        ----------
        doc : Document
            A parsed document.

        Returns
        -------
        Extraction
            Every feature of :attr:`specs` (0.0 for an empty document). Evidence: one per phrase
            or shouted sentence; the strongest injected phrase is reported a second time feeding
            ``promo.injected_max_weight``. Social-post features carry no evidence (quoting is not
            padding; the padding is the document around the post).
        """
        injected, prefixes, cued = self._phrases(doc)
        caps = prefixes + self._shouted(doc, cued)
        n_words = doc.n_words
        posts = doc.social_posts
        post_words = sum(len(p.text.split()) for p in posts)
        outside = max(n_words - post_words, 0)
        top = max(injected, key=lambda e: e.weight, default=None)
        features = {
            "promo.injected_per_100w": 100.0 * sum(e.weight for e in injected) / n_words if n_words else 0.0,
            "promo.injected_max_weight": min(top.weight, 1.0) if top is not None else 0.0,
            "promo.all_caps_count": _saturate(sum(e.weight for e in caps)),
            "promo.social_post_count": _saturate(len(posts)),
            "promo.social_post_share": min(post_words / n_words, 1.0) if n_words else 0.0,
            "promo.social_padding_ratio": _padding_ratio(outside, len(posts), self.words_per_post),
        }
        evidence = injected + caps
        if top is not None:
            evidence.append(Evidence(top.code, top.sentence, top.start, top.end, top.weight, top.message,
                                     "promo.injected_max_weight"))
        evidence.sort(key=lambda e: (e.sentence, e.start, e.code, e.feature))
        return Extraction(features, tuple(evidence))
