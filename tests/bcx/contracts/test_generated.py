"""The committed ``commerce.*`` Avro schemas are exactly what the pydantic models generate."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

from bcx.avro.schemas import schemas_dir
from bcx.contracts import avro_gen
from bcx.contracts.base import Record, UtcMillis
from bcx.contracts.commerce_common import DecimalText
from bcx.contracts.generate import generated, main


class TestGeneratedSchemas:
    @pytest.mark.parametrize(("name", "text"), sorted(generated().items()))
    def test_committed_schema_is_the_generated_one(self, name: str, text: str) -> None:
        """Each schemas/commerce.*.avsc equals the models' output (`make schemas` rewrites them)."""
        assert (schemas_dir() / name).read_text(encoding="utf-8") == text

    def test_check_reports_a_stale_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--check exits 1 naming a file that differs, and writes nothing; without --check it rewrites it."""
        for name, text in generated().items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        stale = tmp_path / "commerce.orders.v1.avsc"
        stale.write_text("{}", encoding="utf-8")
        assert main(["--check"], directory=tmp_path) == 1
        assert "commerce.orders.v1.avsc" in capsys.readouterr().out
        assert stale.read_text(encoding="utf-8") == "{}"
        assert main([], directory=tmp_path) == 0
        assert main(["--check"], directory=tmp_path) == 0

    def test_no_schema_holds_the_string_default_apicurio_refuses(self) -> None:
        """No generated schema has the string default "{}" (Apicurio 3.3.3 rejects it; DEVELOPERS.md)."""
        assert all('"default": "{}"' not in text for text in generated().values())


class _Inner(Record):
    """An inner record."""

    code: str


class _Sample(Record):
    amount: DecimalText = Decimal("1.50")
    at: UtcMillis | None = None
    tags: list[int] = Field(default_factory=list)
    labels: dict[str, str] = Field(default_factory=dict)
    inner: _Inner
    again: _Inner | None = None
    note: str = Field(default="{}", description="kept out", json_schema_extra={"avro_default": False})


class TestTypeMapping:
    def test_pydantic_types_map_to_avro(self) -> None:
        """Decimal text, timestamps, optionals, arrays, maps and records (named once) map as documented."""
        schema: Any = avro_gen.record(_Sample, avro_gen.new_names())
        fields = {f["name"]: f for f in schema["fields"]}
        assert fields["amount"] == {"name": "amount", "type": "string", "default": "1.50"}
        assert fields["at"]["type"] == ["null", {"type": "long", "logicalType": "timestamp-millis"}]
        assert fields["at"]["default"] is None
        assert fields["tags"] == {"name": "tags", "type": {"type": "array", "items": "long"}, "default": []}
        assert fields["labels"]["type"] == {"type": "map", "values": "string"}
        assert fields["inner"]["type"]["doc"] == "An inner record."
        assert fields["again"]["type"] == ["null", "_Inner"]
        assert fields["note"] == {"name": "note", "type": "string", "doc": "kept out"}
        json.dumps(schema)  # plain JSON
