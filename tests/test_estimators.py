"""scikit-learn contract of PadFeaturizer and PadClassifier, and their use in pipelines."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_score
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks

import padcheck
from padcheck import training
from padcheck.estimators import SHIPPED, PadClassifier, PadFeaturizer
from padcheck.features import feature_names
from padcheck.model import default_model

# -- a small hand-written corpus: 30 concrete reports, 30 padded rewrites ---------------------------

_PLACES = ["Harlow", "Dunmore", "Aldgate", "Kessel", "Brindle", "Otway", "Marsh End", "Pellam", "Ryecroft", "Tarn"]
_THINGS = ["bridge", "library", "bus depot", "school roof", "water main", "clinic"]
_HUMAN = [
    "The {p} council voted {a}-{b} on Tuesday to spend ${n}.{m} million repairing the {t}. "
    "Councillor Ruiz, who voted against, said the plan ignored the east side.",
    "Work on the {t} in {p} stopped for {a} days in March after crews found asbestos. "
    "The contractor billed an extra ${n}{m},000, according to invoices seen by the Gazette.",
    "{p} recorded {n}{m} mm of rain in {a} hours, flooding the {t} car park. "
    "Staff moved {b} vans to the old market site by 6 a.m.",
]
_PADDED = [
    "In today's fast-paced world, the {t} in {p} is more important than ever. It is important to note that "
    "the {t} plays a crucial role. The importance of the {t} cannot be overstated.",
    "Certainly! Here is the article you asked for about the {t} in {p}. In conclusion, the {t} is a game-changer "
    "that offers a seamless experience. I hope this helps!",
    "When it comes to the {t} in {p}, there are many factors to consider. Let's dive in and unlock the full "
    "potential of the {t}. Only time will tell what the future holds.",
]


def _corpus():
    texts, labels, groups = [], [], []
    for i in range(30):
        fill = {"p": _PLACES[i % 10], "t": _THINGS[i % 6], "a": 2 + i % 5, "b": 1 + i % 3, "n": 10 + i, "m": i % 10}
        texts += [_HUMAN[i % 3].format(**fill), _PADDED[i % 3].format(**fill)]
        labels += [0, 1]
        groups += [f"story{i}", f"story{i}"]  # a report and its rewrite share a group
    return texts, np.array(labels), np.array(groups)


TEXTS, LABELS, GROUPS = _corpus()


@pytest.fixture(scope="module")
def fitted() -> PadClassifier:
    return PadClassifier(lexical=False).fit(TEXTS, LABELS, groups=GROUPS)


# -- the sklearn estimator checks ----------------------------------------------------------------------
#
# Both estimators take text, and honestly tag themselves ``string`` input without ``two_d_array``;
# for such tags sklearn generates no checks at all. The subclasses below differ only in claiming
# numeric input, so sklearn generates its full list: the API checks that do not feed data must
# pass; each check that feeds a numeric array is listed with why it cannot apply and must fail
# (strict xfail: a check that starts passing gets noticed).

_NUMERIC = "feeds a numeric array; padcheck estimators take a sequence of str and refuse it with TypeError"
_NOT_APPLICABLE = {
    name: _NUMERIC
    for name in (
        "check_fit_score_takes_y", "check_estimators_overwrite_params", "check_dont_overwrite_parameters",
        "check_estimators_fit_returns_self", "check_readonly_memmap_input", "check_n_features_in_after_fitting",
        "check_estimators_dtypes", "check_complex_data", "check_dtype_object",
        "check_estimators_empty_data_messages", "check_pipeline_consistency", "check_estimators_pickle",
        "check_f_contiguous_array_estimator", "check_transformer_data_not_an_array", "check_transformer_general",
        "check_transformers_unfitted_stateless", "check_methods_sample_order_invariance",
        "check_methods_subset_invariance", "check_fit2d_1sample", "check_fit2d_1feature", "check_dict_unchanged",
        "check_fit_idempotent", "check_fit_check_is_fitted", "check_n_features_in", "check_fit1d",
        "check_fit2d_predict1d", "check_requires_y_none", "check_classifier_data_not_an_array",
        "check_classifiers_one_label", "check_classifiers_classes", "check_classifiers_train",
        "check_classifiers_regression_target", "check_supervised_y_no_nan", "check_supervised_y_2d",
        "check_decision_proba_consistency", "check_classifier_not_supporting_multiclass",
    )
}
_NOT_APPLICABLE.update({
    "check_positive_only_tag_during_fit": "feeds negative numbers as X, expecting them accepted; text input refuses numbers",
    "check_estimators_nan_inf": "expects a ValueError naming NaN/inf in numeric X; numbers are refused earlier as not text",
    "check_array_api_input": "array-API arrays are numeric; skipped by sklearn unless SCIPY_ARRAY_API is set",
})


class _FeaturizerAsNumeric(PadFeaturizer):
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        return tags


class _ClassifierAsNumeric(PadClassifier):
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        return tags


@parametrize_with_checks(
    [_FeaturizerAsNumeric(), _ClassifierAsNumeric()],
    expected_failed_checks=lambda est: _NOT_APPLICABLE,
    xfail_strict=True,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("est", [PadFeaturizer(), PadClassifier()])
def test_tags_declare_text_input(est):
    tags = get_tags(est)
    assert tags.input_tags.string and not tags.input_tags.two_d_array


# -- PadFeaturizer -----------------------------------------------------------------------------------


def test_featurizer_matches_the_training_features():
    X = PadFeaturizer().fit_transform(TEXTS[:6])
    assert X.dtype == float and X.shape == (6, len(feature_names()))
    np.testing.assert_array_equal(X, training.feature_matrix(TEXTS[:6]))


def test_featurizer_feature_names():
    est = PadFeaturizer().fit(TEXTS[:2])
    assert list(est.get_feature_names_out()) == list(feature_names())
    assert list(est.feature_names_out_) == list(feature_names())


def test_featurizer_is_stateless_and_format_matters():
    markdown = "# Conclusion\n\nIn conclusion, only time will tell.\n"
    as_md = PadFeaturizer(format="markdown").transform([markdown])
    as_text = PadFeaturizer(format="text").transform([markdown])
    assert as_md.shape == as_text.shape == (1, len(feature_names()))
    assert not np.array_equal(as_md, as_text)  # the '#' line is a heading only as Markdown


def test_featurizer_takes_a_text_column():
    column = np.array(TEXTS[:3], dtype=object).reshape(-1, 1)
    np.testing.assert_array_equal(PadFeaturizer().transform(column), PadFeaturizer().transform(TEXTS[:3]))


@pytest.mark.parametrize(
    "bad, match",
    [("one text", "single str"), (np.zeros((3, 2)), "1-D sequence of str"), ([1.0, 2.0], "item 0 is float"),
     (["ok", b"bytes"], "item 1 is bytes")],
)
def test_featurizer_refuses_non_text(bad, match):
    with pytest.raises(TypeError, match=match):
        PadFeaturizer().fit_transform(bad)


def test_featurizer_refuses_empty_input():
    with pytest.raises(ValueError, match="empty"):
        PadFeaturizer().fit([])


def _lengths(texts):
    return np.array([[len(t)] for t in texts], dtype=float)


def test_feature_union_beside_user_features():
    # A user's own features (bag of words, text length) next to padcheck's, one linear model on top.
    union = FeatureUnion([
        ("pad", PadFeaturizer()),
        ("words", CountVectorizer(min_df=2)),
        ("length", FunctionTransformer(_lengths, feature_names_out=lambda *_: np.array(["chars"], dtype=object))),
    ])
    pipe = make_pipeline(union, LogisticRegression(max_iter=2000)).fit(TEXTS, LABELS)
    assert pipe.score(TEXTS, LABELS) > 0.9
    names = union.get_feature_names_out()
    assert f"pad__{feature_names()[0]}" in names and "length__chars" in names


def test_column_transformer_with_a_numeric_column():
    X = np.empty((len(TEXTS), 2), dtype=object)
    X[:, 0] = TEXTS
    X[:, 1] = [float(i % 7) for i in range(len(TEXTS))]
    ct = ColumnTransformer([("pad", PadFeaturizer(), 0), ("num", "passthrough", [1])])
    pipe = make_pipeline(ct, LogisticRegression(max_iter=2000)).fit(X, LABELS)
    assert pipe.predict(X).shape == (len(TEXTS),)
    assert ct.transform(X).shape == (len(TEXTS), len(feature_names()) + 1)
    assert list(ct.get_feature_names_out())[:1] == [f"pad__{feature_names()[0]}"]


# -- PadClassifier -----------------------------------------------------------------------------------


def test_classifier_fitted_attributes(fitted):
    np.testing.assert_array_equal(fitted.classes_, [0, 1])
    assert fitted.threshold_ == fitted.model_.threshold
    assert {"cv", "calibration", "test", "rows"} <= set(fitted.report_)
    assert "lexical.logit" not in fitted.model_.feature_names  # lexical=False reached train


def test_classifier_predictions_are_padcheck_scores(fitted):
    texts = TEXTS[:8]
    proba = fitted.predict_proba(texts)
    assert proba.shape == (8, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    results = [padcheck.score(t, model=fitted.model_) for t in texts]
    np.testing.assert_allclose(proba[:, 1], [r.probability for r in results])
    np.testing.assert_allclose(fitted.decision_function(texts), [r.logit for r in results])
    np.testing.assert_array_equal(fitted.predict(texts), [int(r.is_padded) for r in results])


def test_classifier_learns_the_corpus(fitted):
    assert fitted.score(TEXTS, LABELS) >= 0.9


def test_fit_calls_padcheck_training_with_rows(monkeypatch):
    seen = {}
    real = training.train

    def spy(**kwargs):
        seen.update(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(training, "train", spy)
    PadClassifier(lexical=False, target_fpr=0.05, seed=3).fit(TEXTS, LABELS)
    assert {k: seen[k] for k in ("lexical", "target_fpr", "seed", "n_jobs")} == \
        {"lexical": False, "target_fpr": 0.05, "seed": 3, "n_jobs": 1}
    rows = seen["rows"]
    assert [r["text"] for r in rows] == TEXTS and [r["label"] for r in rows] == LABELS.tolist()
    assert [r["group"] for r in rows] == [str(i) for i in range(len(TEXTS))]  # default: own group each


def test_from_model_shipped_needs_no_fit():
    clf = PadClassifier.from_model(None)
    assert clf.model == SHIPPED and clf.model_ is default_model()
    text = "Certainly! Here is the article you asked for. I hope this helps!"
    assert clf.predict_proba([text])[0, 1] == pytest.approx(padcheck.score(text).probability)


def test_from_model_path_and_clone_do_not_retrain(tmp_path, fitted, monkeypatch):
    fitted.model_.save(tmp_path)
    clf = PadClassifier.from_model(tmp_path)
    np.testing.assert_allclose(clf.predict_proba(TEXTS[:4]), fitted.predict_proba(TEXTS[:4]))

    def no_training(**kwargs):
        raise AssertionError("a given model must not be retrained")

    monkeypatch.setattr(training, "train", no_training)
    # The clone carries model=path, so cross-validation evaluates that model on each fold.
    scores = cross_val_score(clone(clf), TEXTS, LABELS, groups=GROUPS, cv=GroupKFold(n_splits=3))
    assert scores.shape == (3,) and (scores >= 0.5).all()


def test_unfitted_classifier_raises():
    with pytest.raises(NotFittedError):
        PadClassifier().predict(["text"])


@pytest.mark.parametrize(
    "y, match",
    [([0, 1, 2] * 20, "Only binary classification"), (["h", "p"] * 30, "0 \\(human\\) or 1 \\(padded\\)"),
     (np.linspace(0, 1, 60), "continuous"), ([0, 1] * 10, "one label per text")],
)
def test_classifier_validates_y(y, match):
    with pytest.raises(ValueError, match=match):
        PadClassifier().fit(TEXTS, y)


def test_classifier_validates_x_and_groups():
    with pytest.raises(TypeError, match="sequence of str"):
        PadClassifier().fit(np.zeros((60, 3)), LABELS)
    with pytest.raises(ValueError, match="groups"):
        PadClassifier().fit(TEXTS, LABELS, groups=[1, 2])
    with pytest.raises(TypeError, match="single str"):
        PadClassifier.from_model(None).predict("one text")


def test_training_needs_both_labels():
    with pytest.raises(ValueError, match="both labels"):
        PadClassifier(lexical=False).fit(TEXTS, np.ones(len(TEXTS), dtype=int))
