"""scikit-learn estimators: padcheck features as a transformer, the padcheck model as a classifier.

Both take raw text (one document per item), not a numeric matrix, so they declare the ``string``
input tag and not ``two_d_array``. ``PadFeaturizer`` yields the extractor features so they can sit
in a ``FeatureUnion`` or ``ColumnTransformer`` beside a user's own; ``PadClassifier`` trains with
exactly :func:`padcheck.train` and predicts with exactly :func:`padcheck.score`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
from scipy.sparse import issparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from padcheck import training
from padcheck.features import extract_all, feature_names
from padcheck.model import PadModel, default_model, load_model
from padcheck.parse import parse
from padcheck.scoring import DEFAULT_MAX_CHARS, score_many

__all__ = ["PadFeaturizer", "PadClassifier", "SHIPPED"]

#: ``PadClassifier(model=SHIPPED)`` stands for the model shipped with padcheck. A string rather
#: than the loaded object keeps ``repr`` and ``clone`` of such an estimator small.
SHIPPED = "shipped"


def _check_texts(X) -> list[str]:
    """Return ``X`` as a list of str, or raise a TypeError saying what was wrong.

    A column of shape (n, 1) is accepted because ``ColumnTransformer`` hands over a 2-D slice
    when its column selector is a list.
    """
    if isinstance(X, (str, bytes, bytearray)):
        raise TypeError(
            f"X must be a sequence of str (one document per item), got a single {type(X).__name__}; "
            "wrap it in a list"
        )
    if issparse(X):
        raise TypeError("sparse input is not supported: X must be a sequence of str (one document per item)")
    if hasattr(X, "__len__") and len(X) == 0:
        raise ValueError("X is empty: padcheck needs at least one text")
    if isinstance(X, np.ndarray):
        if X.ndim == 2 and X.shape[1] == 1:
            X = X[:, 0]
        elif X.ndim != 1:
            raise TypeError(f"X must be a 1-D sequence of str (one document per item), got an array of shape {X.shape}")
    elif not isinstance(X, Sequence) and not hasattr(X, "__iter__"):
        raise TypeError(f"X must be a sequence of str (one document per item), got {type(X).__name__}")
    texts = list(X)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(
                f"X must be a sequence of str (one document per item); item {i} is {type(t).__name__}"
                " (padcheck estimators take raw text, not numeric features)"
            )
    return texts


def _check_binary(y, n: int) -> np.ndarray:
    y = column_or_1d(y, warn=False)
    if len(y) != n:
        raise ValueError(f"y must have one label per text ({n}), got {len(y)}")
    y_type = type_of_target(y, input_name="y", raise_unknown=True)
    if y_type != "binary":
        raise ValueError(f"Only binary classification is supported. The type of the target is {y_type}.")
    if not set(np.unique(y).tolist()) <= {0, 1}:
        raise ValueError(f"y must be 0 (human) or 1 (padded), got labels {np.unique(y).tolist()}")
    return y.astype(int)


def _string_tags(tags):
    # Text in, so sklearn's numeric-array checks do not apply and must not be generated for us.
    tags.input_tags.two_d_array = False
    tags.input_tags.string = True
    return tags


class PadFeaturizer(TransformerMixin, BaseEstimator):
    """Turn texts into padcheck's extractor features.

    Each text is parsed with :func:`padcheck.parse` and run through every registered extractor
    (:func:`padcheck.features.extract_all`); columns follow :func:`padcheck.features.feature_names`.
    The transformer is stateless: ``fit`` only checks the input and records the output names.

    Parameters
    ----------
    format : {"auto", "text", "markdown", "html"}, default="auto"
        Input format given to :func:`padcheck.parse`.

    Attributes
    ----------
    feature_names_out_ : numpy.ndarray of str
        The output feature names (set by ``fit``).

    See Also
    --------
    PadClassifier : The full padcheck model, trained or shipped.

    Examples
    --------
    >>> from padcheck.estimators import PadFeaturizer
    >>> X = PadFeaturizer().fit_transform(["It rained.", "Certainly! Here is your article."])
    >>> X.shape[0]
    2
    >>> X.shape[1] == len(PadFeaturizer().get_feature_names_out())
    True
    """

    def __init__(self, format="auto"):
        self.format = format

    def fit(self, X, y=None):
        """Check ``X`` and record the output feature names.

        Parameters
        ----------
        X : sequence of str
            Documents.
        y : ignored
            Present for the pipeline API.

        Returns
        -------
        self : PadFeaturizer
            The transformer.
        """
        _check_texts(X)
        self.feature_names_out_ = np.asarray(feature_names(), dtype=object)
        return self

    def transform(self, X):
        """Extract the features of each text.

        Parameters
        ----------
        X : sequence of str
            Documents.

        Returns
        -------
        numpy.ndarray of shape (n_texts, n_features)
            Float features in :func:`padcheck.features.feature_names` order.
        """
        texts = _check_texts(X)
        names = feature_names()
        rows = []
        for text in texts:
            features = extract_all(parse(text, self.format)).features
            rows.append([features[name] for name in names])
        return np.asarray(rows, dtype=float).reshape(len(texts), len(names))

    def get_feature_names_out(self, input_features=None):
        """Output feature names.

        Parameters
        ----------
        input_features : ignored
            The input is a text column; the outputs do not derive their names from it.

        Returns
        -------
        numpy.ndarray of str
            The extractor feature names, in column order.
        """
        return np.asarray(feature_names(), dtype=object)

    def __sklearn_tags__(self):
        tags = _string_tags(super().__sklearn_tags__())
        tags.requires_fit = False  # nothing is learned
        tags.transformer_tags.preserves_dtype = []  # str in, float out
        return tags


class PadClassifier(ClassifierMixin, BaseEstimator):
    """padcheck's calibrated padding model as a scikit-learn binary classifier.

    ``fit`` trains with :func:`padcheck.training.train` (the procedure behind :func:`padcheck.train`:
    grouped splits, stacked lexical signal, Platt calibration, threshold at ``target_fpr``).
    Predictions come from :func:`padcheck.score`, so ``predict_proba(X)[:, 1]`` equals
    ``padcheck.score(text, model=clf.model_).probability``.

    Parameters
    ----------
    lexical : bool, default=True
        Stack the hashed n-gram lexical signal as a feature.
    target_fpr : float, default=0.01
        False-positive rate on held-out human texts that sets the decision threshold.
    seed : int, default=0
        Seed of the grouped splits.
    n_jobs : int, default=1
        Processes for feature extraction in ``fit`` and for scoring in ``predict*``.
    model : None, "shipped", PadModel or path, default=None
        ``None`` trains a model in ``fit``. Anything else is a ready model: ``fit`` then only
        checks ``X`` and ``y`` and takes it as is, so clones of :meth:`from_model` estimators
        evaluate that model (rather than retrain it) under cross-validation. ``"shipped"`` is the
        model shipped with padcheck.

    Attributes
    ----------
    model_ : PadModel
        The trained (or given) model.
    report_ : dict
        Grouped held-out metrics from training (the model's stored report for a given model).
    classes_ : numpy.ndarray
        ``array([0, 1])``: 0 = human, 1 = padded.
    threshold_ : float
        Probability at or above which ``predict`` says padded.

    See Also
    --------
    PadFeaturizer : The extractor features alone, for a model of your own.
    padcheck.train : The same training on JSON Lines files.

    Examples
    --------
    >>> from padcheck.estimators import PadClassifier
    >>> clf = PadClassifier.from_model(None)  # the shipped model, no training
    >>> clf.predict_proba(["It rained on Tuesday."]).shape
    (1, 2)
    >>> clf.predict(["Certainly! Here is the article you asked for. I hope this helps!"]).tolist()
    [1]
    """

    def __init__(self, lexical=True, target_fpr=0.01, seed=0, n_jobs=1, model=None):
        self.lexical = lexical
        self.target_fpr = target_fpr
        self.seed = seed
        self.n_jobs = n_jobs
        self.model = model

    @classmethod
    def from_model(cls, model=None, **params) -> PadClassifier:
        """A fitted classifier wrapping a ready model, without training.

        Parameters
        ----------
        model : None, "shipped", PadModel or path
            The model; ``None`` (or ``"shipped"``) is the model shipped with padcheck.
        **params
            Other constructor parameters (``n_jobs`` matters for prediction).

        Returns
        -------
        PadClassifier
            Ready for ``predict``, ``predict_proba``, ``decision_function`` and ``score``.
        """
        est = cls(model=SHIPPED if model is None else model, **params)
        est._set_model(est._resolve_model(), None)
        return est

    def _resolve_model(self) -> PadModel:
        if isinstance(self.model, PadModel):
            return self.model
        if isinstance(self.model, str) and self.model == SHIPPED:
            return default_model()
        if isinstance(self.model, (str, os.PathLike)):
            return load_model(self.model)
        raise TypeError(f"model must be None, {SHIPPED!r}, a PadModel or a model folder path; got {type(self.model).__name__}")

    def _set_model(self, model: PadModel, report: dict | None) -> None:
        self.model_ = model
        self.report_ = report if report is not None else dict(model.metadata.get("report", {}))
        self.classes_ = np.array([0, 1])
        self.threshold_ = float(model.threshold)

    def fit(self, X, y, groups=None):
        """Train the padding model (or take the given ``model``).

        Parameters
        ----------
        X : sequence of str
            Documents (at least 20, both labels present, when training).
        y : array-like of {0, 1}
            0 = human, 1 = padded.
        groups : array-like, optional
            Group of each text (e.g. the source document of several rewrites); splits never put
            one group on two sides. Defaults to each row its own group.

        Returns
        -------
        self : PadClassifier
            The fitted classifier.
        """
        texts = _check_texts(X)
        y = _check_binary(y, len(texts))
        if groups is None:
            groups = np.arange(len(texts))
        groups = np.asarray(groups)
        if groups.shape != (len(texts),):
            raise ValueError(f"groups must have one entry per text ({len(texts)}), got shape {groups.shape}")
        if self.model is not None:
            self._set_model(self._resolve_model(), None)
            return self
        # One source: training balances weight across sources, and a user's data is one.
        rows = [{"text": t, "label": int(label), "group": str(g), "source": "fit"}
                for t, label, g in zip(texts, y, groups.tolist(), strict=True)]
        model, report = training.train(rows=rows, lexical=self.lexical, target_fpr=self.target_fpr,
                                       seed=self.seed, n_jobs=self.n_jobs)
        self._set_model(model, report)
        return self

    def _results(self, X):
        check_is_fitted(self, "model_")
        texts = _check_texts(X)
        return score_many(texts, model=self.model_, max_chars=DEFAULT_MAX_CHARS, n_jobs=self.n_jobs)

    def decision_function(self, X):
        """Calibrated log-odds that each text is padded.

        Parameters
        ----------
        X : sequence of str
            Documents.

        Returns
        -------
        numpy.ndarray of shape (n_texts,)
            ``PadResult.logit`` of each text.
        """
        return np.array([r.logit for r in self._results(X)], dtype=float)

    def predict_proba(self, X):
        """Calibrated class probabilities.

        Parameters
        ----------
        X : sequence of str
            Documents.

        Returns
        -------
        numpy.ndarray of shape (n_texts, 2)
            Columns follow ``classes_``: P(human), P(padded).
        """
        p = np.array([r.probability for r in self._results(X)], dtype=float)
        return np.column_stack([1.0 - p, p])

    def predict(self, X):
        """Padded (1) when the probability reaches ``threshold_``, else human (0).

        Parameters
        ----------
        X : sequence of str
            Documents.

        Returns
        -------
        numpy.ndarray of shape (n_texts,)
            Labels from ``classes_``.
        """
        p = self.predict_proba(X)[:, 1]
        return self.classes_[(p >= self.threshold_).astype(int)]

    def __sklearn_tags__(self):
        tags = _string_tags(super().__sklearn_tags__())
        tags.classifier_tags.multi_class = False
        return tags
