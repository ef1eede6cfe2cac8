"""What ``bcx policies`` (and the demo) do, as functions over clients: render and record, status, rollback.

``render_and_record`` is the producing half of the flow: every selected policy for every catalogue store is
rendered from its approved design and recorded on ``exstream.policy-documents.v1`` (the consumer publishes
it); a refusal is recorded on ``policies.publications.v1``. ``status`` compares each target with the last
publication; ``restore`` and ``rollback`` write a kept version directly, with the operator as actor.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bcx.bigcommerce.client import BigCommerceClient
from bcx.contracts.policy_document import PolicyDocument
from bcx.contracts.policy_publication import PolicyPublication
from bcx.exstream.client import ExstreamClient
from consumers.policy_publisher.catalogue import Catalogue
from consumers.policy_publisher.history import History
from consumers.policy_publisher.publisher import Emit, Observation, Publisher
from consumers.policy_publisher.render import Refusal, Renderer
from consumers.policy_publisher.targets import TargetRef, targets_of


@dataclass(frozen=True)
class Rendered:
    """One policy for one store: the document recorded, or why it was refused."""

    store_hash: str
    policy: str
    document: PolicyDocument | None
    refusal: Refusal | None


async def render_and_record(
    catalogue: Catalogue,
    exstream: ExstreamClient,
    *,
    actor: str,
    record_document: Callable[[PolicyDocument], Awaitable[None]] | None,
    record_refusal: Emit | None,
    policy: str | None = None,
    channel: int | None = None,
) -> list[Rendered]:
    """Render the selection; ``record_*`` None (a dry run) renders and reports without recording."""
    renderer = Renderer(exstream, actor=actor)
    done: list[Rendered] = []
    for chosen in catalogue.select(policy, channel):
        for store_hash, identity in catalogue.stores.items():
            result = await renderer.render(chosen, store_hash, identity)
            if isinstance(result, Refusal):
                if record_refusal is not None:
                    await record_refusal(result.publication)
                done.append(Rendered(store_hash, chosen.id, None, result))
            else:
                if record_document is not None:
                    await record_document(result)
                done.append(Rendered(store_hash, chosen.id, result, None))
    return done


@dataclass(frozen=True)
class TargetStatus:
    observation: Observation
    restored: PolicyPublication | None = None

    @property
    def state(self) -> str:
        obs = self.observation
        if obs.last is None:
            return "not published"
        if not obs.drifted:
            return "in sync"
        return (
            "restored" if self.restored is not None else ("missing" if obs.served_hash is None else "drifted")
        )


def selected_targets(catalogue: Catalogue, policy: str | None, channel: int | None) -> list[TargetRef]:
    return [
        ref
        for chosen in catalogue.select(policy, channel)
        for store_hash in catalogue.stores
        for ref in targets_of(chosen, store_hash, channel)
    ]


async def status(
    client: BigCommerceClient,
    history: History,
    refs: list[TargetRef],
    emit: Emit,
    *,
    actor: str,
    restore: bool = False,
) -> list[TargetStatus]:
    """Each target against its last publication; a drift is reported (``DRIFT_DETECTED``) and, with
    ``restore``, the last published version is written back (``RESTORED``)."""
    publisher = Publisher(client, history, emit, actor=actor)
    found: list[TargetStatus] = []
    for ref in refs:
        obs, _ = await publisher.check(ref)
        restored = None
        if restore and obs.drifted and obs.last is not None:
            document = history.document(obs.last.document_id)
            if document is not None:
                (restored,) = await publisher.apply(document, [ref], "restore")
        found.append(TargetStatus(obs, restored))
    return found


async def rollback(
    client: BigCommerceClient, history: History, refs: list[TargetRef], emit: Emit, *, actor: str
) -> list[tuple[TargetRef, PolicyPublication | None]]:
    """Each target back to the version served before its current one (None: nothing older was served)."""
    publisher = Publisher(client, history, emit, actor=actor)
    done: list[tuple[TargetRef, PolicyPublication | None]] = []
    for ref in refs:
        source = history.rollback_source(ref.key)
        document = history.document(source.document_id) if source is not None else None
        if document is None:
            done.append((ref, None))
            continue
        (publication,) = await publisher.apply(document, [ref], "rollback")
        done.append((ref, publication))
    return done
