"""Rendering a catalogue policy through Exstream — only from an approved design — into a PolicyDocument.

The design-asset service is asked first: a communication without an APPROVED version is refused and
reported (a ``REFUSED`` publication without target), never rendered. The rendered HTML's hash is the
document's identity: rendering the same approved version with the same driver data gives the same hash, so
the publisher writes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bcx.contracts.policy_document import PolicyDocument, content_hash
from bcx.contracts.policy_publication import PolicyPublication, PublicationAction
from bcx.exstream.client import ExstreamClient
from bcx.exstream.design import DesignApi
from bcx.exstream.errors import InvalidResponseError
from consumers.policy_publisher.catalogue import Policy, StoreIdentity, driver_data


@dataclass(frozen=True)
class Refusal:
    """Why a policy was not rendered, as the publication that reports it."""

    publication: PolicyPublication

    @property
    def detail(self) -> str:
        return self.publication.detail or ""


class Renderer:
    def __init__(
        self,
        exstream: ExstreamClient,
        *,
        actor: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        design: DesignApi | None = None,
    ) -> None:
        self._exstream = exstream
        self._design = design or DesignApi(exstream)
        self._actor = actor
        self._clock = clock

    async def render(self, policy: Policy, store_hash: str, store: StoreIdentity) -> PolicyDocument | Refusal:
        approved = await self._design.approved_version(policy.communication_id)
        if approved is None:
            latest = await self._design.latest_version(policy.communication_id)
            state = (
                f"version {latest.version} is {latest.state}" if latest else "unknown to the design service"
            )
            return self._refusal(
                policy,
                store_hash,
                f"communication {policy.communication_id} has no APPROVED version ({state})",
            )
        result = await self._exstream.generate(
            communication_id=policy.communication_id,
            driver_data_source=policy.driver_data_source,
            driver_data=driver_data(policy, store),
            reference=f"policy:{store_hash}:{policy.id}:v{approved.version}",
        )
        output = result.first("text/html")
        if output is None:
            raise InvalidResponseError(f"{policy.communication_id}: Exstream returned no HTML output")
        html = output.content.decode("utf-8")
        return PolicyDocument(
            document_id=str(uuid.uuid4()),
            store_hash=store_hash,
            policy=policy.id,
            kind=policy.kind,
            version=approved.version,
            region=policy.region,
            locale=policy.locale,
            content_hash=content_hash(html),
            approval_reference=approved.approval_reference,
            communication_id=policy.communication_id,
            rendered_at=self._clock(),
            title=_title(html) or policy.id,
            html=html,
            requested_by=self._actor,
        )

    def _refusal(self, policy: Policy, store_hash: str, detail: str) -> Refusal:
        return Refusal(
            PolicyPublication(
                publication_id=str(uuid.uuid4()),
                occurred_at=self._clock(),
                action=PublicationAction.REFUSED,
                actor=self._actor,
                store_hash=store_hash,
                policy=policy.id,
                region=policy.region,
                locale=policy.locale,
                detail=detail,
            )
        )


def _title(html: str) -> str | None:
    start = html.find("<h1>")
    end = html.find("</h1>", start)
    return html[start + 4 : end].strip() if start >= 0 and end > start else None
