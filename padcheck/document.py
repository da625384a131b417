"""The parsed document model every feature extractor reads.

A :class:`Document` holds the text it was built from and its units (blocks, lines and
sentences), each with a character span into ``Document.text`` such that
``doc.text[unit.start:unit.end] == unit.text`` always holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

__all__ = ["BlockKind", "Block", "Line", "Sentence", "Document"]


class BlockKind(str, Enum):
    """What a block of the document is."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST_ITEM = "list_item"
    QUOTE = "quote"
    CODE = "code"
    CODE_FENCE = "code_fence"
    SOCIAL_POST = "social_post"

    def __str__(self) -> str:  # so f-strings and JSON show "heading", not "BlockKind.HEADING"
        return self.value


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line, without its line break (and without surrounding whitespace)."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph, heading, list item, quote, code block, stray code fence or social post.

    Attributes
    ----------
    index : int
        Position of the block in ``Document.blocks``.
    kind : BlockKind
        What the block is.
    start, end : int
        Character span of the block's content in ``Document.text`` (markup such as ``## `` or
        a list bullet is outside the span).
    text : str
        ``Document.text[start:end]``.
    level : int or None
        Heading level (1 = top) for headings, otherwise ``None``.
    inferred : bool
        For headings: ``True`` when recognised from a title-like standalone line in plain
        text rather than from markup (Markdown ``#``, setext underline, HTML ``<h1>``).
    """

    index: int
    kind: BlockKind
    start: int
    end: int
    text: str
    level: int | None = None
    inferred: bool = False


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence, with the index of the block that contains it."""

    index: int
    block: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Document:
    """A parsed document.

    Build one with :func:`padcheck.parse`.

    Attributes
    ----------
    text : str
        The text every span indexes. For plain text and Markdown this is the input itself;
        for HTML it is the visible text extracted from the page.
    source : str
        The input exactly as given (decoded to ``str``); for HTML, the original markup.
    format : str
        The format the input was parsed as: ``"text"``, ``"markdown"`` or ``"html"``.
    blocks, lines, sentences : tuple
        The units of the document, in text order.
    """

    text: str
    source: str
    format: str
    blocks: tuple[Block, ...] = ()
    lines: tuple[Line, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    _by_kind: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def blocks_of(self, kind: BlockKind | str) -> tuple[Block, ...]:
        """Blocks of one kind, in text order."""
        kind = BlockKind(kind)
        cached = self._by_kind.get(kind)
        if cached is None:
            cached = tuple(b for b in self.blocks if b.kind is kind)
            self._by_kind[kind] = cached
        return cached

    @property
    def paragraphs(self) -> tuple[Block, ...]:
        """Prose paragraphs (not headings, list items, quotes, code or social posts)."""
        return self.blocks_of(BlockKind.PARAGRAPH)

    @property
    def headings(self) -> tuple[Block, ...]:
        """Headings, each with its ``level``."""
        return self.blocks_of(BlockKind.HEADING)

    @property
    def list_items(self) -> tuple[Block, ...]:
        """List items (bulleted or numbered), without their bullet."""
        return self.blocks_of(BlockKind.LIST_ITEM)

    @property
    def quotes(self) -> tuple[Block, ...]:
        """Block quotes."""
        return self.blocks_of(BlockKind.QUOTE)

    @property
    def social_posts(self) -> tuple[Block, ...]:
        """Embedded social-media posts (a quoted tweet with its attribution line)."""
        return self.blocks_of(BlockKind.SOCIAL_POST)

    @property
    def code_blocks(self) -> tuple[Block, ...]:
        """Fenced code blocks (content between matching fences) and ``<pre>`` blocks."""
        return self.blocks_of(BlockKind.CODE)

    @property
    def code_fences(self) -> tuple[Block, ...]:
        """Stray code-fence lines with no matching partner (often left over by a chatbot)."""
        return self.blocks_of(BlockKind.CODE_FENCE)

    def block_of(self, sentence: Sentence) -> Block:
        """The block that contains ``sentence``."""
        return self.blocks[sentence.block]

    @property
    def n_words(self) -> int:
        """Number of whitespace-separated words in ``text``."""
        found = self._by_kind.get("n_words")  # counted once: several extractors ask
        if found is None:
            found = self._by_kind["n_words"] = len(self.text.split())
        return found

    def summary(self) -> dict:
        """Counts of each unit kind, for a quick look at how a text was parsed."""
        return {
            "format": self.format,
            "chars": len(self.text),
            "words": self.n_words,
            "lines": len(self.lines),
            "sentences": len(self.sentences),
            **{name: len(getattr(self, name)) for name in ("paragraphs", "headings", "list_items", "quotes", "code_blocks", "code_fences", "social_posts")},
        }

    def __len__(self) -> int:
        return len(self.text)
