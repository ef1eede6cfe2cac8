"""``BCX_MARKETING__*``: what the marketing flows and ``bcx campaigns``/``bcx sweep`` share."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bcx.settings import ProcessSettings


class MarketingConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    policy_path: Path | None = Field(default=None, description="marketing policy; None = the packaged one")
    campaigns_dir: Path | None = Field(default=None, description="campaign YAML files; None = packaged")
    profiles_topic: str = Field(default="marketing.profiles.v1", description="the profiles table")
    contacts_topic: str = Field(default="marketing.contacts.v1", description="the contact-history table")
    requests_topic: str = Field(
        default="marketing.campaign-requests.v1", description="campaign requests (bcx campaigns run)"
    )
    output_dir: Path = Field(default=Path("var/campaigns"), description="print runs' mail-house manifests")


class MarketingSettings(ProcessSettings):
    """The marketing section every marketing process loads."""

    marketing: MarketingConfig = MarketingConfig()
