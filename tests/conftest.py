"""Shared fixtures: the read-only shared corpora and example articles beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: The shared material lives beside the project checkout; PADCHECK_SHARED overrides it.
SHARED = Path(os.environ.get("PADCHECK_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
EXAMPLE_ARTICLE = SHARED / "examples" / "content_farm_article.txt"


def shared_path(*parts: str) -> Path:
    """Path under the shared folder, skipping the test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared material not found at {path} (set PADCHECK_SHARED to its folder)")
    return path


@pytest.fixture(scope="session")
def example_article() -> str:
    """Text of the shared content-farm example article (skips when the shared folder is absent)."""
    return shared_path("examples", "content_farm_article.txt").read_text(encoding="utf-8")


def assert_extraction_contract(extractor, doc, out) -> None:
    """Every spec'd feature present and finite; every evidence item inside its sentence, named,
    positive, feeding one of the extractor's own features, with a message quoting what matched."""
    import math

    names = [s.name for s in extractor.specs]
    assert set(out.features) == set(names)
    assert all(math.isfinite(v) for v in out.features.values())
    for e in out.evidence:
        s = doc.sentences[e.sentence]
        assert s.start <= e.start < e.end <= s.end
        assert e.weight > 0 and e.feature in names and e.code.startswith(f"{extractor.name}.")
        assert "'" in e.message
