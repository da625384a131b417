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
