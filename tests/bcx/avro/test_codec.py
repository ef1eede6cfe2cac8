"""The Confluent wire-format codec: framing, errors, schema evolution."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel

from bcx.avro.codec import AvroCodec, split_wire_format
from bcx.avro.errors import SerializationError
from bcx.avro.schemas import parse_schema_text


class V1(BaseModel):
    id: str


class V2(BaseModel):
    id: str
    note: str | None = None


SCHEMA_V1 = {
    "type": "record",
    "name": "Thing",
    "namespace": "t",
    "fields": [{"name": "id", "type": "string"}],
}
SCHEMA_V2 = {
    "type": "record",
    "name": "Thing",
    "namespace": "t",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "note", "type": ["null", "string"], "default": None},
    ],
}


def codec(model: type[BaseModel], schema: dict[str, Any], registry: Any) -> AvroCodec[Any]:
    return AvroCodec(model, parse_schema_text("things.v1", json.dumps(schema)), registry)


class TestFraming:
    def test_too_short(self) -> None:
        """Fewer than five bytes cannot be Confluent framing."""
        with pytest.raises(SerializationError, match="too short"):
            split_wire_format(b"\x00\x00")

    def test_wrong_magic_byte(self) -> None:
        """A record not written by a Confluent serializer is refused with a clear error."""
        with pytest.raises(SerializationError, match="magic byte"):
            split_wire_format(b"\x01\x00\x00\x00\x01abc")

    def test_garbage_body(self, mock_registry: Any) -> None:
        """A valid header with a corrupt body raises SerializationError, not a fastavro exception."""
        c = codec(V1, SCHEMA_V1, mock_registry)
        header = c.encode(V1(id="x"))[:5]
        with pytest.raises(SerializationError):
            c.decode(header + b"\xff\xff\xff\xff\xff\xff")


class TestEvolution:
    def test_new_reader_reads_old_writer(self, mock_registry: Any) -> None:
        """A record written with v1 is read by a v2 reader with the new field's default."""
        old = codec(V1, SCHEMA_V1, mock_registry).encode(V1(id="a"))
        new_codec = codec(V2, SCHEMA_V2, mock_registry)
        assert new_codec.decode(old) == V2(id="a", note=None)

    def test_unknown_schema_id(self, mock_registry: Any) -> None:
        """A record naming a schema id the registry does not know fails as a registry error."""
        c = codec(V1, SCHEMA_V1, mock_registry)
        with pytest.raises(SerializationError):
            c.decode(b"\x00\x00\x00\x03\xe7\x02a")

    def test_encode_invalid_data(self, mock_registry: Any) -> None:
        """A model whose values do not fit the schema fails as SerializationError."""

        class Wrong(BaseModel):
            id: int

        with pytest.raises(SerializationError, match="cannot encode"):
            codec(Wrong, SCHEMA_V1, mock_registry).encode(Wrong(id=1))
