"""Topic administration against a real cluster: create what is missing, describe, report and fix drift."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient
from confluent_kafka.admin._config import AlterConfigOpType, ConfigEntry, ConfigResource
from confluent_kafka.cimpl import NewPartitions, NewTopic

from bcx.kafka.client_logs import BOOTSTRAP_VARIABLE
from bcx.kafka.errors import TopicAdminError
from bcx.kafka.topics import ActualTopic, Drift, TopicSpec, diff

_TIMEOUT = 30.0
# First contact: a cluster that does not answer this soon is reported, naming the setting to check, instead
# of a 30 s silence; short attempts let the admin client be polled in between so its error callback
# (bcx.kafka.client_logs: kafka.unreachable, with librdkafka's reason) is written while we wait.
_REACH_S = 10.0
_REACH_ATTEMPT_S = 2.0


@dataclass
class ApplyReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    fixed: list[Drift] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.drift


class TopicAdmin:
    def __init__(self, config: dict[str, Any]) -> None:
        self._admin = AdminClient(config)

    def broker_count(self) -> int:
        """How many brokers the cluster's metadata lists (the live ones)."""
        try:
            return len(self._admin.list_topics(timeout=_TIMEOUT).brokers)
        except KafkaException as exc:
            raise TopicAdminError(f"cannot read cluster metadata: {exc}", retriable=True) from exc

    def existing(self) -> set[str]:
        return set(self._reach().topics)

    def _reach(self) -> Any:
        deadline = time.monotonic() + _REACH_S
        while True:
            try:
                return self._admin.list_topics(timeout=_REACH_ATTEMPT_S)
            except KafkaException as exc:
                self._admin.poll(0)
                if time.monotonic() >= deadline:
                    raise TopicAdminError(
                        f"cannot reach Kafka within {_REACH_S:.0f} s: check {BOOTSTRAP_VARIABLE} "
                        f"({exc.args[0].str()})",
                        retriable=True,
                    ) from exc

    def describe(self, names: Iterable[str]) -> dict[str, ActualTopic]:
        names = list(names)
        if not names:
            return {}
        try:
            metadata = self._admin.list_topics(timeout=_TIMEOUT)
            resources = [ConfigResource(ConfigResource.Type.TOPIC, n) for n in names]
            config_futures = self._admin.describe_configs(resources, request_timeout=_TIMEOUT)
            configs = {
                resource.name: {k: v.value for k, v in future.result(_TIMEOUT).items()}
                for resource, future in config_futures.items()
            }
        except KafkaException as exc:
            raise TopicAdminError(f"cannot describe topics: {exc}", retriable=True) from exc
        result: dict[str, ActualTopic] = {}
        for name in names:
            topic = metadata.topics[name]
            partitions = topic.partitions
            replication = max((len(p.replicas) for p in partitions.values()), default=0)
            result[name] = ActualTopic(name, len(partitions), replication, configs.get(name, {}))
        return result

    def create(self, specs: Iterable[TopicSpec]) -> list[str]:
        new = [
            NewTopic(
                s.name, num_partitions=s.partitions, replication_factor=s.replication_factor, config=s.configs
            )
            for s in specs
        ]
        if not new:
            return []
        created: list[str] = []
        for name, future in self._admin.create_topics(new, request_timeout=_TIMEOUT).items():
            try:
                future.result(_TIMEOUT)
                created.append(name)
            except KafkaException as exc:
                error = exc.args[0]
                if error.name() == "TOPIC_ALREADY_EXISTS":
                    continue  # created concurrently by another `apply`: the end state is what we want
                raise TopicAdminError(f"cannot create topic {name}: {error.str()}") from exc
        return created

    def fix(self, spec: TopicSpec, drifts: list[Drift]) -> list[Drift]:
        """Apply the fixable drifts of one topic; returns those fixed."""
        fixed: list[Drift] = []
        try:
            for drift in drifts:
                if drift.what == "partitions" and drift.fixable:
                    futures = self._admin.create_partitions(
                        [NewPartitions(spec.name, spec.partitions)], request_timeout=_TIMEOUT
                    )
                    for future in futures.values():
                        future.result(_TIMEOUT)
                    fixed.append(drift)
            config_drifts = [
                d for d in drifts if d.fixable and d.what not in ("partitions", "replication.factor")
            ]
            if config_drifts:
                resource = ConfigResource(
                    ConfigResource.Type.TOPIC,
                    spec.name,
                    incremental_configs=[
                        ConfigEntry(d.what, d.expected, incremental_operation=AlterConfigOpType.SET)
                        for d in config_drifts
                    ],
                )
                for future in self._admin.incremental_alter_configs([resource]).values():
                    future.result(_TIMEOUT)
                fixed.extend(config_drifts)
        except KafkaException as exc:
            raise TopicAdminError(f"cannot fix topic {spec.name}: {exc}") from exc
        return fixed

    def apply(self, specs: list[TopicSpec], *, fix: bool = False) -> ApplyReport:
        report = ApplyReport()
        existing = self.existing()
        report.created = self.create(s for s in specs if s.name not in existing)
        present = [s for s in specs if s.name not in report.created]
        actual = self.describe(s.name for s in present)
        for spec in present:
            drifts = diff(spec, actual[spec.name])
            if fix and drifts:
                done = self.fix(spec, drifts)
                report.fixed.extend(done)
                drifts = [d for d in drifts if d not in done]
            if drifts:
                report.drift.extend(drifts)
            elif spec.name not in report.created:
                report.unchanged.append(spec.name)
        return report
