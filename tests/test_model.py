"""Model files: round trip, safe loading, clear errors, training on a small corpus."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

import padcheck
from padcheck.model import ARRAYS_NAME, JSON_NAME, ModelError, default_model


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    rng = random.Random(7)
    human = ["The {} council met on {} and voted {}-{} on the plan.", "Rain fell in {} on {}; {} roads shut for {} hours."]
    padded = ["In today's fast-paced world, the {} landscape cannot be overstated.",
              "Certainly! Here is an article about {} that delves into {} and {}."]
    words = ["Harlow", "Tuesday", "river", "bridge", "budget", "school", "7", "3", "Lagos", "Friday"]
    rows = []
    for i in range(80):
        template = rng.choice(padded if i % 2 else human)
        rows.append({"text": template.format(*rng.sample(words, 4)), "label": i % 2, "group": f"g{i // 2}",
                     "source": "fixture"})
    folder = tmp_path_factory.mktemp("model")
    model, report = padcheck.train(rows=rows, out=folder, seed=1)
    return model, report, folder


def test_training_reports_grouped_metrics(tiny_model) -> None:
    model, report, _ = tiny_model
    assert report["rows"]["train"] + report["rows"]["calibration"] + report["rows"]["test"] == 80
    assert 0.5 <= model.threshold < 1.0
    test = report["test"]
    assert test["n"] == report["rows"]["test"] and "auroc" in test and len(test["auroc_ci"]) == 2
    assert set(test["slices"]) == {"domain", "generator", "length"}
    assert report["calibration"]["prior"] == 0.5 and 0.0 <= test["ece_even_prior"] <= 1.0
    points = report["calibration"]["operating_points"]
    assert [p["target_fpr"] for p in points] == [0.005, 0.01, 0.02, 0.05]
    assert next(p["threshold"] for p in points if p["target_fpr"] == 0.01) == model.threshold
    thresholds = [p["threshold"] for p in points]
    assert thresholds == sorted(thresholds, reverse=True)  # a higher false-positive rate never needs a higher bar


def test_model_card_lists_features_data_and_metrics(tiny_model) -> None:
    model, report, folder = tiny_model
    card = (folder / "MODEL_CARD.md").read_text()
    assert f"| all | {report['test']['n']} (" in card  # the held-out metrics table
    assert all(f"`{name}`" in card for name in model.feature_names)
    assert "scikit-learn" in card and "Rebuild:" in card
    assert "| ECE at even prior | ECE as sampled |" in card and "probability_at_prior" in card
    assert "| target FPR | threshold | test FPR | test TPR |" in card and "| 0.050 |" in card


def test_round_trip(tiny_model) -> None:
    model, _, folder = tiny_model
    loaded = padcheck.load_model(folder)
    assert loaded.feature_names == model.feature_names
    np.testing.assert_allclose(loaded.coef, model.coef)
    text = "Certainly! Here is an article about the river."
    assert padcheck.score(text, model=loaded).probability == pytest.approx(padcheck.score(text, model=model).probability)


def test_tampered_arrays_are_refused(tiny_model, tmp_path) -> None:
    _, _, folder = tiny_model
    for name in (JSON_NAME, ARRAYS_NAME):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    data = bytearray((tmp_path / ARRAYS_NAME).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / ARRAYS_NAME).write_bytes(bytes(data))
    with pytest.raises(ModelError, match="SHA-256"):
        padcheck.load_model(tmp_path)


def test_wrong_version_and_broken_json_are_refused(tiny_model, tmp_path) -> None:
    _, _, folder = tiny_model
    (tmp_path / ARRAYS_NAME).write_bytes((folder / ARRAYS_NAME).read_bytes())
    meta = json.loads((folder / JSON_NAME).read_text())
    meta["format_version"] = 99
    (tmp_path / JSON_NAME).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="version 99"):
        padcheck.load_model(tmp_path)
    (tmp_path / JSON_NAME).write_text('{"format": "padcheck-mo')
    with pytest.raises(ModelError, match="broken JSON"):
        padcheck.load_model(tmp_path)
    with pytest.raises(ModelError, match="not found"):
        padcheck.load_model(tmp_path / "nowhere")


def test_training_scores_test_rows_as_score_does(tmp_path) -> None:
    """The held-out metrics in the report are those of padcheck.score on the same rows.

    Half the human rows carry ``<br />`` line breaks, which make them HTML to the parser: the
    scorer then reads the extracted text, so training must hash that text too, not the markup.
    """
    from padcheck.evaluation import metrics_report
    from padcheck.training import _split_groups

    rng = random.Random(3)
    human = ["The {} council met on {} and voted {}-{} on the plan.<br /><br />It was a long night.",
             "Rain fell in {} on {}; {} roads shut for {} hours."]
    padded = ["In today's fast-paced world, the {} landscape cannot be overstated. {} and {} matter for {}.",
              "Certainly! Here is an article about {} that delves into {} and {} for {}."]
    words = ["Harlow", "Tuesday", "river", "bridge", "budget", "school", "7", "3", "Lagos", "Friday"]
    rows = [{"text": rng.choice(padded if i % 2 else human).format(*rng.sample(words, 4)), "label": i % 2,
             "group": f"g{i // 2}", "source": "fixture"} for i in range(120)]
    model, report = padcheck.train(rows=rows, out=tmp_path, seed=2)
    assert any(padcheck.parse(r["text"]).format == "html" for r in rows)
    groups = np.array([r["group"] for r in rows])
    _, test = _split_groups(groups, 0.2, 2)
    p = [padcheck.score(rows[i]["text"], model=model).probability for i in test]
    again = metrics_report([rows[i]["label"] for i in test], p, model.threshold, bootstrap=0)
    for key in ("auroc", "ece", "ece_even_prior", "fpr", "tpr"):
        assert again[key] == pytest.approx(report["test"][key], abs=1e-9), key


def test_shipped_model_loads_and_has_a_card() -> None:
    model = default_model()
    assert model.feature_names[: len(padcheck.features.feature_names())] == padcheck.features.feature_names()
    assert model.metadata["training_files"] and model.metadata["libraries"]["scikit-learn"]


def test_read_jsonl_names_file_and_line(tmp_path) -> None:
    from padcheck.training import read_jsonl

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok", "label": 0}\n{"text": "x", "label": 3}\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:2: field .label.: unknown label 3"):
        read_jsonl(bad)
    bad.write_text('{"text": "ok", "label": 0}\n{broken\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:2: not valid JSON"):
        read_jsonl(bad)
