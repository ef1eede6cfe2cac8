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
# The registry's own "not found" answers carry an error code 404xx (40401 subject, 40403 schema). A bare
# HTTP 404 without one is a URL that is not a registry API at all (for Apicurio, one missing
# /apis/ccompat/v7): reading it as "subject not found" would call every schema new and compatible.
_NOT_FOUND_CODES = range(40400, 40500)


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


def probe_registry(registry: Any) -> None:
    """Fail unless ``registry`` answers the Confluent API (``GET /subjects`` gives a JSON list)."""
    hint = "BCX_REGISTRY__URL must point at the Confluent-compatible API (Apicurio: …/apis/ccompat/v7)"
    try:
        subjects = _call("probe", registry.get_subjects)
    except _ForeignRegistryError as exc:
        raise SchemaRegistryError(
            f"the schema registry did not answer GET /subjects (HTTP {exc.http_status_code}); {hint}"
        ) from exc
    if not isinstance(subjects, list):
        raise SchemaRegistryError(f"the schema registry answered GET /subjects with no subject list; {hint}")


def _not_found(exc: Any) -> bool:
    return exc.http_status_code == 404 and exc.error_code in _NOT_FOUND_CODES


def check_schema(registry: Any, schema: AvroSchema, *, register: bool = True) -> CheckResult:
    candidate = Schema(schema.text, "AVRO")
    subject = schema.subject
    try:
        existing = _call("lookup", registry.lookup_schema, subject, candidate)
        return CheckResult(subject, Outcome.UNCHANGED, int(existing.schema_id))
    except _ForeignRegistryError as exc:
        if not _not_found(exc):
            raise SchemaRegistryError(f"lookup of {subject} failed: {exc}") from exc
    try:
        versions = _call("list versions", registry.get_versions, subject)
    except _ForeignRegistryError as exc:
        if not _not_found(exc):
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
