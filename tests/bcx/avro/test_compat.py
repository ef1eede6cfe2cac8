"""Schema registration and BACKWARD compatibility against the real Apicurio registry."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from bcx.avro.compat import Outcome, check_schema
from bcx.avro.schemas import parse_schema_text
from bcx.settings import RegistrySettings
from bcx_app.cli.main import main

pytestmark = pytest.mark.integration

V1 = {"type": "record", "name": "Thing", "namespace": "t", "fields": [{"name": "id", "type": "string"}]}
V2_COMPATIBLE = {
    **V1,
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "note", "type": ["null", "string"], "default": None},
    ],
}
V2_BREAKING = {**V1, "fields": [{"name": "id", "type": "string"}, {"name": "amount", "type": "long"}]}


def topic() -> str:
    return f"compat-{uuid.uuid4().hex[:8]}.v1"


class TestCheckSchema:
    def test_new_unchanged_evolved(self, registry: Any) -> None:
        """A new subject is registered, the same schema again is unchanged, an optional field evolves it."""
        name = topic()
        first = check_schema(registry, parse_schema_text(name, json.dumps(V1)))
        again = check_schema(registry, parse_schema_text(name, json.dumps(V1)))
        evolved = check_schema(registry, parse_schema_text(name, json.dumps(V2_COMPATIBLE)))
        assert (first.outcome, again.outcome, evolved.outcome) == (
            Outcome.NEW,
            Outcome.UNCHANGED,
            Outcome.EVOLVED,
        )
        assert first.schema_id == again.schema_id != evolved.schema_id
        assert registry.get_compatibility(f"{name}-value") == "BACKWARD"

    def test_breaking_change_is_refused(self, registry: Any) -> None:
        """Adding a required field without a default breaks BACKWARD compatibility and is not registered."""
        name = topic()
        check_schema(registry, parse_schema_text(name, json.dumps(V1)))
        result = check_schema(registry, parse_schema_text(name, json.dumps(V2_BREAKING)))
        assert result.outcome is Outcome.INCOMPATIBLE
        assert not result.ok
        assert len(registry.get_versions(f"{name}-value")) == 1

    def test_company_users_evolve_the_accounts_schema_backward(self, registry: Any) -> None:
        """commerce.accounts.v1 with its ``users`` field evolves the schema without it compatibly."""
        path = Path(__file__).resolve().parents[3] / "schemas" / "commerce.accounts.v1.avsc"
        current = json.loads(path.read_text())
        before = {**current, "fields": [f for f in current["fields"] if f["name"] != "users"]}
        assert len(before["fields"]) == len(current["fields"]) - 1
        name = topic()
        check_schema(registry, parse_schema_text(name, json.dumps(before)))
        result = check_schema(registry, parse_schema_text(name, json.dumps(current)))
        assert result.outcome is Outcome.EVOLVED

    def test_dry_run_registers_nothing(self, registry: Any) -> None:
        """--dry-run reports a compatible new schema without creating the subject."""
        name = topic()
        result = check_schema(registry, parse_schema_text(name, json.dumps(V1)), register=False)
        assert result.outcome is Outcome.COMPATIBLE
        assert f"{name}-value" not in registry.get_subjects()


class TestSchemasCheckCommand:
    def test_cli_rejects_incompatible_change(
        self,
        registry_settings: RegistrySettings,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """`bcx schemas check` registers a folder of schemas, then exits 1 on a breaking change."""
        monkeypatch.setenv("BCX_REGISTRY__URL", registry_settings.url)
        name = topic()
        path = tmp_path / f"{name}.avsc"
        path.write_text(json.dumps(V1))
        assert main(["schemas", "check", "--dir", str(tmp_path)]) == 0
        path.write_text(json.dumps(V2_BREAKING))
        assert main(["schemas", "check", "--dir", str(tmp_path)]) == 1
        out = capsys.readouterr().out
        assert f"new           {name}-value" in out
        assert f"incompatible  {name}-value" in out

    def test_cli_checks_the_project_schemas(
        self, registry_settings: RegistrySettings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The schemas shipped in schemas/ are accepted by the registry (and re-checking them is a no-op)."""
        monkeypatch.setenv("BCX_REGISTRY__URL", registry_settings.url)
        assert main(["schemas", "check"]) == 0
        assert main(["schemas", "check"]) == 0
