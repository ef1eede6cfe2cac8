"""``bcx schemas check``: register each schema unless it breaks compatibility with what the registry holds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from confluent_kafka.schema_registry import Schema
from confluent_kafka.schema_registry.error import SchemaRegistryError as _ForeignRegistryError

from bcx.avro.errors import SchemaRegistryError
from bcx.avro.schemas import AvroSchema

COMPATIBILITY = "BACKWARD"
_SUBJECT_NOT_FOUND = 40401


class Outcome(StrEnum):
    NEW = "new"  # subject did not exist; registered with BACKWARD compatibility
    UNCHANGED = "unchanged"  # this exact schema is already registered
    EVOLVED = "evolved"  # compatible change, registered as a new version
    COMPATIBLE = "compatible"  # dry run: would be registered
    INCOMPATIBLE = "incompatible"  # breaks BACKWARD compatibility: refused


@dataclass(frozen=True)
class CheckResult:
    subject: str
    outcome: Outcome
    schema_id: int | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome is not Outcome.INCOMPATIBLE


def _call(what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except _ForeignRegistryError:
        raise
    except Exception as exc:
        raise SchemaRegistryError(f"schema registry unreachable during {what}: {exc}") from exc


def check_schema(registry: Any, schema: AvroSchema, *, register: bool = True) -> CheckResult:
    candidate = Schema(schema.text, "AVRO")
    subject = schema.subject
    try:
        existing = _call("lookup", registry.lookup_schema, subject, candidate)
        return CheckResult(subject, Outcome.UNCHANGED, int(existing.schema_id))
    except _ForeignRegistryError as exc:
        if exc.http_status_code != 404:
            raise SchemaRegistryError(f"lookup of {subject} failed: {exc}") from exc
    try:
        versions = _call("list versions", registry.get_versions, subject)
    except _ForeignRegistryError as exc:
        if exc.error_code != _SUBJECT_NOT_FOUND and exc.http_status_code != 404:
            raise SchemaRegistryError(f"listing versions of {subject} failed: {exc}") from exc
        versions = []
    try:
        if not versions:
            if not register:
                return CheckResult(subject, Outcome.COMPATIBLE, detail="new subject")
            _call("set compatibility", registry.set_compatibility, subject, COMPATIBILITY)
            schema_id = _call("register", registry.register_schema, subject, candidate)
            return CheckResult(subject, Outcome.NEW, int(schema_id))
        compatible = _call("compatibility test", registry.test_compatibility, subject, candidate)
        if not compatible:
            return CheckResult(
                subject,
                Outcome.INCOMPATIBLE,
                detail=f"breaks {COMPATIBILITY} compatibility with the latest registered version",
            )
        if not register:
            return CheckResult(subject, Outcome.COMPATIBLE)
        schema_id = _call("register", registry.register_schema, subject, candidate)
        return CheckResult(subject, Outcome.EVOLVED, int(schema_id))
    except _ForeignRegistryError as exc:
        if exc.http_status_code == 409:
            return CheckResult(subject, Outcome.INCOMPATIBLE, detail=str(exc))
        raise SchemaRegistryError(f"registry refused {subject}: {exc}") from exc
