"""Campaign plans and runs, sweeps: pure selection over the profiles (the CLI does the I/O).

A plan says, for every profile, in or out and why: out of the audience (the first failing condition), or
in the audience but suppressed *now* by consent or pressure (the reason the catalogs flow would give). A
run publishes one request per audience member; the catalogs flow gates each again when it is processed,
so consent withdrawn after the run started still stops the document, and the suppression is counted there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bcx.contracts.commerce_products import ProductSnapshotRecord
from bcx.contracts.marketing_contacts import CampaignRequest, ContactHistory
from bcx.contracts.marketing_profiles import MarketingProfile
from consumers.marketing.campaign import Campaign, explain
from consumers.marketing.catalog import index, select_products
from consumers.marketing.policy import MarketingPolicy
from consumers.marketing.pressure import Kind, check
from consumers.marketing.triggers import due


@dataclass(frozen=True, slots=True)
class Verdict:
    store_hash: str
    customer_id: int
    in_audience: bool
    why: tuple[str, ...]
    suppressed: str | None = None

    @property
    def reason(self) -> str:
        if not self.in_audience:
            return "audience: " + (self.why[-1] if self.why else "not selected")
        return f"suppressed: {self.suppressed}" if self.suppressed else "in"


@dataclass
class Plan:
    campaign: str
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def audience(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.in_audience]

    @property
    def deliverable(self) -> int:
        return sum(1 for v in self.audience if v.suppressed is None)

    def out_by_reason(self) -> Counter[str]:
        return Counter(
            (v.suppressed or "") if v.in_audience else "audience" for v in self.verdicts if v.reason != "in"
        )


def plan(
    campaign: Campaign,
    profiles: Iterable[MarketingProfile],
    history: Callable[[str], ContactHistory | None],
    policy: MarketingPolicy,
    now: datetime,
) -> Plan:
    result = Plan(campaign.name)
    for profile in profiles:
        ok, why = explain(campaign, profile, now, policy.scores)
        suppressed = None
        if ok:
            refused = check(
                profile,
                history(profile.key),
                policy,
                kind=Kind.MARKETING,
                channel=campaign.channel,
                cap_group=campaign.cap_group,
                now=now,
            )
            suppressed = refused.reason if refused else None
        result.verdicts.append(Verdict(profile.store_hash, profile.customer_id, ok, tuple(why), suppressed))
    return result


def campaign_requests(
    campaign: Campaign,
    result: Plan,
    profiles: dict[str, MarketingProfile],
    products: list[ProductSnapshotRecord],
    now: datetime,
) -> list[CampaignRequest]:
    """One request per audience member (consent and caps are the flow's to check, at send time)."""
    catalogue = index(products)
    out = []
    for verdict in result.audience:
        profile = profiles[f"{verdict.store_hash}:{verdict.customer_id}"]
        out.append(
            CampaignRequest(
                request_id=f"{campaign.name}:{campaign.run_id}:{verdict.store_hash}:{verdict.customer_id}",
                store_hash=verdict.store_hash,
                customer_id=verdict.customer_id,
                campaign=campaign.name,
                run_id=campaign.run_id,
                requested_at=now,
                channel=campaign.channel,
                cap_group=campaign.cap_group,
                document_type=campaign.document_type,
                product_ids=select_products(campaign.products, profile, catalogue),
                price_list_id=campaign.products.price_lists.get(profile.customer_group_id),
                promotion=campaign.products.promotion,
            )
        )
    return out


def sweep_requests(
    sweep: str, profiles: Iterable[MarketingProfile], policy: MarketingPolicy, now: datetime
) -> list[CampaignRequest]:
    """``bcx sweep <sweep>``: one trigger per letter due now, named by its state (once per state)."""
    out = []
    for profile in profiles:
        for found in due(sweep, profile, now, policy.triggers):
            out.append(
                CampaignRequest(
                    request_id=f"{found.document_type}:{found.state}:{profile.store_hash}:{profile.customer_id}",
                    store_hash=profile.store_hash,
                    customer_id=profile.customer_id,
                    campaign=sweep,
                    run_id=found.state,
                    requested_at=now,
                    channel="email",
                    document_type=found.document_type,
                    promotion=found.why,
                )
            )
    return out
