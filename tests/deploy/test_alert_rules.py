"""The alert rules evaluated by Prometheus' own promtool: they load, and fire in the cases they exist for."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

from tests.deploy.support import MONITORING, load_documents
from tests.support.required import promtool

TESTS = Path(__file__).resolve().parent / "promtool" / "alerts_test.yaml"


def write_rules(folder: Path) -> Path:
    """The PrometheusRule's groups as a plain rule file, annotations dropped: promtool's alert tests then
    compare labels only, so the cases test expressions rather than the wording of summaries."""
    (rule,) = load_documents(MONITORING / "alerts.yaml")
    groups = rule["spec"]["groups"]
    for group in groups:
        for entry in group["rules"]:
            entry.pop("annotations", None)
    path = folder / "rules.yaml"
    path.write_text(yaml.safe_dump({"groups": groups}, sort_keys=False))
    return path


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=120, check=False)


class TestAlertRulesWithPromtool:
    def test_rules_load(self, tmp_path: Path) -> None:
        """`promtool check rules` accepts every alert (Prometheus' own parser and checks)."""
        result = run(promtool(), "check", "rules", str(write_rules(tmp_path)))
        assert result.returncode == 0, result.stdout + result.stderr

    def test_alerts_fire_when_they_should(self, tmp_path: Path) -> None:
        """`promtool test rules`: the first dead letter of a new series alerts, as do a new Exstream auth
        failure and a consumer whose pods are Pending; quiet series and healthy consumers do not."""
        write_rules(tmp_path)
        shutil.copy(TESTS, tmp_path / TESTS.name)
        result = run(promtool(), "test", "rules", str(tmp_path / TESTS.name))
        assert result.returncode == 0, result.stdout + result.stderr
