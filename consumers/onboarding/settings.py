"""Settings of the onboarding flow beyond the runtime's (``BCX_ONBOARDING__*``): the rule file and the
onboarding policy (product families, guides, warranty). The snapshots carry what it needs: no BigCommerce
settings."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bcx.settings import ProcessSettings


class OnboardingConfig(BaseModel):
    """``BCX_ONBOARDING__*``: the rule file and the onboarding policy file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules_path: Path | None = Field(default=None, description="routing rules; None = routing's default.yaml")
    policy_path: Path | None = Field(
        default=None, description="families, guides and warranty policy; None = the shipped one"
    )


class OnboardingSettings(ProcessSettings):
    """The flow's options."""

    onboarding: OnboardingConfig = OnboardingConfig()
