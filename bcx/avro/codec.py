"""Confluent wire-format Avro encoding of pydantic models, through a schema registry.

Wire format: magic byte 0, the 4-byte big-endian schema id, then the Avro binary body. The writer schema is
resolved once (registered or looked up); readers fetch writer schemas by id (cached) and resolve them
against the reader schema, so BACKWARD-compatible evolution just works.

The pydantic model is the domain type; its field names are the Avro field names, so the one mapping is
``model_dump`` / ``model_validate`` here — domain code never sees Avro dicts.
"""

from __future__ import annotations

import io
import json
import struct
import threading
from typing import Any, Generic, TypeVar

import fastavro
from confluent_kafka.schema_registry import Schema
from confluent_kafka.schema_registry.error import SchemaRegistryError as _ForeignRegistryError
from pydantic import BaseModel, ValidationError

from bcx.avro.errors import SchemaRegistryError, SerializationError
from bcx.avro.schemas import AvroSchema

MAGIC_BYTE = 0
_HEADER = struct.Struct(">bI")

M = TypeVar("M", bound=BaseModel)


def split_wire_format(data: bytes) -> tuple[int, memoryview]:
    """The schema id and the Avro body of a Confluent-framed message."""
    if len(data) < _HEADER.size:
        raise SerializationError(f"{len(data)} bytes is too short for the Confluent wire format")
    magic, schema_id = _HEADER.unpack_from(data)
    if magic != MAGIC_BYTE:
        raise SerializationError(f"unknown magic byte {magic}: not Confluent wire-format Avro")
    return schema_id, memoryview(data)[_HEADER.size :]


class AvroCodec(Generic[M]):
    """Encodes ``model`` instances as ``schema`` in the Confluent wire format, and decodes them back.

    Thread-safe: the writer schema id is resolved once under a lock, writer schemas are cached by id.
    """

    def __init__(
        self,
        model: type[M],
        schema: AvroSchema,
        registry: Any,
        *,
        auto_register: bool = True,
    ) -> None:
        self._model = model
        self._schema = schema
        self._registry = registry
        self._auto_register = auto_register
        self._schema_id: int | None = None
        self._writers: dict[int, Any] = {}
        self._lock = threading.Lock()

    @property
    def schema(self) -> AvroSchema:
        return self._schema

    def schema_id(self) -> int:
        """Our writer schema's registry id: registered on first use, or looked up if registering is off."""
        if self._schema_id is None:
            with self._lock:
                if self._schema_id is None:
                    self._schema_id = self._resolve_id()
        return self._schema_id

    def _resolve_id(self) -> int:
        schema = Schema(self._schema.text, "AVRO")
        try:
            if self._auto_register:
                return int(self._registry.register_schema(self._schema.subject, schema))
            registered = self._registry.lookup_schema(self._schema.subject, schema)
            return int(registered.schema_id)
        except _ForeignRegistryError as exc:
            raise SchemaRegistryError(
                f"registry refused schema {self._schema.fullname} under {self._schema.subject}: {exc}"
            ) from exc
        except Exception as exc:
            raise SchemaRegistryError(f"schema registry unreachable: {exc}") from exc

    def encode(self, record: M) -> bytes:
        schema_id = self.schema_id()
        buffer = io.BytesIO()
        buffer.write(_HEADER.pack(MAGIC_BYTE, schema_id))
        try:
            fastavro.schemaless_writer(buffer, self._schema.parsed, record.model_dump(mode="python"))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise SerializationError(
                f"cannot encode {type(record).__name__} as {self._schema.fullname}: {exc}"
            ) from exc
        return buffer.getvalue()

    def _writer_schema(self, schema_id: int) -> Any:
        writer = self._writers.get(schema_id)
        if writer is None:
            try:
                registered = self._registry.get_schema(schema_id)
            except Exception as exc:
                raise SchemaRegistryError(f"cannot fetch writer schema id {schema_id}: {exc}") from exc
            writer = fastavro.parse_schema(json.loads(registered.schema_str))
            self._writers[schema_id] = writer
        return writer

    def decode_dict(self, data: bytes) -> dict[str, Any]:
        """The record as a plain dict in the reader (our) schema's shape."""
        schema_id, body = split_wire_format(data)
        writer = self._writer_schema(schema_id)
        try:
            value = fastavro.schemaless_reader(io.BytesIO(body), writer, self._schema.parsed)
        except Exception as exc:  # corrupt bodies surface as IndexError, EOFError, UnicodeDecodeError, ...
            raise SerializationError(
                f"cannot decode {self._schema.fullname} (schema id {schema_id}): {exc}"
            ) from exc
        if not isinstance(value, dict):
            raise SerializationError(f"decoded {self._schema.fullname} is not a record")
        return value

    def decode(self, data: bytes) -> M:
        value = self.decode_dict(data)
        try:
            return self._model.model_validate(value)
        except ValidationError as exc:
            raise SerializationError(
                f"decoded {self._schema.fullname} does not fit {self._model.__name__}: {exc}"
            ) from exc
