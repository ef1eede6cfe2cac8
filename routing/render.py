"""A routing decision as text an operator reads: documents first, then every rule considered and why."""

from __future__ import annotations

from collections.abc import Collection

from routing.decision import ConditionResult, DocumentDecision, RoutingDecision, RuleOutcome, Step
from routing.webhook_facts import is_unknown

_RULE_MARK = {RuleOutcome.MATCHED: "✔", RuleOutcome.NOT_MATCHED: "✘", RuleOutcome.SKIPPED: "–"}


def _steps(label: str, steps: tuple[Step, ...]) -> list[str]:
    lines = []
    for index, step in enumerate(steps):
        head = f"      {label:<14}" if index == 0 else " " * 20
        reason = f": {step.reason}" if step.reason else ""
        lines.append(f"{head}{step.policy} → {step.effect}{reason}")
    return lines


def _document(doc: DocumentDecision) -> list[str]:
    mark = "✔" if doc.due else "✘"
    lines = [
        f"  {mark} {doc.document_type} — {doc.outcome.value.upper()} (rule {doc.rule})",
        f"      {'key':<14}{doc.idempotency_key or '(none: version unknown)'}",
        f"      {'communication':<14}{doc.communication_id} / {doc.driver_data_source}",
        f"      {'':<14}{doc.communication_reason}",
        f"      {'locale':<14}{doc.locale}",
        f"      {'channels':<14}{', '.join(c.value for c in doc.channels) or '(none)'}",
    ]
    lines += _steps("channel steps", doc.channel_steps)
    lines += _steps("locale steps", doc.locale_steps)
    lines += _steps("suppression", doc.suppressions)
    return lines


def _condition(result: ConditionResult, depth: int) -> list[str]:
    mark = "?" if is_unknown(result) else "✔" if result.passed else "✘"
    detail = f"  [{result.detail}]" if result.detail else ""
    lines = [f"{'  ' * depth}{mark} {result.text}{detail}"]
    for child in result.children:
        lines += _condition(child, depth + 1)
    return lines


def render_decision(decision: RoutingDecision, rules_source: str, unknown: Collection[str] = ()) -> str:
    """The decision and its explanation as plain text; ``unknown`` names facts the input did not give."""
    entity = f"{decision.entity_type} {decision.entity_id}"
    lines = [
        f"Routing {decision.use_case} · store {decision.store_hash} · {entity}",
        f"Rules: {rules_source} (sha256 {decision.rules_digest[:12]})",
    ]
    if unknown:
        lines.append(
            f"Facts: a webhook body carries ids only; {len(unknown)} facts (customer, payment, amounts, …) "
            "are unknown, marked ? below and taken as their defaults, so the decision is provisional: "
            "the consumer decides on the enriched snapshot"
        )
    lines.append("")
    if decision.policy_steps:
        lines.append("Returns policy:")
        lines += [f"  {step.policy} → {step.effect}: {step.reason}" for step in decision.policy_steps]
        lines.append("")
    due = len(decision.due)
    lines.append(f"Documents: {due} due, {len(decision.documents) - due} suppressed")
    if not decision.documents:
        lines.append("  (no rule asked for a document)")
    for doc in decision.documents:
        lines += _document(doc)
    lines += ["", "Rules considered (highest priority first):"]
    if not decision.rules:
        lines.append(f"  (the rules have none for use case {decision.use_case})")
    for rule in decision.rules:
        outcome = rule.outcome.value.replace("_", " ")
        lines.append(
            f"  {_RULE_MARK[rule.outcome]} {rule.rule} (priority {rule.priority}) {outcome}: {rule.reason}"
        )
        for result in rule.conditions:
            lines += _condition(result, 3)
    return "\n".join(lines) + "\n"
