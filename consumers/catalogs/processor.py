"""A campaign request → the recipient's personalised catalog, gated by consent and caps at this moment
(a customer who withdrew consent after the run started gets nothing). Print documents go through
Exstream batch jobs and leave a mail-house manifest row beside the run's output."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from bcx.contracts.commerce_products import ProductSnapshotRecord
from bcx.contracts.marketing_contacts import CampaignRequest
from bcx.contracts.marketing_profiles import MarketingProfile
from bcx.logging import get_logger
from consumers.marketing.catalog import catalog_lines
from consumers.marketing.facts import contact_block
from consumers.marketing.pressure import Kind
from consumers.marketing.sender import Candidate, MarketingSender, Sent
from consumers.runtime import RecordContext
from consumers.runtime.ledger import exstream_reference
from routing import EventFacts, RoutingFacts, ScheduleFacts

log = get_logger(__name__)

SCOPE = "bcx/schedule/catalog_campaign"
PRINT_BATCH_INPUT = "catalog-print"
MANIFEST_FIELDS = (
    "document_id",
    "idempotency_key",
    "customer_id",
    "name",
    "company",
    "address1",
    "address2",
    "city",
    "state_or_province",
    "postal_code",
    "country_code",
    "output_uri",
)


def candidate(
    request: CampaignRequest, products: Callable[[], Mapping[int, ProductSnapshotRecord]]
) -> Candidate:
    facts = RoutingFacts(
        use_case="catalogs",
        store_hash=request.store_hash,
        entity_type="customer",
        entity_id=str(request.customer_id),
        event=EventFacts(scope=SCOPE, event_id=request.request_id, occurred_at=request.requested_at),
        schedule=ScheduleFacts(name=request.campaign, period=request.run_id),
    )

    def driver(profile: MarketingProfile) -> Mapping[str, Any]:
        return {
            "customer": contact_block(profile),
            "email": profile.email,
            "campaign": {"name": request.campaign, "run": request.run_id, "promotion": request.promotion},
            "products": catalog_lines(request.product_ids, products(), request.price_list_id),
        }

    is_print = request.channel == "print"
    return Candidate(
        store_hash=request.store_hash,
        customer_id=request.customer_id,
        kind=Kind.MARKETING,
        channel=request.channel,
        facts=facts,
        driver_data=driver,
        source_event_id=request.request_id,
        cap_group=request.cap_group,
        mode="batch" if is_print else "on_demand",
        batch_input=PRINT_BATCH_INPUT if is_print else None,
    )


def manifest_row(profile: MarketingProfile, key: str, output_uri: str | None) -> dict[str, str]:
    address = profile.postal_address
    row = {name: "" for name in MANIFEST_FIELDS}
    if address is not None:
        row.update({k: str(v) for k, v in address.model_dump().items() if k in row})
    row.update(
        document_id=exstream_reference(key),
        idempotency_key=key,
        customer_id=str(profile.customer_id),
        output_uri=output_uri or "",
    )
    return row


def run_dir(root: Path, campaign: str, run_id: str) -> Path:
    return root / campaign / run_id


class CatalogsProcessor:
    def __init__(
        self,
        *,
        sender: MarketingSender,
        products: Callable[[], Mapping[int, ProductSnapshotRecord]],
        output_dir: Path,
    ) -> None:
        self._sender = sender
        self._products = products
        self._output_dir = output_dir

    async def process(self, value: CampaignRequest, ctx: RecordContext) -> None:
        sent = await self._sender.send(candidate(value, self._products), ctx)
        if value.channel == "print":
            self._manifest(value, sent)
        log.info(
            "catalogs.processed",
            store_hash=value.store_hash,
            customer_id=value.customer_id,
            campaign=value.campaign,
            run_id=value.run_id,
            documents=sent.outcomes,
            suppressed=[s.reason for s in sent.suppressed],
            rules=sent.rules,
            not_due=sent.not_due,
        )

    def _manifest(self, request: CampaignRequest, sent: Sent) -> None:
        """A row file per printed recipient (a replay rewrites it); ``bcx campaigns manifest`` joins them."""
        profile = self._sender.profile(request.store_hash, request.customer_id)
        rows_dir = run_dir(self._output_dir, request.campaign, request.run_id) / "rows"
        for outcome in sent.results.values():
            entry = outcome.entry
            if entry is None or profile is None:
                continue
            rows_dir.mkdir(parents=True, exist_ok=True)
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=MANIFEST_FIELDS)
            writer.writerow(manifest_row(profile, entry.idempotency_key, entry.output_uri))
            path = rows_dir / f"{request.store_hash}-{request.customer_id}.csv"
            path.write_text(buffer.getvalue(), encoding="utf-8")
