"""The notebooks run top to bottom offline, and the copies kept in git carry no shared text.

Running them needs the shared data beside the checkout (or ``PADCHECK_SHARED``); without it the
tests skip and say so. Subsets are kept small through the notebooks' environment variables.
"""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

import pytest
from conftest import SHARED, shared_path

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
#: Small enough for a quick run, large enough that every subset holds both labels.
SMALL_ENV = {"PADCHECK_NB_ROWS": "120", "PADCHECK_NB_TRAIN_ROWS": "600"}
#: Notebooks that draw figures; each must render at least one.
PLOTTING = {"01_quickstart", "02_evaluation", "03_retrain", "04_error_analysis"}
#: The only stderr a clean run may print: matplotlib's one-off notice in a fresh environment.
ALLOWED_STDERR = re.compile(r"^(Matplotlib is building the font cache.*\s*)?$", re.S)


def _imports():
    # jupyter_client / zmq / jupyter_core may warn about deprecations of their own at import and
    # kernel start; setup.cfg turns warnings into errors, so they are silenced here, narrowly.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import nbformat
        from nbclient import NotebookClient
    return nbformat, NotebookClient


def _outputs(book) -> list[dict]:
    return [o for cell in book.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def _output_text(book) -> str:
    """Every text an output shows, tags stripped and entities decoded."""
    parts = []
    for out in _outputs(book):
        if out.get("output_type") == "stream":
            parts.append(out["text"])
        for kind, value in out.get("data", {}).items():
            if kind in ("text/plain", "text/html", "text/markdown"):
                text = value if isinstance(value, str) else "".join(value)
                parts.append(html.unescape(re.sub(r"<[^>]+>", " ", text)))
    return "\n".join(parts)


def _run(path: Path, monkeypatch, extra_env: dict | None = None):
    shared_path("data")
    shared_path("examples", "content_farm_article.txt")
    nbformat, NotebookClient = _imports()
    # The kernel inherits this process's environment: point it at the same shared folder.
    monkeypatch.delenv("PADCHECK_NB_REDACT", raising=False)
    for key, value in {"PADCHECK_SHARED": str(SHARED), **SMALL_ENV, **(extra_env or {})}.items():
        monkeypatch.setenv(key, value)
    book = nbformat.read(path, as_version=4)
    client = NotebookClient(book, kernel_name="python3", timeout=300, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client.execute()
    return book


def test_notebooks_are_present():
    assert [p.stem for p in NOTEBOOKS] == ["01_quickstart", "02_evaluation", "03_retrain", "04_error_analysis"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, monkeypatch):
    book = _run(path, monkeypatch)
    outputs = _outputs(book)
    assert not [o for o in outputs if o.get("output_type") == "error"]
    stderr = "".join(o["text"] for o in outputs if o.get("output_type") == "stream" and o["name"] == "stderr")
    assert ALLOWED_STDERR.match(stderr), f"{path.name} printed to stderr:\n{stderr}"
    if path.stem in PLOTTING:
        assert any("image/png" in o.get("data", {}) for o in outputs), f"{path.name} rendered no figure"


def test_quickstart_redacts_the_article(monkeypatch, example_article):
    book = _run(NOTEBOOKS_DIR / "01_quickstart.ipynb", monkeypatch, {"PADCHECK_NB_REDACT": "1"})
    shown = " ".join(_output_text(book).split())
    sentences = [" ".join(s.split()) for s in re.split(r"(?<=[.!?])\s+", example_article) if len(s.split()) >= 6]
    assert sentences
    leaked = [s for s in sentences if s in shown]
    assert not leaked, f"redacted outputs still quote the article: {leaked[:2]}"
    assert "words withheld" in shown


def _shared_blob() -> str:
    """Every text of the shared sets and the example article, whitespace normalised, in one string."""
    import json

    texts = [shared_path("examples", "content_farm_article.txt").read_text(encoding="utf-8")]
    for path in sorted(shared_path("data").glob("*/*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            texts.extend(json.loads(line)["text"] for line in fh if line.strip())
    return "\x00".join(" ".join(t.split()) for t in texts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_outputs_carry_no_shared_text_or_machine_paths(path):
    nbformat, _ = _imports()
    book = nbformat.read(path, as_version=4)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert code and all(c.get("execution_count") for c in code), f"{path.name} is not saved executed"
    raw = path.read_text(encoding="utf-8")
    assert not re.search(r"(?<![\w.])/(work|tmp|home|root|Users)/", raw), f"{path.name} holds a machine path"
    blob = _shared_blob()
    words = _output_text(book).split()
    # Any 12 words in a row that also occur in a shared text would be copied text.
    windows = {" ".join(words[i:i + 12]) for i in range(0, max(len(words) - 11, 0), 4)}
    copied = [w for w in windows if w in blob]
    assert not copied, f"{path.name} outputs quote shared text: {copied[:2]}"
