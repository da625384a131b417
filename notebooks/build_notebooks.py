"""Re-execute the notebooks in place, so the outputs kept in git are fresh and carry no shared text.

Run from anywhere::

    python notebooks/build_notebooks.py               # every notebook
    python notebooks/build_notebooks.py 02_evaluation # only the ones named

Each notebook runs top to bottom in its own folder (as Jupyter, nbclient and nbmake run it) with
``PADCHECK_NB_REDACT=1``: the shared sets' licences forbid copying their texts into the project,
so the saved outputs show word counts in place of texts. Subset sizes are the notebooks' defaults
unless ``PADCHECK_NB_ROWS`` / ``PADCHECK_NB_TRAIN_ROWS`` are set. Cell timings are not recorded,
so re-running changes only what the notebooks compute.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

__all__ = ["HERE", "notebooks", "execute"]

HERE = Path(__file__).resolve().parent


def notebooks(names: list[str] | None = None) -> list[Path]:
    """The notebooks in this folder, in order, or only those whose stem is in ``names``."""
    found = sorted(HERE.glob("[0-9][0-9]_*.ipynb"))
    if names:
        found = [p for p in found if p.stem in names or p.name in names]
    return found


def execute(path: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Run one notebook in its own folder with a python3 kernel and return it with outputs.

    Parameters
    ----------
    path : Path
        The notebook.
    timeout : int
        Seconds one cell may take.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook (``CellExecutionError`` is raised on the first failing cell).
    """
    book = nbformat.read(path, as_version=4)
    client = NotebookClient(book, kernel_name="python3", timeout=timeout, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return book


def main(argv: list[str]) -> int:
    """Execute the named notebooks (all by default) in place with redacted outputs."""
    os.environ["PADCHECK_NB_REDACT"] = "1"
    paths = notebooks(argv)
    if not paths:
        print(f"no notebook matches {argv}", file=sys.stderr)
        return 1
    for path in paths:
        start = time.perf_counter()
        book = execute(path)
        nbformat.write(book, path)
        print(f"{path.name}: executed in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
