"""Schema registration and BACKWARD compatibility against the real Apicurio registry."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from bcx.avro.compat import Outcome, check_schema
from bcx.avro.schemas import parse_schema_text, schemas_dir
from bcx.contracts.codecs import document_result_codec, ledger_entry_codec
from bcx.contracts.ledger_entry import LedgerEntry, LedgerState
from bcx.kafka.topics import group_topic
from bcx.settings import RegistrySettings
from bcx_app.cli.main import main
from tests.bcx.contracts.test_contracts import sample_result

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


def catalogue_with_groups(folder: Path, groups: list[str]) -> Path:
    """A minimal topic catalogue naming ``groups`` (what `bcx schemas check --catalogue` reads)."""
    path = folder / "topics.yaml"
    path.write_text(yaml.safe_dump({"defaults": {"partitions": 1}, "topics": [], "groups": groups}))
    return path


def sample_entry() -> LedgerEntry:
    return LedgerEntry(
        idempotency_key="k",
        state=LedgerState.STARTED,
        attempt=1,
        exstream_reference="ref",
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        owner="test",
        source_topic="t",
        source_partition=0,
        source_offset=0,
    )


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


class TestSchemasCheckRefusesFalseSuccess:
    def test_dry_run_against_a_url_that_is_not_the_registry_api_fails(
        self,
        registry_settings: RegistrySettings,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """A registry URL without /apis/ccompat/v7 answers 404 to everything: the dry run exits 2 naming
        BCX_REGISTRY__URL instead of calling every schema compatible."""
        base = registry_settings.url.removesuffix("/apis/ccompat/v7")
        assert base != registry_settings.url
        monkeypatch.setenv("BCX_REGISTRY__URL", base)
        assert main(["schemas", "check", "--dry-run"]) == 2
        captured = capsys.readouterr()
        assert "compatible" not in captured.out
        assert "BCX_REGISTRY__URL" in captured.err
        assert base not in captured.err

    def test_missing_folder_is_an_error(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--dir naming a folder that does not exist exits 2 and says so."""
        missing = tmp_path / "nope"
        assert main(["schemas", "check", "--dir", str(missing)]) == 2
        assert f"--dir {missing}: no such folder" in capsys.readouterr().err

    def test_empty_folder_is_an_error(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--dir on a folder without .avsc files exits 2 rather than checking nothing and passing."""
        assert main(["schemas", "check", "--dir", str(tmp_path)]) == 2
        assert "no .avsc files" in capsys.readouterr().err


class TestLedgerSubjects:
    def test_each_group_ledger_subject_is_registered_for_consumers_without_auto_register(
        self,
        registry: Any,
        registry_settings: RegistrySettings,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """`bcx schemas check` registers the ledger schema under <group>.ledger.v1-value for each catalogue
        group (not under the unused consumer.ledger.v1-value), so a ledger codec with auto-register off
        can encode."""
        groups = [f"bcx-ht-{uuid.uuid4().hex[:8]}" for _ in range(2)]
        catalogue = catalogue_with_groups(tmp_path, groups)
        schemas = tmp_path / "schemas"
        schemas.mkdir()
        ledger_file = schemas_dir() / "consumer.ledger.v1.avsc"
        (schemas / ledger_file.name).write_text(ledger_file.read_text())
        monkeypatch.setenv("BCX_REGISTRY__URL", registry_settings.url)
        assert main(["schemas", "check", "--dir", str(schemas), "--catalogue", str(catalogue)]) == 0
        subjects = set(registry.get_subjects())
        assert {f"{group_topic(g, 'ledger')}-value" for g in groups} <= subjects
        assert "consumer.ledger.v1-value" not in capsys.readouterr().out
        codec = ledger_entry_codec(group_topic(groups[0], "ledger"), registry, auto_register=False)
        assert codec.decode(codec.encode(sample_entry())) == sample_entry()

    def test_consumers_write_without_auto_register_after_the_init_check(
        self, registry: Any, registry_settings: RegistrySettings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """After `bcx schemas check` (what the init job runs), the subjects a consumer writes at run time,
        its group's ledger and the results topic, accept records from codecs with auto-register off."""
        monkeypatch.setenv("BCX_REGISTRY__URL", registry_settings.url)
        assert main(["schemas", "check"]) == 0
        ledger = ledger_entry_codec(
            group_topic("bcx-order-documents", "ledger"), registry, auto_register=False
        )
        assert ledger.decode(ledger.encode(sample_entry())) == sample_entry()
        results = document_result_codec(registry, auto_register=False)
        assert results.decode(results.encode(sample_result())) == sample_result()
