"""The command line: streaming score with one output record per input, resume, train, evaluate."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from padcheck.cli import main
from padcheck.io import DataError, parse_label, read_rows

PADDED = "Certainly! Here is the article you asked for. In today's fast-paced world, it cannot be overstated."
HUMAN = "The council met on Tuesday and voted 5-2 to repair the Elm Street bridge before winter."


def _records(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "a", "text": PADDED}),
        json.dumps({"id": "b", "text": HUMAN}),
        "{broken json",
        json.dumps({"id": "c", "body": "no text field"}),
    ]) + "\n")
    return path


def test_every_record_yields_one_output_record(corpus, tmp_path, capsys) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["score", str(corpus), "-o", str(out)]) == 1  # two records failed
    records = _records(out)
    assert [r["id"] for r in records] == ["a", "b", f"{corpus}:3", "c"]
    assert records[0]["is_padded"] and not records[1]["is_padded"]
    assert "not valid JSON" in records[2]["error"] and "text" in records[3]["error"]
    assert "scored 2 of 4 records, 2 failed" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_with_rate_only_on_a_terminal(corpus, tmp_path, monkeypatch, capsys) -> None:
    out = tmp_path / "out.jsonl"
    main(["score", str(corpus), "-o", str(out)])
    assert "doc/s" not in capsys.readouterr().err  # not a terminal: the summary line only
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    main(["score", str(corpus), "-o", str(out)])
    shown = terminal.getvalue()
    assert "scoring" in shown and "doc/s" in shown and "4doc" in shown.replace(" ", "")
    assert len(_records(out)) == 4


def test_parallel_output_keeps_input_order(corpus, tmp_path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    main(["score", str(corpus), "-o", str(one)])
    main(["score", str(corpus), "-o", str(two), "--jobs", "2"])
    assert _records(one) == _records(two)


def test_parallel_streaming_over_many_chunks_keeps_order_and_errors(tmp_path) -> None:
    # More records than the in-flight window (chunks of 16, 4 per worker), with bad ones mixed in.
    lines = []
    for i in range(150):
        if i % 37 == 5:
            lines.append("{not json")
        else:
            lines.append(json.dumps({"id": f"r{i}", "text": f"Record {i} says the river rose {i} cm."}))
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["score", str(path), "-o", str(one)]) == 1
    assert main(["score", str(path), "-o", str(two), "--jobs", "2"]) == 1
    serial, parallel = _records(one), _records(two)
    assert len(parallel) == 150 and serial == parallel
    assert sum("error" in r for r in parallel) == 4  # records 5, 42, 79 and 116


def test_max_chars_cuts_long_records_and_marks_them(tmp_path) -> None:
    path = tmp_path / "long.jsonl"
    long_text = "The river rose two metres overnight. " * 200
    path.write_text(json.dumps({"id": "long", "text": long_text}) + "\n" + json.dumps({"id": "short", "text": "It rained."}) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["score", str(path), "-o", str(out), "--max-chars", "500", "--sentences"]) == 0
    long_rec, short_rec = _records(out)
    assert long_rec["truncated"] and not short_rec["truncated"]
    assert max(s["end"] for s in long_rec["sentences"]) <= 500
    with pytest.raises(SystemExit, match="max-chars"):
        main(["score", str(path), "--max-chars", "0"])


def test_resume_skips_done_ids_and_mends_a_torn_line(corpus, tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    main(["score", str(corpus), "-o", str(out)])
    full = out.read_text().splitlines()
    out.write_text(full[0] + "\n" + full[1][:20])  # crashed while writing the second record
    main(["score", str(corpus), "-o", str(out), "--resume"])
    assert [r["id"] for r in _records(out)] == [r["id"] for r in map(json.loads, full)]


def test_folders_glob_and_stdin(tmp_path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(PADDED)
    (tmp_path / "docs" / "b.md").write_text("# Notes\n\n" + HUMAN)
    (tmp_path / "docs" / "skip.bin").write_bytes(b"\xff\xfe")
    out = tmp_path / "out.jsonl"
    main(["score", str(tmp_path / "docs"), "--glob", "*.txt", "-o", str(out)])
    assert [r["id"].rsplit("/", 1)[-1] for r in _records(out)] == ["a.txt"]
    proc = subprocess.run([sys.executable, "-m", "padcheck", "score", "-"], input=HUMAN, capture_output=True,
                          text=True, check=True)
    assert json.loads(proc.stdout)["id"] == "-"


def test_human_output(tmp_path, capsys) -> None:
    path = tmp_path / "a.txt"
    path.write_text(PADDED)
    main(["score", "--human", str(path)])
    assert "PADDED" in capsys.readouterr().out


def test_labels_and_bad_rows(tmp_path) -> None:
    assert [parse_label(v) for v in (0, 1, True, "false", "1")] == [0, 0 + 1, 1, 0, 1]
    assert parse_label("bot", {"bot": 1}) == 1
    with pytest.raises(ValueError, match="label map"):
        parse_label("bot")
    csv_path = tmp_path / "rows.csv"
    csv_path.write_text("body,kind,site\nhello there,human,x\nbuy now,ai,y\nmissing,,z\n")
    with pytest.raises(DataError, match=r"rows.csv:4: field 'kind'"):
        read_rows(csv_path, text_field="body", label_field="kind", label_map={"human": 0, "ai": 1})
    rows = read_rows(csv_path, text_field="body", label_field="kind", group_field="site",
                     label_map={"human": 0, "ai": 1}, on_error="skip")
    assert [(r["text"], r["label"], r["group"]) for r in rows] == [("hello there", 0, "x"), ("buy now", 1, "y")]


def test_train_and_evaluate_commands(tmp_path, capsys) -> None:
    rows = []
    for i in range(60):
        text = (f"Certainly! In today's fast-paced world, topic {i} cannot be overstated." if i % 2 else
                f"On day {i} the club met at the hall and elected a new treasurer by {i % 7 + 3} votes.")
        rows.append(json.dumps({"text": text, "label": "bot" if i % 2 else "person", "site": f"s{i // 2}"}))
    data = tmp_path / "train.jsonl"
    data.write_text("\n".join(rows) + "\n")
    model_dir = tmp_path / "model"
    args = ["--label-field", "label", "--group-field", "site", "--label-map", "person=0,bot=1"]
    assert main(["train", str(data), "--out", str(model_dir), *args]) == 0
    assert {p.name for p in model_dir.iterdir()} >= {"padcheck-model.json", "padcheck-model.npz", "MODEL_CARD.md",
                                                      "training-report.json"}
    report = tmp_path / "report.json"
    assert main(["evaluate", str(data), "--model", str(model_dir), "--report", str(report), "--bootstrap", "20",
                 *args]) == 0
    full = json.loads(report.read_text())
    assert full["auroc"] > 0.9 and full["auroc_ci"] and "length" in full["slices"]
    assert main(["train", str(data), "--out", str(tmp_path / "m2"), "--label-field", "label"]) == 2
    assert "unknown label 'person'" in capsys.readouterr().err


def test_evaluate_html_report_escapes_domains(tmp_path) -> None:
    from padcheck.evaluation import metrics_report
    from padcheck.report import evaluation_html

    rows = [{"text": "a b c", "domain": "<script>x</script>", "label": i % 2} for i in range(20)]
    report = metrics_report([r["label"] for r in rows], [0.1 + 0.04 * i for i in range(20)], 0.5, rows,
                            bootstrap=10)
    page = evaluation_html(report)
    assert "<script>x" not in page and "&lt;script&gt;x" in page and "<svg" in page
    assert f"Calibration at an even prior (ECE {report['ece_even_prior']:.3f}" in page
    one_label = evaluation_html(metrics_report([1] * 4, [0.9] * 4, 0.5, bootstrap=0))
    assert "Calibration (ECE 0.100)" in one_label


def test_report_command_writes_escaped_html(tmp_path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(PADDED + "\n<script>alert(1)</script>")
    out = tmp_path / "report.html"
    assert main(["report", str(article), "-o", str(out)]) == 0
    page = out.read_text()
    assert "PADDED" in page and "<script>alert" not in page


def test_stdin_json_lines_are_streamed_record_by_record() -> None:
    lines = "\n" + json.dumps({"id": "x", "text": PADDED}) + "\n" + json.dumps({"id": "y", "text": HUMAN}) + "\n"
    proc = subprocess.run([sys.executable, "-m", "padcheck", "score", "-"], input=lines, capture_output=True,
                          text=True, check=True)
    assert [json.loads(line)["id"] for line in proc.stdout.splitlines()] == ["x", "y"]


def test_worker_tasks_are_bounded_by_records_and_characters(monkeypatch) -> None:
    from padcheck import cli

    monkeypatch.setattr(cli, "_CHUNK", 3)
    monkeypatch.setattr(cli, "_CHUNK_CHARS", 10)
    tasks = iter([(str(i), text, None) for i, text in enumerate(["ab", "cd", "ef", "gh", "x" * 25, None, "ij", "k" * 9])])
    chunks = []
    while chunk := cli._next_chunk(tasks):
        chunks.append([t[0] for t in chunk])
    assert chunks == [["0", "1", "2"], ["3", "4"], ["5", "6", "7"]]  # every record once, in order
