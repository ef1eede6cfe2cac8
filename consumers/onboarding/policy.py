"""The onboarding policy (``policy.yaml``): categories → product families, the guides' text per family,
warrantable families, warranty months by country and the registration link. Loaded and validated once at
start-up (a bad file stops the process, naming it); then pure look-ups."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bcx.errors import ConfigurationError

DEFAULT_POLICY = Path(__file__).with_name("policy.yaml")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Guide(_Model):
    setup: tuple[str, ...] = ()
    care: tuple[str, ...] = ()


class WarrantyMonths(_Model):
    default: int = Field(default=12, ge=1)
    countries: dict[str, int] = Field(default_factory=dict)


class Warranty(_Model):
    families: frozenset[str] = frozenset()
    months: WarrantyMonths = WarrantyMonths()
    registration_url: str = "{store_url}/warranty/register?order={order_id}&products={product_ids}"


class OnboardingPolicy(_Model):
    families: dict[int, str] = Field(default_factory=dict)
    guides: dict[str, Guide] = Field(default_factory=dict)
    warranty: Warranty = Warranty()

    def family(self, categories: list[int]) -> str | None:
        """The family of a line: its first listed category's."""
        return next((self.families[c] for c in categories if c in self.families), None)

    def warranty_months(self, country: str | None) -> int:
        return self.warranty.months.countries.get((country or "").upper(), self.warranty.months.default)

    def registration_url(self, store_url: str, order_id: int, product_ids: list[int]) -> str:
        return self.warranty.registration_url.format(
            store_url=store_url.rstrip("/"), order_id=order_id, product_ids=",".join(map(str, product_ids))
        )


def load_policy(path: Path | None = None) -> OnboardingPolicy:
    """The policy at ``path`` (default: the shipped ``policy.yaml``); :class:`ConfigurationError` naming
    the file and the problem when it cannot be used."""
    source = path or DEFAULT_POLICY
    try:
        raw: Any = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
        policy = OnboardingPolicy.model_validate(raw)
        policy.registration_url("https://x", 1, [1])
    except OSError as exc:
        raise ConfigurationError(f"onboarding policy {source}: {exc.strerror}") from exc
    except (yaml.YAMLError, ValidationError, KeyError, ValueError) as exc:
        raise ConfigurationError(f"onboarding policy {source}: {exc}") from exc
    return policy
