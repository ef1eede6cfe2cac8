"""The Avro schemas in ``schemas/``: loaded and parsed once, named by the topic they describe.

A file ``schemas/<topic>.avsc`` is the value schema of ``<topic>``; its registry subject follows Confluent's
TopicNameStrategy, ``<topic>-value``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastavro

from bcx.avro.errors import SerializationError

_REPO_SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
_PACKAGED_SCHEMAS = Path(__file__).resolve().parents[1] / "_schemas"


def schemas_dir() -> Path:
    """``schemas/`` of the checkout, or the copy packaged into the wheel."""
    return _REPO_SCHEMAS if _REPO_SCHEMAS.is_dir() else _PACKAGED_SCHEMAS


@dataclass(frozen=True)
class AvroSchema:
    """One value schema: its canonical JSON text (what the registry stores) and the parsed form."""

    topic: str
    text: str
    parsed: Any

    @property
    def subject(self) -> str:
        return f"{self.topic}-value"

    @property
    def fullname(self) -> str:
        return str(self.parsed["name"])


def parse_schema_text(topic: str, text: str) -> AvroSchema:
    try:
        document = json.loads(text)
        parsed = fastavro.parse_schema(document)
    except (ValueError, fastavro.schema.SchemaParseException) as exc:
        raise SerializationError(f"schema for {topic} is not valid Avro: {exc}") from exc
    # compact JSON is what registries compare; whitespace differences must not look like new versions
    return AvroSchema(topic=topic, text=json.dumps(document, separators=(",", ":")), parsed=parsed)


def read_schema_file(path: Path) -> AvroSchema:
    try:
        text = path.read_text()
    except FileNotFoundError as exc:
        raise SerializationError(f"no schema file {path}") from exc
    return parse_schema_text(path.stem, text)


@functools.cache
def load_schema(topic: str) -> AvroSchema:
    """The value schema of ``topic`` from the project's schemas, parsed once per process."""
    return read_schema_file(schemas_dir() / f"{topic}.avsc")


def all_schemas(directory: Path | None = None) -> list[AvroSchema]:
    """Every schema in ``directory`` (default: the project's), read fresh: this is what gets checked."""
    directory = directory or schemas_dir()
    return [read_schema_file(path) for path in sorted(directory.glob("*.avsc"))]
