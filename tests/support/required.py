"""Things some tests need from outside the checkout (reference specs, promtool), found or explained.

Locally a missing one skips those tests with the reason and how to provide it. In CI (``CI=true``, as
``.ci/run`` sets and CI services do) a missing one fails them instead: a skipped check there would be a
green that checked nothing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: where the reference specs live unless BCX_TEST_REFERENCE_DIR says otherwise
DEFAULT_REFERENCE = ROOT.parent / "shared" / "reference"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing(reason: str) -> None:
    """Skip with ``reason``, or fail with it under CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this check must run, not skip)", pytrace=False)
    pytest.skip(reason)


def reference_dir() -> Path:
    """The reference specs: ``BCX_TEST_REFERENCE_DIR``, else ``../shared/reference`` beside the checkout."""
    configured = os.environ.get("BCX_TEST_REFERENCE_DIR")
    return Path(configured).expanduser() if configured else DEFAULT_REFERENCE


def reference(*parts: str) -> Path:
    """A path under the reference specs; skips (fails in CI) when it is absent."""
    path = reference_dir().joinpath(*parts)
    if not path.exists():
        missing(
            f"reference spec {'/'.join(parts)} not found under {reference_dir()} "
            "(set BCX_TEST_REFERENCE_DIR to the folder holding the reference specs)"
        )
    return path


def reference_files(*folder: str, keep: Callable[[Path], bool] = lambda p: True) -> list[Path]:
    """The ``*.json`` files under a reference folder, to parametrize a test over. When there are none, the
    folder itself, which :func:`reference_file` then skips (fails in CI) with the reason: an empty
    parameter set would skip silently, even in CI."""
    base = reference_dir().joinpath(*folder)
    found = sorted(p for p in base.glob("*.json") if keep(p)) if base.is_dir() else []
    return found or [base]


def reference_file(path: Path) -> Path:
    """``path`` (one of :func:`reference_files`), or skip (fail in CI) when the folder had none."""
    if not path.is_file():
        missing(
            f"reference files under {path} not found "
            "(set BCX_TEST_REFERENCE_DIR to the folder holding the reference specs)"
        )
    return path


def promtool() -> str:
    """The promtool binary: ``BCX_TEST_PROMTOOL``, then PATH, then ``.cache/bin`` (a hand-built one)."""
    candidates = (os.environ.get("BCX_TEST_PROMTOOL"), shutil.which("promtool"), ROOT / ".cache/bin/promtool")
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    missing(
        "promtool not found (BCX_TEST_PROMTOOL, PATH or .cache/bin); install it with "
        "`apt-get install prometheus` (Debian/Ubuntu ship promtool in it)"
    )
    raise AssertionError("unreachable")  # pragma: no cover - missing() skips or fails
