"""Settings of the account-statements flow (``BCX_ACCOUNT_STATEMENTS__*``) and the B2B client
(``BCX_BIGCOMMERCE__*``); loaded once by ``bcx consume account-statements`` and ``bcx statements plan``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bcx.bigcommerce.settings import BigCommerceSettings
from bcx.settings import ProcessSettings


class AccountStatementsConfig(BaseModel):
    """``BCX_ACCOUNT_STATEMENTS__*``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules_path: Path | None = Field(default=None, description="routing rules; None = routing's default.yaml")
    batch_threshold: int = Field(
        default=200, ge=0, description="runs with more companies than this use the Exstream batch input"
    )
    batch_chunk: int = Field(
        default=500, ge=1, description="companies per chunk request (one batch job) of a large run"
    )
    batch_input: str = Field(default="statements", min_length=1, description="the named batch input")
    credit_and_terms: bool = Field(
        default=True, description="read credit and payment terms (two B2B calls per company)"
    )
    default_summary: Literal["monthly", "quarterly", "annual"] = Field(
        default="quarterly", description="account summary term of companies without statementSummary"
    )


class AccountStatementsSettings(ProcessSettings):
    account_statements: AccountStatementsConfig = AccountStatementsConfig()
    bigcommerce: BigCommerceSettings = BigCommerceSettings()
