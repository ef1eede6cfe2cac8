"""Campaigns as data (``consumers/marketing/campaigns/*.yaml``, ``BCX_MARKETING__CAMPAIGNS_DIR``) and
the pure audience selection: conditions on the profile, each answered with why (in) or why not (out).

Audience fields: any scalar or list field of :class:`~bcx.contracts.marketing_profiles.MarketingProfile`
(``order_count``, ``loyalty_tier``, ``category_ids``, ``frequency_score``, …) and the derived
``recency_score``, ``days_since_last_order``, ``open_carts`` (count), ``marketing_consent``,
``has_postal_address``. Operators: ``equals``, ``not_equals``, ``in``, ``not_in``, ``gt``, ``gte``,
``lt``, ``lte``, ``contains_any``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bcx.contracts.marketing_profiles import MarketingProfile
from bcx.errors import ConfigurationError
from consumers.marketing.policy import Scores
from consumers.marketing.profile import recency_score

DEFAULT_DIR = Path(__file__).with_name("campaigns")
_OPS = ("equals", "not_equals", "in", "not_in", "gt", "gte", "lt", "lte", "contains_any")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Condition(_Model):
    field: str
    equals: Any = None
    not_equals: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")
    not_in: list[Any] | None = None
    gt: Decimal | None = None
    gte: Decimal | None = None
    lt: Decimal | None = None
    lte: Decimal | None = None
    contains_any: list[Any] | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        given = [op for op in _OPS if getattr(self, "in_" if op == "in" else op) is not None]
        if len(given) != 1:
            raise ValueError(f"condition on {self.field} needs exactly one operator of {', '.join(_OPS)}")
        return self

    @property
    def op(self) -> tuple[str, Any]:
        for name in _OPS:
            value = getattr(self, "in_" if name == "in" else name)
            if value is not None:
                return name, value
        raise AssertionError("validated")  # pragma: no cover


class Products(_Model):
    from_customer_categories: bool = True
    categories: list[int] = Field(default_factory=list)
    price_lists: dict[int, int] = Field(default_factory=dict, description="customer group → price list")
    max_items: int = Field(default=12, ge=1)
    promotion: str = ""


class Campaign(_Model):
    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    description: str = ""
    store_hash: str | None = None
    document_type: str = "product_catalog"
    channel: Literal["email", "print"] = "email"
    cap_group: str = "marketing"
    run_id: str = Field(min_length=1, description="one document per recipient and run")
    audience: list[Condition] = Field(default_factory=list)
    products: Products = Products()


def load_campaign(name: str, directory: Path | None = None) -> Campaign:
    folder = directory or DEFAULT_DIR
    path = folder / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.yaml"))) or "none"
        raise ConfigurationError(f"no campaign {name!r} (known: {known})")
    try:
        return Campaign.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"campaign {path.name} is not YAML: {type(exc).__name__}") from exc
    except ValidationError as exc:
        where = ", ".join(".".join(str(p) for p in e["loc"]) + f": {e['msg']}" for e in exc.errors())
        raise ConfigurationError(f"campaign {path.name} is invalid at {where}") from exc


def profile_value(profile: MarketingProfile, field: str, now: datetime, scores: Scores) -> Any:
    derived: dict[str, Any] = {
        "recency_score": lambda: recency_score(profile, now, scores),
        "days_since_last_order": lambda: (
            (now - profile.last_order_at).days if profile.last_order_at else None
        ),
        "open_carts": lambda: len(profile.open_carts),
        "marketing_consent": lambda: profile.consent.marketing,
        "has_postal_address": lambda: profile.postal_address is not None,
    }
    if field in derived:
        return derived[field]()
    if field not in MarketingProfile.model_fields:
        raise ConfigurationError(f"audience field {field!r} is not a profile field")
    return getattr(profile, field)


def _holds(op: str, operand: Any, value: Any) -> bool:
    if value is None:
        return op == "not_equals" or op == "not_in"
    if op in ("gt", "gte", "lt", "lte"):
        number = Decimal(str(value))
        checks: dict[str, bool] = {
            "gt": number > operand,
            "gte": number >= operand,
            "lt": number < operand,
            "lte": number <= operand,
        }
        return checks[op]
    if op == "contains_any":
        return bool(set(value) & set(operand))
    plain: dict[str, bool] = {
        "equals": bool(value == operand),
        "not_equals": bool(value != operand),
        "in": value in operand,
        "not_in": value not in operand,
    }
    return plain[op]


def explain(
    campaign: Campaign, profile: MarketingProfile, now: datetime, scores: Scores
) -> tuple[bool, list[str]]:
    """In or out, and why: each condition with the profile's value; out at the first that fails."""
    if campaign.store_hash and profile.store_hash != campaign.store_hash:
        return False, [f"store {profile.store_hash} is not the campaign's"]
    why = []
    for condition in campaign.audience:
        op, operand = condition.op
        value = profile_value(profile, condition.field, now, scores)
        ok = _holds(op, operand, value)
        why.append(f"{condition.field}={value!r} {'satisfies' if ok else 'fails'} {op} {operand!r}")
        if not ok:
            return False, why
    return True, why
