"""The account-statements flow's declaration (see :mod:`bcx.manifest`). No webhook triggers it: B2B
Edition has no invoice, payment or credit webhooks, so ``bcx statements plan`` (a CronJob) publishes one
``commerce.schedules.v1`` request per company and period."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bcx.contracts.commerce_schedules import TOPIC as SCHEDULES_TOPIC
from bcx.manifest import Flow
from consumers.account_statements.settings import AccountStatementsSettings

if TYPE_CHECKING:
    from consumers.runtime import Services, UseCase


def build(services: Services) -> UseCase[Any]:
    """The consumer on ``services`` (imported here so declaring the flow loads no Kafka or B2B client)."""
    from consumers.account_statements.app import build as build_use_case

    return build_use_case(services)


FLOW = Flow(
    name="account-statements",
    summary="B2B monthly statements, account summaries and aging notices from scheduled requests",
    input_topics=(SCHEDULES_TOPIC,),
    settings=(AccountStatementsSettings,),
    build=build,
)
