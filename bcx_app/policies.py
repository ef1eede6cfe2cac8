"""The wiring ``bcx policies`` and the demo share: settings, catalogue, Exstream, BigCommerce, the policy
topics (history in, documents and publications out)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from bcx.avro.registry import registry_client
from bcx.bigcommerce.client import BigCommerceClient
from bcx.contracts.policy_document import PolicyDocument
from bcx.contracts.policy_publication import PolicyPublication, TargetKind
from bcx.exstream.client import ExstreamClient
from bcx.kafka.config import producer_config
from bcx.kafka.producer import KafkaProducer
from bcx.settings import load_settings
from consumers.policy_publisher.bus import PolicyBus
from consumers.policy_publisher.catalogue import Catalogue, load_catalogue
from consumers.policy_publisher.history import History
from consumers.policy_publisher.operations import Rendered, render_and_record
from consumers.policy_publisher.publisher import Publisher
from consumers.policy_publisher.settings import PoliciesCommandSettings
from consumers.policy_publisher.targets import targets_of


@dataclass
class Context:
    settings: PoliciesCommandSettings
    catalogue: Catalogue
    bus: PolicyBus
    producer: KafkaProducer
    exstream: ExstreamClient
    bigcommerce: BigCommerceClient
    history: History

    @classmethod
    @asynccontextmanager
    async def open(cls, settings: PoliciesCommandSettings | None = None) -> AsyncIterator[Context]:
        settings = settings or load_settings(PoliciesCommandSettings)
        catalogue = load_catalogue(settings.policy_publisher.catalogue_path)
        registry: Any = registry_client(settings.registry)
        bus = PolicyBus(settings.policy_publisher, registry)
        history = bus.load_history(settings.kafka, settings.policy_publisher.history_timeout_s)
        producer = KafkaProducer(producer_config(settings.kafka))
        try:
            async with (
                ExstreamClient(settings.exstream) as exstream,
                BigCommerceClient(settings.bigcommerce) as bc,
            ):
                yield cls(settings, catalogue, bus, producer, exstream, bc, history)
        finally:
            producer.close()
            registry.close()

    async def emit(self, publication: PolicyPublication) -> None:
        await self.bus.send_publication(self.producer, publication)
        self.history.add_publication(publication)

    async def record_document(self, document: PolicyDocument) -> None:
        await self.bus.send_document(self.producer, document)
        self.history.add_document(document)

    async def render(
        self, policy: str | None, channel: int | None, *, actor: str, record: bool
    ) -> list[Rendered]:
        return await render_and_record(
            self.catalogue,
            self.exstream,
            actor=actor,
            record_document=self.record_document if record else None,
            record_refusal=self.emit if record else None,
            policy=policy,
            channel=channel,
        )

    async def preview(self, doc: PolicyDocument, channel: int | None) -> list[str]:
        """Per target, what publishing ``doc`` would do now (read-only)."""
        publisher = Publisher(self.bigcommerce, self.history, self.emit, actor="preview")
        lines = []
        for ref in targets_of(self.catalogue.policy(doc.policy), doc.store_hash, channel):
            obs = await publisher.observe(ref)
            stale = len(publisher.stale_invoices(doc, obs))
            same = obs.served_hash is not None and obs.served_hash == publisher.desired_hash(doc, ref)
            if not stale and (same or ref.kind is TargetKind.INVOICE_TERMS):
                verdict = "unchanged"
            elif obs.drifted:
                verdict = "edited by hand: refused until `bcx policies status --restore`"
            else:
                verdict = "will be written" + (f" ({stale} open invoices)" if stale else "")
            lines.append(f"{ref.describe()}: {verdict}")
        return lines
