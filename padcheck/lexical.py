"""A learned lexical signal: hashed word uni- and bigrams scored by a linear model.

Each document is the set of its distinct hashed n-grams, each worth ``1/sqrt(k)`` (``k`` = number
of distinct n-grams, i.e. an L2-normalised binary vector). The document's lexical logit is then a
sum over n-grams, so it splits exactly over sentences: an n-gram is credited to the sentence
where it first occurs. Hashing uses CRC-32 (stable across processes and platforms), so no
vocabulary needs storing.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from padcheck.document import Document

__all__ = ["LexicalScorer", "ngram_positions", "hashed_matrix"]

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
DEFAULT_BITS = 18


def ngram_positions(text: str, bits: int = DEFAULT_BITS) -> tuple[np.ndarray, np.ndarray]:
    """Distinct hashed uni/bigram indices of ``text`` and the offset where each first occurs."""
    mask = (1 << bits) - 1
    seen: dict[int, int] = {}
    prev = None
    for m in _TOKEN.finditer(text):
        tok = m.group().lower().replace("’", "'")
        pos = m.start()
        h = zlib.crc32(tok.encode("utf-8", "surrogatepass")) & mask
        seen.setdefault(h, pos)
        if prev is not None:
            hb = zlib.crc32(f"{prev} {tok}".encode("utf-8", "surrogatepass")) & mask
            seen.setdefault(hb, pos)
        prev = tok
    if not seen:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    idx = np.fromiter(seen.keys(), dtype=np.int64, count=len(seen))
    pos = np.fromiter(seen.values(), dtype=np.int64, count=len(seen))
    return idx, pos


def hashed_matrix(texts, bits: int = DEFAULT_BITS) -> sparse.csr_matrix:
    """L2-normalised binary hashed n-gram matrix of ``texts`` (one row per text)."""
    indptr, indices, data = [0], [], []
    for text in texts:
        idx, _ = ngram_positions(text, bits)
        indices.append(idx)
        data.append(np.full(len(idx), 1.0 / np.sqrt(len(idx)) if len(idx) else 0.0))
        indptr.append(indptr[-1] + len(idx))
    cat_i = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
    cat_d = np.concatenate(data) if data else np.zeros(0)
    return sparse.csr_matrix((cat_d, cat_i, np.array(indptr)), shape=(len(indptr) - 1, 1 << bits))


@dataclass(frozen=True)
class LexicalScorer:
    """Hashed n-gram weights and bias of a fitted linear model."""

    weights: np.ndarray
    bias: float
    bits: int = DEFAULT_BITS

    def logit(self, text: str) -> float:
        """The lexical logit of a text."""
        idx, _ = ngram_positions(text, self.bits)
        if not len(idx):
            return self.bias
        return float(self.weights[idx].sum() / np.sqrt(len(idx)) + self.bias)

    def sentence_logits(self, doc: Document) -> np.ndarray:
        """Each sentence's share of the lexical logit (without the bias); sums to ``logit - bias``."""
        out = np.zeros(len(doc.sentences))
        idx, pos = ngram_positions(doc.text, self.bits)
        if not len(idx) or not len(out):
            return out
        starts = np.array([s.start for s in doc.sentences])
        owner = np.clip(np.searchsorted(starts, pos, side="right") - 1, 0, len(out) - 1)
        np.add.at(out, owner, self.weights[idx] / np.sqrt(len(idx)))
        return out

    def config(self) -> dict:
        return {"bits": self.bits, "bias": self.bias}

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"lexical_weights": self.weights.astype(np.float32)}

    @classmethod
    def from_arrays(cls, config: dict, arrays: dict[str, np.ndarray]) -> LexicalScorer:
        bits = int(config["bits"])
        weights = arrays.get("lexical_weights")
        if weights is None or weights.shape != (1 << bits,):
            raise ValueError("lexical weights missing or of the wrong shape")
        return cls(weights=weights.astype(np.float64), bias=float(config["bias"]), bits=bits)
