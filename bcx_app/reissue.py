"""``bcx reissue``: select documents in the index, then ask the flow to produce each again under a new key.

For each entity (order) with selected documents, its latest snapshot is read from the flow's input topic
and published there again with ``bcx.reissue.*`` headers (:mod:`consumers.documents.reissue`); the flow's
running consumer produces the named documents under keys that name the re-issue, through its ledger,
Exstream, storage and results like any document. Who and why are recorded in the index (``reissues``)
after the request was acknowledged; re-issue keys recorded before are not requested again, so re-running
the same re-issue produces nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
from confluent_kafka import Producer

from bcx.kafka.errors import ProduceError
from bcx_app.preview import PreviewError, latest_snapshot
from consumers.document_index import reissues
from consumers.documents.reissue import Reissue, reissue_key


@dataclass
class ReissuePlan:
    """What a re-issue would produce (new) and what was re-issued before (skipped)."""

    new: list[tuple[reissues.Selected, str]] = field(default_factory=list)
    skipped: list[tuple[reissues.Selected, str]] = field(default_factory=list)


def plan(conn: psycopg.Connection[Any], selector: reissues.ReissueSelector, reason: str) -> ReissuePlan:
    selected = reissues.select(conn, selector)
    keys = {s.key: reissue_key(s.key, reason) for s in selected}
    done = reissues.already_reissued(conn, list(keys.values()))
    result = ReissuePlan()
    for s in selected:
        (result.skipped if keys[s.key] in done else result.new).append((s, keys[s.key]))
    return result


def execute(
    conn: psycopg.Connection[Any],
    todo: ReissuePlan,
    *,
    client_config: dict[str, Any],
    topic: str,
    reason: str,
    by: str,
    now: datetime,
) -> int:
    """Publish one re-issue request per entity, then record who/why; returns the requests published."""
    by_entity: dict[tuple[str, str, str], list[tuple[reissues.Selected, str]]] = defaultdict(list)
    for s, new_key in todo.new:
        by_entity[(s.store_hash, s.entity_type, s.entity_id)].append((s, new_key))
    producer = Producer({**client_config, "enable.idempotence": True, "acks": "all"})
    failed: list[str] = []
    for (store, entity_type, entity_id), items in by_entity.items():
        record = latest_snapshot(client_config, topic, f"{store}:{entity_type}:{entity_id}")
        if record is None:
            raise PreviewError(f"{entity_type} {entity_id} of store {store} is no longer on {topic}")
        request = Reissue(frozenset(s.key for s, _ in items), reason, by)
        producer.produce(
            topic,
            record.value,
            key=record.key,
            headers=[*(h for h in record.headers if not h[0].startswith("bcx.reissue.")), *request.headers()],
            on_delivery=lambda err, _msg: failed.append(str(err)) if err is not None else None,
        )
    if producer.flush(30) or failed:
        raise ProduceError(f"re-issue requests not acknowledged: {failed}")
    reissues.record(conn, [(new_key, s.key) for s, new_key in todo.new], by=by, reason=reason, at=now)
    return len(by_entity)
