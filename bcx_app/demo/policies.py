"""The demo's policies: the packaged catalogue for the demo store, rendered through the Exstream simulator,
published by the running policy-publisher group, and listed with where shoppers find them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from pydantic import SecretStr

from bcx.bigcommerce.settings import BigCommerceSettings, StoreCredentials
from bcx.contracts.policy_publication import PolicyPublication, TargetKind
from bcx.exstream.settings import ExstreamSettings
from bcx.settings import KafkaSettings, RegistrySettings
from bcx_app.demo.plan import DEMO_ACCESS_TOKEN, DEMO_STORE, EXSTREAM_CLIENT, DemoPlan
from bcx_app.policies import Context
from consumers.policy_publisher.catalogue import default_catalogue_path, load_catalogue
from consumers.policy_publisher.operations import selected_targets
from consumers.policy_publisher.settings import PoliciesCommandSettings, PolicyPublisherConfig

POLICY_CATALOGUE = "policies.yaml"


def write_demo_catalogue(path: Path) -> None:
    """The packaged catalogue with its store identity moved to the demo store."""
    data = yaml.safe_load(default_catalogue_path().read_text(encoding="utf-8"))
    identity = next(iter(data["stores"].values()))
    data["stores"] = {DEMO_STORE: identity}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_catalogue(path)  # the demo must not start on a catalogue the flow would refuse


def _settings(plan: DemoPlan, kafka: KafkaSettings, registry: RegistrySettings) -> PoliciesCommandSettings:
    exstream = f"http://127.0.0.1:{plan.ports.exstream}"
    return PoliciesCommandSettings(
        kafka=kafka,
        registry=registry,
        exstream=ExstreamSettings(
            base_url=exstream,
            token_url=f"{exstream}/otdsws/oauth2/token",
            client_id=EXSTREAM_CLIENT[0],
            client_secret=SecretStr(EXSTREAM_CLIENT[1]),
        ),
        bigcommerce=BigCommerceSettings(
            api_base_url=plan.bigcommerce_url,
            b2b_base_url=plan.bigcommerce_url,
            stores=(StoreCredentials(store_hash=DEMO_STORE, access_token=SecretStr(DEMO_ACCESS_TOKEN)),),
        ),
        policy_publisher=PolicyPublisherConfig(catalogue_path=plan.workdir / POLICY_CATALOGUE),
    )


def publish_policies(
    plan: DemoPlan,
    kafka: KafkaSettings,
    registry: RegistrySettings,
    say: Callable[[str], None],
    timeout_s: float,
) -> bool:
    """Render every policy, wait until the consumer group served each target, print where they are."""
    settings = _settings(plan, kafka, registry)
    say("publishing the store's policies (Exstream → exstream.policy-documents.v1 → policy-publisher)…\n")

    async def render() -> int:
        async with Context.open(settings) as ctx:
            rendered = await ctx.render(None, None, actor="demo", record=True)
        for item in rendered:
            if item.refusal is not None:
                say(f"  refused {item.policy}: {item.refusal.detail}\n")
        return sum(item.document is not None for item in rendered)

    if asyncio.run(render()) == 0:
        return False
    catalogue = load_catalogue(settings.policy_publisher.catalogue_path)
    refs = selected_targets(catalogue, None, None)
    deadline = time.monotonic() + timeout_s

    async def served() -> dict[str, PolicyPublication | None]:
        async with Context.open(settings) as ctx:
            return {ref.key: ctx.history.last_serving(ref.key) for ref in refs}

    while True:
        found = asyncio.run(served())
        if all(found.values()) or time.monotonic() > deadline:
            break
        time.sleep(1.0)
    ok = True
    for ref in refs:
        publication = found.get(ref.key)
        if publication is None:
            ok = False
            say(f"  NOT PUBLISHED {ref.policy.id:12} {ref.describe()}\n")
            continue
        page_id = publication.target.page_id if publication.target else None
        base = f"{plan.bigcommerce_url}/stores/{DEMO_STORE}/v3"
        if page_id:
            api = f"{base}/content/pages/{page_id}"
        elif ref.kind is TargetKind.INVOICE_TERMS:
            api = f"{plan.bigcommerce_url}/api/v3/io/ip/invoices?channelIds={ref.channel}"
        else:
            api = f"{base}/checkouts/settings/channels/{ref.channel}"
        say(f"  {ref.policy.id:12} v{publication.version} {ref.policy.locale:6} {ref.describe():45} {api}\n")
    return ok
