"""``bcx preview`` against a real broker and both simulators: the latest snapshot of the order is decided by
the flow's own processor and rendered to files; nothing is delivered, produced or recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcx_app.preview import PreviewError, Refused, latest_snapshot
from tests.bcx_app.flow_world import World, snapshot
from tests.consumers.support import end_offsets
from tests.producers.enricher.support import STORE

pytestmark = pytest.mark.integration


class TestPreview:
    def test_renders_the_latest_snapshot_and_writes_nothing_anywhere(
        self, world: World, tmp_path: Path
    ) -> None:
        """The order's newest snapshot (an accepted order, after an incomplete one) gets its documents
        explained and rendered to --out; the simulator delivers nothing and no topic grows."""
        world.publish(snapshot(3, status_id=0), snapshot(3))
        before = end_offsets(world.kafka, world.topic)
        documents = world.preview(3, tmp_path / "out")
        assert documents, "an accepted order gets at least its confirmation"
        types = {d.request.decision.document_type for d in documents}
        assert "order_confirmation" in types
        for item in documents:
            why = item.request.explanation
            assert why is not None
            assert why.rules == [item.request.decision.rule]
            assert why.rules_digest
            assert ".pdf" in {p.suffix for p in item.files}
            assert all(p.is_relative_to(tmp_path / "out") and p.stat().st_size > 0 for p in item.files)
        assert not [p for p in world.outbox.rglob("*") if p.is_file()], "the simulator delivered something"
        assert end_offsets(world.kafka, world.topic) == before

    def test_an_order_not_on_the_topic_is_none(self, world: World) -> None:
        """latest_snapshot finds nothing for an order never published (the CLI then exits 2)."""
        world.publish(snapshot(3))
        assert latest_snapshot(world.kafka.client_config(), world.topic, f"{STORE}:order:99") is None


class TestRefused:
    def test_writers_refuse_every_use(self) -> None:
        """The preview's stand-ins for producer, results and storage fail loudly when touched."""
        with pytest.raises(PreviewError, match="must not use the Kafka producer"):
            Refused("Kafka producer").send(b"x")
