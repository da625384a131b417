"""The datatrove ``PaddingFilter``: drops padded text with a reason, keeps real writing, writes metadata."""

from __future__ import annotations

import json
import pickle

import pytest

pytest.importorskip("datatrove", reason="datatrove is not installed (pip install 'padcheck[datatrove]')")

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

import padcheck  # noqa: E402
from padcheck.datatrove import PaddingFilter  # noqa: E402

PADDED = (
    "Certainly! Here is the article you asked for. In today's fast-paced world, it is important to note "
    "that budgets matter. The council voted 5-2 on Tuesday to approve a $41.3 million budget. I hope this helps!"
)
HUMAN = (
    "The Harlow county council voted 5-2 on Tuesday night to approve a $41.3 million budget. "
    "Councillor Dana Ruiz, who voted against, said the plan left the east side's bridges one winter from closing."
)
GERMAN = (
    "Der Gemeinderat hat am Dienstag mit fünf zu zwei Stimmen einen Haushalt von 41,3 Millionen Euro "
    "beschlossen. Die Brücken im Osten der Stadt seien in einem schlechten Zustand, sagte die Rätin."
)


def _docs():
    return [Document(text=PADDED, id="padded"), Document(text=HUMAN, id="human"), Document(text=GERMAN, id="de")]


def test_run_drops_padded_keeps_human_and_writes_metadata():
    step = PaddingFilter()
    docs = _docs()
    kept = list(step.run(iter(docs)))
    assert [d.id for d in kept] == ["human", "de"]  # unsupported language is kept by default
    for doc in docs:  # every document is annotated, dropped ones included
        assert 0.0 <= doc.metadata["padcheck_probability"] <= 1.0
        assert isinstance(json.loads(doc.metadata["padcheck_reasons"]), list)
    expected = padcheck.score(PADDED)
    assert docs[0].metadata["padcheck_probability"] == expected.probability
    assert [r["code"] for r in json.loads(docs[0].metadata["padcheck_reasons"])] == \
        [r.code for r in expected.top_reasons(3)]
    assert docs[2].metadata["padcheck_language_supported"] is False
    stats = step.stats.to_dict()["stats"]
    assert (stats["total"], stats["dropped"], stats["forwarded"]) == (3, 1, 2)
    assert stats[f"dropped_padcheck.{expected.top_reasons(1)[0].code}"] == 1


def test_filter_return_values():
    step = PaddingFilter()
    drop = step.filter(Document(text=PADDED, id="p"))
    assert drop == (False, "padcheck." + padcheck.score(PADDED).top_reasons(1)[0].code)
    assert step.filter(Document(text=HUMAN, id="h")) is True


def test_threshold_and_unsupported_language():
    human_p = padcheck.score(HUMAN).probability
    assert PaddingFilter(threshold=human_p / 2).filter(Document(text=HUMAN, id="h"))[0] is False
    assert PaddingFilter(threshold=1.0).filter(Document(text=PADDED, id="p")) is True
    assert PaddingFilter(keep_unsupported=False).filter(Document(text=GERMAN, id="de")) == \
        (False, "padcheck.unsupported_language")
    # top_reasons=0 keeps the metadata empty, but the drop still names the strongest reason
    assert PaddingFilter(top_reasons=0).filter(Document(text=PADDED, id="p"))[1].startswith("padcheck.")


def test_bad_arguments():
    with pytest.raises(ValueError, match="threshold"):
        PaddingFilter(threshold=2)
    with pytest.raises(TypeError, match="model"):
        PaddingFilter(model=3)
    with pytest.raises(padcheck.ModelError):
        PaddingFilter(model="no-such-model-folder")


def test_model_path_is_pickled_not_the_arrays(tmp_path):
    folder = tmp_path / "model"
    from padcheck.model import default_model

    default_model().save(folder)
    step = PaddingFilter(model=folder)
    assert isinstance(step.model, str)  # only the path travels into datatrove's tasks
    clone = pickle.loads(pickle.dumps(step))
    assert clone.filter(Document(text=PADDED, id="p"))[0] is False


def test_local_pipeline_executor(tmp_path):
    src, out, dropped = tmp_path / "in", tmp_path / "out", tmp_path / "dropped"
    src.mkdir()
    with open(src / "docs.jsonl", "w", encoding="utf-8") as fh:
        for doc in _docs():
            fh.write(json.dumps({"id": doc.id, "text": doc.text}) + "\n")
    pipeline = [
        JsonlReader(str(src)),
        PaddingFilter(exclusion_writer=JsonlWriter(str(dropped), compression=None)),
        JsonlWriter(str(out), compression=None),
    ]
    LocalPipelineExecutor(pipeline=pipeline, tasks=1, workers=1, logging_dir=str(tmp_path / "logs")).run()
    kept = [json.loads(line) for f in sorted(out.glob("*.jsonl")) for line in f.read_text().splitlines()]
    gone = [json.loads(line) for f in sorted(dropped.glob("*.jsonl")) for line in f.read_text().splitlines()]
    assert sorted(d["id"] for d in kept) == ["de", "human"]
    assert [d["id"] for d in gone] == ["padded"]
    assert gone[0]["metadata"]["filter_reason"].startswith("padcheck.")
    assert all("padcheck_probability" in d["metadata"] for d in kept + gone)
