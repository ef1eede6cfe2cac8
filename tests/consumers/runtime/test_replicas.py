"""Replicas share the work: each member of a group gets its share (±1) of the main topic's partitions."""

from __future__ import annotations

import uuid

import pytest

from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec, group_topic
from bcx.settings import KafkaSettings, RegistrySettings
from tests.conftest import NewTopic
from tests.consumers.runtime.fault_support import Forwarder, group_assignment, wait_for
from tests.consumers.support import RunningConsumer, consume_settings

pytestmark = pytest.mark.integration

PARTITIONS = 12  # as commerce.orders.v1 and its group's retry topic in deploy/topics.yaml


def _balanced(kafka: KafkaSettings, group: str, topic: str, members: int) -> bool:
    counts = list(group_assignment(kafka, group, topic).values())
    return len(counts) == members and sum(counts) == PARTITIONS and max(counts) - min(counts) <= 1


class TestReplicasShareTheMainTopic:
    @pytest.mark.parametrize("replicas", [2, 3])
    def test_main_topic_partitions_spread_evenly_over_replicas(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        new_topic: NewTopic,
        replicas: int,
    ) -> None:
        """Replicas started one after another, each reading the main and the retry topic (12 partitions
        each), settle with every replica holding 12/N (±1) main-topic partitions, and so do the rest
        after one leaves."""
        group = f"bcx-test-{uuid.uuid4().hex[:8]}"
        TopicAdmin(kafka_settings.client_config()).create(
            [
                TopicSpec(group_topic(group, "ledger"), 3, 1, {"cleanup.policy": "compact"}),
                TopicSpec(group_topic(group, "dlq"), 1, 1, {}),
                TopicSpec(group_topic(group, "retry"), PARTITIONS, 1, {}),
            ]
        )
        topic = new_topic("orders", partitions=PARTITIONS)
        settings = consume_settings(kafka_settings, registry_settings, group=group, topics=[topic])
        running = []
        for n in range(1, replicas + 1):
            forwarder = Forwarder(new_topic("out", partitions=1))
            running.append(RunningConsumer("forward", forwarder.factory(topic), settings))
            wait_for(
                lambda n=n: _balanced(kafka_settings, group, topic, n),  # type: ignore[misc]
                timeout=90,
                what=f"{n} replica(s) sharing {topic}",
            )
        assert running.pop(0).stop() == 0
        wait_for(
            lambda: _balanced(kafka_settings, group, topic, replicas - 1),
            timeout=90,
            what="the remaining replicas sharing the topic",
        )
        for consumer in running:
            assert consumer.stop() == 0
