"""Evaluation metrics: calibration error as sampled and at an even prior; the prior shift of a result."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import padcheck
from padcheck.evaluation import balanced_weights, expected_calibration_error, metrics_report


def _calibrated_sample(share_padded: float, n: int = 20_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Scores calibrated at an even prior, drawn from a corpus where ``share_padded`` is padded.

    Each text's log-odds at an even prior is drawn from N(+1.5, 1) for padded and N(-1.5, 1)
    for human texts, so the calibrated probability is sigmoid(3 z) for the score z.
    """
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < share_padded).astype(int)
    z = rng.normal(np.where(y == 1, 1.5, -1.5), 1.0)
    return y, 1.0 / (1.0 + np.exp(-3.0 * z))


def test_even_prior_ece_is_small_for_a_model_calibrated_at_an_even_prior() -> None:
    y, p = _calibrated_sample(0.8)
    as_sampled, _ = expected_calibration_error(y, p)
    even, curve = expected_calibration_error(y, p, sample_weight=balanced_weights(y))
    assert even < 0.02
    assert as_sampled > 0.04 and as_sampled > 3 * even  # four padded texts to one human: fractions padded sit above the probabilities
    assert sum(c["n"] for c in curve) == len(y)
    assert all(c["fraction_padded"] >= c["mean_probability"] - 0.05 for c in expected_calibration_error(y, p)[1])


def test_both_eces_agree_on_an_even_sample_and_weights_of_one_change_nothing() -> None:
    y, p = _calibrated_sample(0.5, seed=1)
    plain, plain_curve = expected_calibration_error(y, p)
    ones, ones_curve = expected_calibration_error(y, p, sample_weight=np.ones(len(y)))
    assert ones == pytest.approx(plain) and len(ones_curve) == len(plain_curve)
    for a, b in zip(ones_curve, plain_curve, strict=True):
        assert a["bin"] == b["bin"] and a["n"] == b["n"]
        assert (a["mean_probability"], a["fraction_padded"]) == pytest.approx((b["mean_probability"], b["fraction_padded"]))
    assert expected_calibration_error(y, p, sample_weight=balanced_weights(y))[0] == pytest.approx(plain, abs=0.01)


def test_ece_by_hand_and_bad_lengths() -> None:
    y = np.array([0, 1, 1, 1])
    p = np.array([0.05, 0.95, 0.95, 0.35])
    # bins: [0, .1) holds 0.05 (label 0), [.3, .4) holds 0.35 (label 1), [.9, 1] holds two 0.95 (labels 1)
    expected = 0.25 * 0.05 + 0.25 * 0.65 + 0.5 * 0.05
    assert expected_calibration_error(y, p)[0] == pytest.approx(expected)
    w = np.array([3.0, 1.0, 1.0, 1.0])
    assert expected_calibration_error(y, p, sample_weight=w)[0] == pytest.approx(0.5 * 0.05 + 1 / 6 * 0.65 + 1 / 3 * 0.05)
    with pytest.raises(ValueError, match="length"):
        expected_calibration_error(y, p, sample_weight=np.ones(3))


def test_balanced_weights() -> None:
    y = np.array([1, 1, 1, 0])
    w = balanced_weights(y)
    assert w[y == 1].sum() == pytest.approx(w[y == 0].sum()) and w.mean() == pytest.approx(1.0)
    np.testing.assert_array_equal(balanced_weights(np.array([1, 1])), [1.0, 1.0])


def test_metrics_report_carries_both_calibration_errors() -> None:
    y, p = _calibrated_sample(0.8, n=2000, seed=2)
    report = metrics_report(y, p, 0.5, bootstrap=0)
    assert report["ece_even_prior"] < report["ece"]
    assert report["reliability_even_prior"] and report["reliability"]
    one_label = metrics_report(np.ones(5, dtype=int), np.full(5, 0.9), 0.5, bootstrap=0)
    assert "ece_even_prior" not in one_label and one_label["ece"] == pytest.approx(0.1)


def test_probability_at_prior_moves_the_log_odds_by_the_prior_odds() -> None:
    r = padcheck.score("The council met on Tuesday and voted 7-2 to repair the bridge over the river.")
    assert r.probability_at_prior(0.5) == pytest.approx(r.probability)
    low, high = r.probability_at_prior(0.1), r.probability_at_prior(0.9)
    assert low < r.probability < high
    odds = lambda q: q / (1 - q)  # noqa: E731
    assert odds(high) / odds(r.probability) == pytest.approx(9.0)
    assert odds(low) / odds(r.probability) == pytest.approx(1 / 9)


@pytest.fixture(scope="module")
def short_result():
    return padcheck.score("Certainly! Here is an article about the river.")


@given(prior=st.one_of(st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not 0 < x < 1),
                       st.just(True), st.just("0.3"), st.none()))
def test_probability_at_prior_refuses_what_is_not_a_share(short_result, prior) -> None:
    with pytest.raises(ValueError, match="prior"):
        short_result.probability_at_prior(prior)


@given(prior=st.floats(min_value=1e-12, max_value=1 - 1e-12))
def test_probability_at_prior_is_a_probability(short_result, prior) -> None:
    q = short_result.probability_at_prior(prior)
    assert 0.0 <= q <= 1.0 and not math.isnan(q)
