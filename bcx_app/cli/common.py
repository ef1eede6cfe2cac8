"""Pieces shared by the admin commands: the settings they load and how they print."""

from __future__ import annotations

from bcx.settings import KafkaSettings, ProcessSettings, RegistrySettings


class AdminSettings(ProcessSettings):
    """Settings of one-shot admin commands (topics, schemas): where Kafka and the registry are."""

    kafka: KafkaSettings = KafkaSettings()
    registry: RegistrySettings = RegistrySettings()
