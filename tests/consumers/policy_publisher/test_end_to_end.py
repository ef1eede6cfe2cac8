"""The flow through a real broker and registry: ``bcx policies`` renders onto the documents topic, the
policy-publisher consumer group writes BigCommerce (simulator over HTTP) and records publications; a
channel page webhook after a hand edit is reported as drift; status --restore writes the text back."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bcx.avro.registry import registry_client
from bcx.contracts.codecs import webhook_event_codec
from bcx.contracts.policy_publication import PolicyPublication
from bcx.settings import KafkaSettings, RegistrySettings
from bcx_app.policies import Context
from consumers.policy_publisher.app import build
from consumers.policy_publisher.bus import PolicyBus
from consumers.policy_publisher.catalogue import load_catalogue
from consumers.policy_publisher.operations import selected_targets, status
from consumers.policy_publisher.settings import (
    PoliciesCommandSettings,
    PolicyPublisherConfig,
    PolicyPublisherSettings,
)
from tests.consumers.policy_publisher.support import STORE, Sims, simulators
from tests.consumers.support import RunningConsumer, consume_settings, create_group_topics, produce
from tests.producers.enricher.events import event

pytestmark = pytest.mark.integration
TERMS_TARGETS = [ref.key for ref in selected_targets(load_catalogue(), "terms-us", None)]


@pytest.fixture
def sims(tmp_path: Path) -> Iterator[Sims]:
    with simulators(tmp_path) as running:
        yield running


def wait_for(
    config: PolicyPublisherConfig,
    settings: PoliciesCommandSettings,
    done: Callable[[list[PolicyPublication]], bool],
) -> list[PolicyPublication]:
    """The publications recorded so far, once ``done`` holds for them (or fail after a generous wait)."""
    registry = registry_client(settings.registry)
    bus = PolicyBus(config, registry, auto_register=False)
    try:
        for _ in range(120):
            history = bus.load_history(settings.kafka, 30)
            found = sorted(
                (p for ref in TERMS_TARGETS for p in history.publications(ref)),
                key=lambda p: p.occurred_at,
            )
            if done(found):
                return found
            time.sleep(0.5)
    finally:
        registry.close()
    raise AssertionError(f"publications never reached the expected state: {[p.action for p in found]}")


class TestEndToEnd:
    def test_publish_unchanged_drift_and_restore_through_kafka(
        self,
        sims: Sims,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        new_topic: Callable[..., str],
    ) -> None:
        """Two PUBLISHED then two UNCHANGED (no more writes); a hand edit plus its webhook gives one
        DRIFT_DETECTED; status --restore writes the published text back."""
        config = PolicyPublisherConfig(
            documents_topic=new_topic("policy-documents", 3, {"retention.ms": "-1"}),
            publications_topic=new_topic("policy-publications", 3, {"retention.ms": "-1"}),
        )
        hooks_topic = new_topic("webhooks", 3)
        group = f"bcx-policy-publisher-{uuid.uuid4().hex[:8]}"
        create_group_topics(kafka_settings, group)
        command = PoliciesCommandSettings(
            kafka=kafka_settings,
            registry=registry_settings,
            exstream=sims.exstream_settings(),
            bigcommerce=sims.bigcommerce_settings(),
            policy_publisher=config,
        )
        flow = PolicyPublisherSettings(bigcommerce=sims.bigcommerce_settings(), policy_publisher=config)
        consumer = RunningConsumer(
            "policy-publisher",
            lambda services: build(services, flow),
            consume_settings(
                kafka_settings,
                registry_settings,
                group=group,
                topics=[config.documents_topic, hooks_topic],
                exstream=sims.exstream_settings(),
            ),
        )
        try:

            async def render() -> None:
                async with Context.open(command) as ctx:
                    [rendered] = await ctx.render("terms-us", None, actor="cli:test", record=True)
                    assert rendered.document is not None

            asyncio.run(render())
            first = wait_for(config, command, lambda found: len(found) >= 2)
            assert [p.action.value for p in first] == ["PUBLISHED", "PUBLISHED"]
            assert {p.actor for p in first} == {group}
            assert sims.writes() == 2

            asyncio.run(render())
            again = wait_for(config, command, lambda found: len(found) >= 4)
            assert [p.action.value for p in again[2:]] == ["UNCHANGED", "UNCHANGED"]
            assert sims.writes() == 2

            page_id = next(p.target.page_id for p in first if p.target and p.target.page_id)
            asyncio.run(self._hand_edit(sims, page_id))
            hook = event("store/channel/1/page/updated", {"page_id": page_id})
            registry = registry_client(registry_settings)
            produce(kafka_settings, hooks_topic, [(hook.key, webhook_event_codec(registry).encode(hook))])
            registry.close()
            drift = wait_for(
                config, command, lambda found: any(p.action.value == "DRIFT_DETECTED" for p in found)
            )
            assert [p.action.value for p in drift].count("DRIFT_DETECTED") == 1
        finally:
            assert consumer.stop() == 0

        async def restore() -> list[str]:
            async with Context.open(command) as ctx:
                refs = selected_targets(ctx.catalogue, "terms-us", None)
                found = await status(
                    ctx.bigcommerce, ctx.history, refs, ctx.emit, actor="cli:test", restore=True
                )
                page = await ctx.bigcommerce.get_page(STORE, page_id)
                document = ctx.history.document(first[0].document_id)
                assert document is not None
                assert page.body == document.html
            return [item.state for item in found]

        assert asyncio.run(restore()) == ["restored", "in sync"]

    @staticmethod
    async def _hand_edit(sims: Sims, page_id: int) -> None:
        async with sims.bigcommerce_client() as client:
            await client.http.request(
                STORE, "v3", "PUT", f"/content/pages/{page_id}", json={"body": "<p>x</p>"}
            )
