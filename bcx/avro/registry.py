"""The schema registry client, built once per process from settings (or injected by tests)."""

from __future__ import annotations

from typing import Any

from confluent_kafka.schema_registry import SchemaRegistryClient

from bcx.settings import RegistrySettings


def registry_client(settings: RegistrySettings) -> Any:
    """A Confluent-API registry client; typed ``Any`` because confluent-kafka ships no type information."""
    return SchemaRegistryClient(settings.client_config())
