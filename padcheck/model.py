"""The padding model: a calibrated linear model over extractor features, stored without pickle.

A model is two files in one folder: ``padcheck-model.json`` (format version, feature names,
scaler, coefficients, calibration, threshold, training metadata) and ``padcheck-model.npz``
(the hashed lexical weights, loaded with ``allow_pickle=False``). The JSON records the SHA-256
of the arrays, so a tampered or truncated file is refused with a message naming it.

Because the model is linear in (scaled) features, each feature's log-odds contribution is exact:
``logit = intercept + sum(contributions)``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from padcheck._atomic import atomic_write
from padcheck.lexical import LexicalScorer

__all__ = ["PadModel", "ModelError", "load_model", "default_model", "MODEL_FORMAT_VERSION"]

MODEL_FORMAT_VERSION = 2  # 2: token+punctuation and character 3-6-gram lexical scheme, NB-LR
JSON_NAME = "padcheck-model.json"
ARRAYS_NAME = "padcheck-model.npz"


class ModelError(ValueError):
    """A model file is missing, damaged, tampered with or of an unsupported version."""


@dataclass(frozen=True)
class PadModel:
    """A trained padding model.

    Attributes
    ----------
    feature_names : tuple of str
        Features in the order of ``coef``.
    mean, scale : numpy.ndarray
        Standardisation applied to the features before the linear model.
    coef : numpy.ndarray
        Linear coefficients on standardised features (already multiplied by the calibration slope).
    intercept : float
        Calibrated intercept.
    threshold : float
        Probability at or above which a text is called padded.
    lexical : LexicalScorer or None
        The hashed n-gram scorer whose out-of-fold logit is the ``lexical.logit`` feature.
    metadata : dict
        Training data, metrics and library versions (the model card's facts).
    """

    feature_names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    lexical: LexicalScorer | None = None
    metadata: dict = field(default_factory=dict)

    def contributions(self, features: dict[str, float]) -> dict[str, float]:
        """Log-odds contribution of each feature (they sum, with ``intercept``, to the logit)."""
        # ((x - mean) / scale) * coef per feature, in Python floats: the same IEEE operations as
        # numpy's, without its per-call cost on a few dozen numbers.
        return {name: (float(features[name]) - m) / s * c for name, m, s, c in self._standardisation}

    @cached_property
    def _standardisation(self) -> tuple[tuple[str, float, float, float], ...]:
        return tuple(zip(self.feature_names, self.mean.tolist(), self.scale.tolist(), self.coef.tolist(), strict=True))

    def warm(self) -> PadModel:
        """Build the tables scoring derives from the model now, not on the first text.

        Worth calling before forking worker processes, so that they share one copy. Returns the
        model itself.
        """
        _ = self._standardisation
        if self.lexical is not None:
            self.lexical.warm()
        return self

    def logit_of(self, matrix: np.ndarray) -> np.ndarray:
        """Calibrated logits for a feature matrix (rows in ``feature_names`` order)."""
        return ((matrix - self.mean) / self.scale) @ self.coef + self.intercept

    # -- persistence ----------------------------------------------------------------------------

    def save(self, folder: str | os.PathLike) -> Path:
        """Write the model atomically to ``folder`` (created if needed); returns the JSON path."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {
            "mean": self.mean.astype(np.float64),
            "scale": self.scale.astype(np.float64),
            "coef": self.coef.astype(np.float64),
        }
        if self.lexical is not None:
            arrays.update(self.lexical.to_arrays())
        arrays_path = folder / ARRAYS_NAME
        atomic_write(arrays_path, lambda fh: np.savez_compressed(fh, **arrays))
        meta = {
            "format": "padcheck-model",
            "format_version": MODEL_FORMAT_VERSION,
            "feature_names": list(self.feature_names),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "lexical": None if self.lexical is None else self.lexical.config(),
            "arrays_sha256": _sha256(arrays_path),
            "metadata": self.metadata,
        }
        json_path = folder / JSON_NAME
        payload = json.dumps(meta, indent=2, sort_keys=True).encode("utf-8")
        atomic_write(json_path, lambda fh: fh.write(payload))
        return json_path

    @classmethod
    def load(cls, folder: str | os.PathLike) -> PadModel:
        """Load a model folder (or its JSON file); never unpickles anything."""
        path = Path(folder)
        json_path = path if path.suffix == ".json" else path / JSON_NAME
        arrays_path = json_path.with_name(ARRAYS_NAME)
        try:
            meta = json.loads(json_path.read_text("utf-8"))
        except FileNotFoundError:
            raise ModelError(f"{json_path}: model file not found") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"{json_path}: not a padcheck model (broken JSON: {exc})") from None
        if not isinstance(meta, dict) or meta.get("format") != "padcheck-model":
            raise ModelError(f"{json_path}: not a padcheck model file")
        version = meta.get("format_version")
        if version != MODEL_FORMAT_VERSION:
            raise ModelError(
                f"{json_path}: model format version {version!r}; this padcheck reads version {MODEL_FORMAT_VERSION}"
            )
        if not arrays_path.exists():
            raise ModelError(f"{arrays_path}: model arrays file not found")
        if _sha256(arrays_path) != meta.get("arrays_sha256"):
            raise ModelError(f"{arrays_path}: SHA-256 does not match the model JSON (file changed or truncated)")
        try:
            with np.load(arrays_path, allow_pickle=False) as npz:
                arrays = {key: npz[key] for key in npz.files}
        except Exception as exc:  # zipfile/ValueError variety: all mean a damaged file
            raise ModelError(f"{arrays_path}: cannot read model arrays ({exc})") from None
        names = tuple(meta["feature_names"])
        for key in ("mean", "scale", "coef"):
            if key not in arrays or arrays[key].shape != (len(names),):
                raise ModelError(f"{arrays_path}: array {key!r} missing or of the wrong shape")
        try:
            lexical = LexicalScorer.from_arrays(meta["lexical"], arrays) if meta.get("lexical") else None
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{arrays_path}: bad lexical scorer ({exc})") from None
        return cls(
            feature_names=names,
            mean=arrays["mean"],
            scale=arrays["scale"],
            coef=arrays["coef"],
            intercept=float(meta["intercept"]),
            threshold=float(meta["threshold"]),
            lexical=lexical,
            metadata=meta.get("metadata", {}),
        )


def sigmoid(z: float) -> float:
    """Numerically safe logistic function."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_model(path: str | os.PathLike) -> PadModel:
    """Load a padcheck model from a folder written by :func:`padcheck.train` or ``PadModel.save``.

    Parameters
    ----------
    path : str or path-like
        The model folder, or its ``padcheck-model.json``.

    Raises
    ------
    ModelError
        If the files are missing, damaged, tampered with, or of another format version.
    """
    return PadModel.load(path)


_DEFAULT: PadModel | None = None


def default_model() -> PadModel:
    """The model shipped with padcheck, loaded once on first use."""
    global _DEFAULT
    if _DEFAULT is None:
        folder = resources.files("padcheck.shipped_model")
        with resources.as_file(folder) as real:
            _DEFAULT = PadModel.load(real)
    return _DEFAULT
