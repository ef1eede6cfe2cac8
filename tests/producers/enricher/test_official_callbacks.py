"""Every official BigCommerce callback example, as the bridge records it, goes through the enricher without a
dead letter: the families with a snapshot topic publish their snapshots, the rest are acknowledged."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bcx.contracts.commerce import snapshot_codec
from bcx.contracts.webhook_event import WebhookAuthentication
from producers.enricher.plan import plan
from producers.webhook_bridge.auth import Verdict
from producers.webhook_bridge.event import build_event
from producers.webhook_bridge.payload import parse_callback
from simulators.bigcommerce.config import SimulatorConfig
from tests.producers.enricher.support import STORE, Rig, rig
from tests.producers.webhook_bridge.samples import example_body, example_files


@pytest.fixture
async def r() -> AsyncIterator[Rig]:
    # the examples name orders 250/251, customer 32, products up to 206: a store that holds them (their
    # cart ids are the examples' own UUIDs, which no store has: those carts are published as deleted)
    async for made in rig(SimulatorConfig(orders=300, products=250)):
        yield made


class TestOfficialCallbacks:
    @pytest.mark.parametrize("path", example_files(), ids=lambda p: p.stem)
    async def test_example_is_enriched_without_dead_letter(
        self, r: Rig, path: Path, mock_registry: Any
    ) -> None:
        """The example publishes one snapshot per entity it names (deleted when the store lacks it), each
        encodable with its topic's schema, or is ignored when its family has no snapshot topic; it never
        raises (which would dead-letter it)."""
        callback = parse_callback(example_body(path, STORE))
        event = build_event(callback, Verdict(WebhookAuthentication.SHARED_SECRET, None), None, time.time())
        targets = plan(event).targets
        outcome = await r.enricher.enrich(event)
        if not targets:
            assert outcome.outcome == "ignored"
            assert r.publisher.records == []
            return
        assert outcome.outcome == "published"
        assert set(outcome.snapshots.values()) <= {"published", "deleted"}
        published = {record.key for record in r.publisher.records}
        assert published == {target.key(STORE) for target in targets}
        for record in r.publisher.records:
            codec = snapshot_codec(record.entity_type, mock_registry)
            assert codec.decode(codec.encode(record)) == record
