"""Suppression: reasons a document that the rules asked for must not be produced now.

All of them are evaluated (not just the first) so the explanation is complete:

- ``entity``: the document is about another kind of entity than the event;
- ``already sent``: its idempotency key is among ``facts.sent_keys``;
- ``version unknown``: its version field is not set in the facts (e.g. a receipt without a payment);
- ``opt-out``: the customer opted out of the document type or its category, unless it is ``mandatory``;
- ``no channel``: no channel can reach the customer;
- each configured suppression (test orders, missing marketing consent, …) whose conditions hold.
"""

from __future__ import annotations

from routing.conditions import evaluate_all
from routing.decision import Step
from routing.facts import Channel, RoutingFacts
from routing.ruleset import DocumentSpec, RuleSet


def suppressions_for(
    ruleset: RuleSet,
    document_type: str,
    spec: DocumentSpec,
    facts: RoutingFacts,
    key: str | None,
    channels: tuple[Channel, ...],
) -> tuple[Step, ...]:
    """Every reason to suppress the document; it is due when no step's effect is ``suppressed``."""
    steps: list[Step] = []
    if spec.entity_type != facts.entity_type:
        reason = f"{document_type} is about a {spec.entity_type}, the event is about a {facts.entity_type}"
        steps.append(Step(policy="entity", effect="suppressed", reason=reason))
    if key is None:
        field = getattr(spec.version, "field", "version")
        steps.append(Step(policy="version", effect="suppressed", reason=f"{field} is not set, so no key"))
    elif key in facts.sent_keys:
        steps.append(Step(policy="already sent", effect="suppressed", reason=f"{key} is in the ledger"))
    opted = sorted({document_type, spec.category.value} & facts.customer.opt_outs)
    if opted:
        what = f"customer opted out of {', '.join(opted)}"
        if spec.mandatory:
            steps.append(
                Step(policy="opt-out", effect="overridden", reason=f"{what}, but the document is mandatory")
            )
        else:
            steps.append(Step(policy="opt-out", effect="suppressed", reason=what))
    if not channels:
        steps.append(
            Step(policy="no channel", effect="suppressed", reason="no channel can reach the customer")
        )
    for sup in ruleset.suppressions:
        if not sup.targets(document_type, spec.category):
            continue
        passed, results = evaluate_all(sup.when, facts)
        if passed:
            why = "; ".join(r.detail for r in results if r.detail)
            steps.append(
                Step(
                    policy=sup.name,
                    effect="suppressed",
                    reason=f"{sup.reason} ({why})" if why else sup.reason,
                )
            )
    return tuple(steps)
