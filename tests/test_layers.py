"""The import contract: DEVELOPERS.md's layer table is read and every import of our packages checked
against it, so the table stays true and the core never grows a dependency on a flow, a producer, routing
or a simulator."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase as fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("bcx", "bcx_app", "producers", "consumers", "routing", "simulators")
EVERYTHING = "everything"


@dataclass(frozen=True)
class Row:
    """One row of the table: a path (a folder, a file or ``<pattern>/``) and what it may import."""

    path: str
    allowed: tuple[str, ...]

    def matches(self, file: str) -> bool:
        if "<" in self.path:
            prefix = self.path.split("<")[0]
            return file.startswith(prefix) and "/" in file[len(prefix) :]
        return file == self.path or (self.path.endswith("/") and file.startswith(self.path))

    def own(self, file: str) -> str:
        """The module prefix a file of this row may always import: its own package (or module)."""
        if "<" in self.path:
            prefix = self.path.split("<")[0]
            name = file[len(prefix) :].split("/")[0]
            return (prefix + name).replace("/", ".")
        return self.path.removesuffix("/").removesuffix(".py").replace("/", ".")

    @property
    def specificity(self) -> int:
        return len(self.path.split("<")[0])


def table(text: str) -> list[Row]:
    """The rows of the "Layout" table in DEVELOPERS.md (one row per backticked path of the first column)."""
    rows: list[Row] = []
    section = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        may = cells[2]
        allowed = (EVERYTHING,) if may == EVERYTHING else tuple(re.findall(r"`([a-z_.*]+)`", may))
        rows.extend(Row(path, allowed) for path in re.findall(r"`([^`]+)`", cells[0]))
    return rows


ROWS = table((ROOT / "DEVELOPERS.md").read_text(encoding="utf-8"))


def row_for(file: str) -> Row:
    candidates = [row for row in ROWS if row.matches(file)]
    assert candidates, f"{file} is in no row of DEVELOPERS.md's layer table"
    return max(candidates, key=lambda row: row.specificity)


def imports(path: Path) -> list[tuple[int, str]]:
    """Every absolute import of one of our packages in ``path``, wherever it appears in the module."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.extend((node.lineno, name) for name in names if name.split(".")[0] in OURS)
    return found


def violations(file: str, path: Path) -> list[str]:
    if file.count("/") == 1 and file.endswith("/__init__.py") and not any(r.matches(file) for r in ROWS):
        # the empty marker of a namespace like consumers/: nothing to check, but it must stay empty
        assert not imports(path), f"{file} imports; give its folder a row in the table"
        return []
    row = row_for(file)
    if EVERYTHING in row.allowed:
        return []
    allowed = (row.own(file), *row.allowed)
    return [
        f"{file}:{line}: imports {name}; its row ({row.path}) allows {', '.join(allowed)}"
        for line, name in imports(path)
        if not any(fnmatch(name, prefix) or fnmatch(name, prefix + ".*") for prefix in allowed)
    ]


SOURCES = sorted(p for top in OURS for p in (ROOT / top).rglob("*.py"))


class TestLayerTable:
    def test_table_is_read(self) -> None:
        """The table parses into rows for the core, the composition root, flows, routing and simulators."""
        paths = {row.path for row in ROWS}
        assert {"bcx/", "bcx_app/", "consumers/<use_case>/", "routing/", "simulators/exstream/"} <= paths
        assert row_for("bcx/settings.py").allowed == ()

    def test_every_row_names_something_that_exists(self) -> None:
        """A row for a path that no longer exists is stale."""
        for row in ROWS:
            if "*" in row.path:
                assert any(ROOT.glob(row.path)), row.path
            elif "<" not in row.path:
                assert (ROOT / row.path).exists(), row.path

    def test_every_import_is_allowed(self) -> None:
        """No module imports a package its row does not allow (the core imports no flow, producer,
        routing or simulator; routing imports no consumer)."""
        problems = [v for path in SOURCES for v in violations(path.relative_to(ROOT).as_posix(), path)]
        assert not problems, "\n".join(problems)

    @pytest.mark.parametrize(
        ("file", "source", "bad"),
        [
            ("bcx/kafka/x.py", "from consumers.registry import FLOWS", True),
            ("bcx/hooks/x.py", "def f():\n    import simulators.exstream\n", True),
            ("routing/x.py", "from consumers.registry import use_case_names", True),
            ("consumers/order_documents/x.py", "from producers.enricher import process", True),
            ("consumers/order_documents/x.py", "from consumers.documents.money import NBSP", False),
            ("bcx_app/cli/x.py", "from simulators.exstream import render", False),
            ("consumers/registry.py", "from consumers.returns.flow import FLOW", False),
            ("consumers/registry.py", "from consumers.returns.app import build", True),
            ("consumers/stream/x.py", "from consumers.runtime.results import ResultPublisher", True),
            ("consumers/stream/x.py", "from bcx.exstream.errors import ExstreamError", True),
            ("consumers/stream/x.py", "from routing.facts import Channel", True),
            ("consumers/stream/x.py", "from bcx.kafka.producer import Delivered", False),
            ("producers/enricher/x.py", "from consumers.runtime import Services", True),
            ("producers/enricher/x.py", "from consumers.stream.app import run_stream", False),
        ],
    )
    def test_the_check_has_teeth(self, file: str, source: str, bad: bool, tmp_path: Path) -> None:
        """Forbidden imports, also inside functions, are reported; allowed ones are not."""
        path = tmp_path / "module.py"
        path.write_text(source, encoding="utf-8")
        assert bool(violations(file, path)) is bad
