"""The marketing policy (``consumers/marketing/marketing.yaml``, ``BCX_MARKETING__POLICY_PATH``): where
consent comes from, how scores are cut, the frequency caps and quiet periods, the retention triggers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bcx.errors import ConfigurationError

DEFAULT_POLICY = Path(__file__).with_name("marketing.yaml")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ConsentSources(_Model):
    marketing_attribute: str = "marketing_consent"
    do_not_mail_attribute: str = "do_not_mail"
    complaint_attribute: str = "last_complaint_at"


class Scores(_Model):
    frequency: tuple[int, int, int, int] = (2, 3, 5, 10)
    monetary: tuple[Decimal, Decimal, Decimal, Decimal] = (
        Decimal(100),
        Decimal(500),
        Decimal(1000),
        Decimal(5000),
    )
    recency_days: tuple[int, int, int, int] = (30, 90, 180, 365)


class Cap(_Model):
    group: str = "marketing"
    max_documents: int = Field(ge=0)
    per_days: int = Field(ge=1)


class QuietDays(_Model):
    after_return: int = Field(default=14, ge=0)
    after_complaint: int = Field(default=30, ge=0)


class Triggers(_Model):
    abandoned_cart_reminder_hours: int = Field(default=24, ge=1)
    replenishment_factor: float = Field(default=1.0, gt=0)
    replenishment_min_orders: int = Field(default=2, ge=2)
    win_back_days: int = Field(default=180, ge=1)
    price_drop_min_percent: Decimal = Field(default=Decimal(5), ge=0)


class MarketingPolicy(_Model):
    version: int = 1
    consent: ConsentSources = ConsentSources()
    loyalty_tier_attribute: str = "loyalty_tier"
    scores: Scores = Scores()
    caps: tuple[Cap, ...] = ()
    quiet_days: QuietDays = QuietDays()
    triggers: Triggers = Triggers()

    @property
    def window_days(self) -> int:
        """The longest cap window: how long contact history must be kept."""
        return max((cap.per_days for cap in self.caps), default=1)


def load_policy(path: Path | None = None) -> MarketingPolicy:
    """Read and validate the policy; a bad file is a configuration error naming the file, not its content."""
    path = path or DEFAULT_POLICY
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return MarketingPolicy.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"cannot read marketing policy {path.name}: {type(exc).__name__}") from exc
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        raise ConfigurationError(f"marketing policy {path.name} is invalid at: {fields}") from exc
