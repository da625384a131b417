"""padcheck: tell padded, content-farm writing from real writing, and say why.

>>> import padcheck
>>> doc = padcheck.parse("Conclusion\nIt rained.")
>>> [h.text for h in doc.headings]
['Conclusion']
"""

from padcheck._version import __version__
from padcheck.document import Block, BlockKind, Document, Line, Sentence
from padcheck.parse import parse

__all__ = ["__version__", "parse", "Document", "Block", "BlockKind", "Line", "Sentence"]
