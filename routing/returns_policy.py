"""The returns policy as data (the rule file's ``returns_policy`` section) and its evaluation.

Before the rules of a return are evaluated the engine applies the policy to ``facts.returns`` and writes the
verdict into the facts (``returns.eligible``, ``returns.refusal_reason``, ``returns.window_days``,
``returns.restocking_fee_percent``, ``returns.policy_window``), so rules branch on it and ``bcx routing
explain`` shows each step:

1. ``non_returnable``: a returned line in one of the entry's categories refuses the return with its reason;
2. ``windows``: the first entry whose ``when`` holds (category, country, region, …) sets the window and
   the restocking fee, else the defaults;
3. ``reasons``: the reason code may waive the restocking fee or the window (damaged goods, wrong item);
   an unknown code is treated like a change of mind, and the step says so;
4. a request later than the window (days from delivery, else from the order) is refused.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from routing.conditions import Condition, evaluate_all
from routing.decision import Step
from routing.facts import RoutingFacts


class _Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReturnWindow(_Node):
    """A return window for the returns its conditions select (e.g. electronics in the EU)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    reason: str = Field(min_length=1)
    when: tuple[Condition, ...] = Field(min_length=1)
    window_days: int = Field(ge=0)
    restocking_fee_percent: Decimal = Field(default=Decimal(0), ge=0, le=100)


class NonReturnable(_Node):
    """Categories that are never taken back, with the reason the refusal letter gives."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    reason: str = Field(min_length=1)
    categories: frozenset[str] = Field(min_length=1)


class ReturnReason(_Node):
    """How a reason code is treated."""

    label: str = Field(min_length=1, description="how letters name the reason")
    waives_restocking_fee: bool = False
    ignores_window: bool = Field(default=False, description="e.g. defective goods under warranty")


class ReturnsPolicy(_Node):
    window_days: int = Field(ge=0, description="the default return window, in days")
    restocking_fee_percent: Decimal = Field(default=Decimal(0), ge=0, le=100)
    windows: tuple[ReturnWindow, ...] = ()
    non_returnable: tuple[NonReturnable, ...] = ()
    reasons: dict[str, ReturnReason] = Field(default_factory=dict)


def apply_policy(policy: ReturnsPolicy, facts: RoutingFacts) -> tuple[RoutingFacts, tuple[Step, ...]]:
    """``facts`` with ``returns`` completed by the policy's verdict, and the steps that explain it."""
    ret = facts.returns
    if ret is None:
        return facts, ()
    steps: list[Step] = []
    refusal: str | None = None
    for entry in policy.non_returnable:
        hit = sorted(ret.categories & entry.categories)
        if hit:
            refusal = entry.reason
            steps.append(
                Step(policy=f"non_returnable {entry.name}", effect="refused", reason=f"{hit}: {entry.reason}")
            )
            break
    window, fee, window_name = policy.window_days, policy.restocking_fee_percent, "default"
    for candidate in policy.windows:
        passed, _ = evaluate_all(candidate.when, facts)
        if passed:
            window, fee, window_name = candidate.window_days, candidate.restocking_fee_percent, candidate.name
            break
    steps.append(
        Step(
            policy=f"window {window_name}",
            effect=f"{window} days, restocking fee {fee}%",
            reason=_window_reason(policy, window_name),
        )
    )
    reason = policy.reasons.get(ret.reason_code)
    if reason is None:
        steps.append(
            Step(
                policy=f"reason {ret.reason_code}",
                effect="no exemption",
                reason="not a reason the policy lists",
            )
        )
    else:
        if reason.waives_restocking_fee and fee:
            fee = Decimal(0)
            steps.append(
                Step(policy=f"reason {ret.reason_code}", effect="restocking fee waived", reason=reason.label)
            )
        if reason.ignores_window:
            steps.append(
                Step(policy=f"reason {ret.reason_code}", effect="window not applied", reason=reason.label)
            )
    if refusal is None and not (reason and reason.ignores_window):
        days = ret.days_since_delivery
        if days is None:
            steps.append(
                Step(policy="window", effect="not checked", reason="delivery and order dates unknown")
            )
        elif days > window:
            refusal = f"Requested {days} days after delivery; the return window is {window} days."
            steps.append(Step(policy="window", effect="refused", reason=refusal))
    verdict = ret.model_copy(
        update={
            "eligible": refusal is None,
            "refusal_reason": refusal,
            "window_days": window,
            "restocking_fee_percent": fee,
            "policy_window": window_name,
        }
    )
    return facts.model_copy(update={"returns": verdict}), tuple(steps)


def _window_reason(policy: ReturnsPolicy, name: str) -> str:
    entry = next((w for w in policy.windows if w.name == name), None)
    return entry.reason if entry else "no window entry matched"


__all__ = ["NonReturnable", "ReturnReason", "ReturnWindow", "ReturnsPolicy", "apply_policy"]
