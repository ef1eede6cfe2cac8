"""``bcx campaigns list|plan|run|manifest NAME``: campaigns as data (``consumers/marketing/campaigns/``).

``plan`` reads the profiles and contact history and prints the audience size, who would be suppressed now
and why, and a sample with the reasons each customer is in or out; it publishes nothing. ``run`` publishes
one request per audience member to ``marketing.campaign-requests.v1`` (the catalogs flow personalises,
gates and produces each; a recipient gets one document per campaign run however often it is run).
``manifest`` joins a print run's rows into ``<output_dir>/<campaign>/<run>/manifest.csv`` for the mail house.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "campaigns", help="plan and run marketing campaigns (catalogs, brochures)", description=__doc__
    )
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("list", help="the campaign definitions").set_defaults(handler=_list)
    for action, handler, text in (
        ("plan", _plan, "audience size and a sample with why in / why out; publishes nothing"),
        ("run", _run, "publish one request per recipient to the catalogs flow"),
        ("manifest", _manifest, "write a print run's mail-house manifest CSV"),
    ):
        cmd = sub.add_parser(action, help=text)
        cmd.add_argument("name", help="campaign name (its YAML file's stem)")
        if action == "plan":
            cmd.add_argument("--sample", type=int, default=10, help="customers to show with their reasons")
        cmd.set_defaults(handler=handler)


def _settings() -> Any:
    from bcx.logging import configure_logging
    from bcx.settings import load_settings
    from bcx_app.cli.marketing_io import MarketingCliSettings

    settings = load_settings(MarketingCliSettings)
    configure_logging(settings.log, component="campaigns")
    return settings


def _list(args: argparse.Namespace) -> int:
    from bcx.settings import load_settings
    from consumers.marketing.campaign import DEFAULT_DIR, load_campaign
    from consumers.marketing.settings import MarketingSettings

    folder = load_settings(MarketingSettings).marketing.campaigns_dir or DEFAULT_DIR
    for path in sorted(folder.glob("*.yaml")):
        campaign = load_campaign(path.stem, folder)
        print(f"{campaign.name}  {campaign.channel}  run {campaign.run_id}  {campaign.description}")
    return 0


def _plan(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bcx_app.cli.marketing_io import tables
    from consumers.marketing.campaign import load_campaign
    from consumers.marketing.contacts import ContactLog
    from consumers.marketing.policy import load_policy
    from consumers.marketing.runs import plan

    settings = _settings()
    campaign = load_campaign(args.name, settings.marketing.campaigns_dir)
    policy = load_policy(settings.marketing.policy_path)
    with tables(settings) as t:
        history = ContactLog(t["contacts"], policy).history
        result = plan(campaign, t["profiles"].rows().values(), history, policy, datetime.now(UTC))
    print(f"campaign {campaign.name} (run {campaign.run_id}, {campaign.channel})")
    sizes = f"audience {len(result.audience)}  deliverable now {result.deliverable}"
    print(f"profiles {len(result.verdicts)}  {sizes}")
    for reason, count in sorted(result.out_by_reason().items()):
        print(f"  out: {reason or 'audience'}  {count}")
    for verdict in result.verdicts[: args.sample]:
        print(f"  customer {verdict.store_hash}:{verdict.customer_id}  {verdict.reason}")
        for line in verdict.why:
            print(f"      {line}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bcx_app.cli.marketing_io import publish, tables
    from consumers.marketing.campaign import load_campaign
    from consumers.marketing.contacts import ContactLog
    from consumers.marketing.policy import load_policy
    from consumers.marketing.runs import campaign_requests, plan

    settings = _settings()
    campaign = load_campaign(args.name, settings.marketing.campaigns_dir)
    policy = load_policy(settings.marketing.policy_path)
    now = datetime.now(UTC)
    with tables(settings, products=True) as t:
        profiles = t["profiles"].rows()
        result = plan(campaign, profiles.values(), ContactLog(t["contacts"], policy).history, policy, now)
        products = list(t["products"].rows().values())
        requests = campaign_requests(campaign, result, profiles, products, now)
    sent = publish(settings, settings.marketing.requests_topic, requests)
    print(
        f"campaign {campaign.name} run {campaign.run_id}: {sent} requests published "
        f"({result.deliverable} deliverable now; the catalogs flow checks each again)"
    )
    return 0


def _manifest(args: argparse.Namespace) -> int:
    from bcx.settings import load_settings
    from consumers.catalogs.processor import MANIFEST_FIELDS, run_dir
    from consumers.marketing.campaign import load_campaign
    from consumers.marketing.settings import MarketingSettings

    config = load_settings(MarketingSettings).marketing
    campaign = load_campaign(args.name, config.campaigns_dir)
    folder = run_dir(config.output_dir, campaign.name, campaign.run_id)
    rows = sorted((folder / "rows").glob("*.csv")) if (folder / "rows").is_dir() else []
    target = folder / "manifest.csv"
    folder.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(MANIFEST_FIELDS) + "\n")
        for row in rows:
            out.write(row.read_text(encoding="utf-8"))
    print(f"{target}: {len(rows)} printed documents")
    return 0
