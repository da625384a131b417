"""The optional compiled extension (``padcheck/_speedups.c``), or ``None``.

It is built at install when a C compiler is present. Without it, or with the environment
variable ``PADCHECK_PURE_PYTHON`` set to a non-empty value, padcheck computes the same results
with numpy (floating-point sums may differ in the last bits).
"""

from __future__ import annotations

import os

__all__ = ["speedups"]

if os.environ.get("PADCHECK_PURE_PYTHON"):
    speedups = None
else:
    try:
        from padcheck import _speedups as speedups
    except ImportError:  # pragma: no cover - exercised only on installs without a compiler
        speedups = None
