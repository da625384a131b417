"""A learned lexical signal: hashed word uni- and bigrams scored by a linear model.

Each document is a TF-IDF vector of its hashed n-grams (sublinear term frequency
``1 + log(tf)``, inverse document frequency fitted on the training texts, L2-normalised). The
document's lexical logit is a sum over n-grams, so it splits exactly over sentences: an n-gram
is credited to the sentence where it first occurs. Hashing uses CRC-32 (stable across processes and platforms), so no
vocabulary needs storing.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from padcheck.document import Document

__all__ = ["LexicalScorer", "ngram_positions", "hashed_matrix", "document_frequencies"]

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
DEFAULT_BITS = 20


def ngram_positions(text: str, bits: int = DEFAULT_BITS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct hashed uni/bigram indices of ``text``, where each first occurs, and their counts."""
    mask = (1 << bits) - 1
    first: dict[int, int] = {}
    count: dict[int, int] = {}
    prev = None
    for m in _TOKEN.finditer(text):
        tok = m.group().lower().replace("’", "'")
        pos = m.start()
        h = zlib.crc32(tok.encode("utf-8", "surrogatepass")) & mask
        first.setdefault(h, pos)
        count[h] = count.get(h, 0) + 1
        if prev is not None:
            hb = zlib.crc32(f"{prev} {tok}".encode("utf-8", "surrogatepass")) & mask
            first.setdefault(hb, pos)
            count[hb] = count.get(hb, 0) + 1
        prev = tok
    n = len(first)
    idx = np.fromiter(first.keys(), dtype=np.int64, count=n)
    pos = np.fromiter(first.values(), dtype=np.int64, count=n)
    tf = np.fromiter((count[k] for k in first), dtype=np.float64, count=n)
    return idx, pos, tf


def _tfidf_values(tf: np.ndarray, idf: np.ndarray | None, idx: np.ndarray) -> np.ndarray:
    values = 1.0 + np.log(tf)
    if idf is not None:
        values = values * idf[idx]
    norm = np.sqrt(np.dot(values, values))
    return values / norm if norm > 0 else values


def document_frequencies(texts, bits: int = DEFAULT_BITS) -> np.ndarray:
    """Smoothed inverse document frequency ``log((1 + n) / (1 + df)) + 1`` of each hashed n-gram."""
    df = np.zeros(1 << bits)
    for text in texts:
        df[ngram_positions(text, bits)[0]] += 1
    return np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0


def hashed_matrix(texts, bits: int = DEFAULT_BITS, idf: np.ndarray | None = None) -> sparse.csr_matrix:
    """TF-IDF hashed n-gram matrix of ``texts`` (one L2-normalised row per text)."""
    indptr, indices, data = [0], [], []
    for text in texts:
        idx, _, tf = ngram_positions(text, bits)
        indices.append(idx)
        data.append(_tfidf_values(tf, idf, idx))
        indptr.append(indptr[-1] + len(idx))
    cat_i = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
    cat_d = np.concatenate(data) if data else np.zeros(0)
    return sparse.csr_matrix((cat_d, cat_i, np.array(indptr)), shape=(len(indptr) - 1, 1 << bits))


@dataclass(frozen=True)
class LexicalScorer:
    """Hashed n-gram weights, inverse document frequencies and bias of a fitted linear model."""

    weights: np.ndarray
    bias: float
    idf: np.ndarray | None = None
    bits: int = DEFAULT_BITS

    def _terms(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        idx, pos, tf = ngram_positions(text, self.bits)
        return idx, pos, self.weights[idx] * _tfidf_values(tf, self.idf, idx)

    def logit(self, text: str) -> float:
        """The lexical logit of a text."""
        _, _, terms = self._terms(text)
        return float(terms.sum() + self.bias)

    def sentence_logits(self, doc: Document) -> np.ndarray:
        """Each sentence's share of the lexical logit (without the bias); sums to ``logit - bias``."""
        out = np.zeros(len(doc.sentences))
        _, pos, terms = self._terms(doc.text)
        if not len(terms) or not len(out):
            return out
        starts = np.array([s.start for s in doc.sentences])
        owner = np.clip(np.searchsorted(starts, pos, side="right") - 1, 0, len(out) - 1)
        np.add.at(out, owner, terms)
        return out

    def config(self) -> dict:
        return {"bits": self.bits, "bias": self.bias, "weighting": "sublinear-tf-idf-l2"}

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = {"lexical_weights": self.weights.astype(np.float32)}
        if self.idf is not None:
            arrays["lexical_idf"] = self.idf.astype(np.float32)
        return arrays

    @classmethod
    def from_arrays(cls, config: dict, arrays: dict[str, np.ndarray]) -> LexicalScorer:
        bits = int(config["bits"])
        weights = arrays.get("lexical_weights")
        idf = arrays.get("lexical_idf")
        if weights is None or weights.shape != (1 << bits,) or (idf is not None and idf.shape != weights.shape):
            raise ValueError("lexical weights missing or of the wrong shape")
        return cls(weights=weights.astype(np.float64), bias=float(config["bias"]),
                   idf=None if idf is None else idf.astype(np.float64), bits=bits)
