"""Settings of the order-exceptions flow beyond the runtime's (``BCX_ORDER_EXCEPTIONS__*``): the rule file
and the exception policy (business calendar, promises, expected resolution). No BigCommerce settings: the
order snapshots carry the store and the customer; only ``bcx sweep delayed-orders`` reads BigCommerce."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bcx.settings import ProcessSettings


class OrderExceptionsConfig(BaseModel):
    """``BCX_ORDER_EXCEPTIONS__*``: the rule file and the exception policy file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules_path: Path | None = Field(default=None, description="routing rules; None = routing's default.yaml")
    policy_path: Path | None = Field(
        default=None, description="exception policy (calendar, promises, resolution); None = the shipped one"
    )


class OrderExceptionsSettings(ProcessSettings):
    """The flow's options."""

    order_exceptions: OrderExceptionsConfig = OrderExceptionsConfig()
