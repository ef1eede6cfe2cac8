"""The engine: ``evaluate(ruleset, facts) -> RoutingDecision``. Pure: no I/O, no clock, no randomness.

Rules of the facts' use case are considered by descending ``priority`` (file order breaks ties). Every rule
is evaluated and explained; a matching rule contributes its documents unless a higher-priority rule already
asked for the same document type; a matching ``final`` rule makes the remaining rules ``skipped``. Each
chosen document then gets its version and idempotency key, locale, communication, channels and suppressions.
"""

from __future__ import annotations

from routing.channels import choose_channels
from routing.conditions import evaluate_all
from routing.decision import (
    DocumentDecision,
    DocumentOutcome,
    RoutingDecision,
    RuleEvaluation,
    RuleOutcome,
    Step,
)
from routing.facts import RoutingFacts
from routing.idempotency import document_version, idempotency_key
from routing.locales import resolve_locale
from routing.returns_policy import apply_policy
from routing.ruleset import DocumentAction, Rule, RuleSet
from routing.suppression import suppressions_for
from routing.templates import choose_communication


def _consider(
    ruleset: RuleSet, facts: RoutingFacts
) -> tuple[list[RuleEvaluation], dict[str, tuple[Rule, DocumentAction]]]:
    candidates = [r for r in ruleset.rules if r.use_case == facts.use_case]
    ordered = sorted(enumerate(candidates), key=lambda pair: (-pair[1].priority, pair[0]))
    evaluations: list[RuleEvaluation] = []
    chosen: dict[str, tuple[Rule, DocumentAction]] = {}
    final_rule: str | None = None
    for _, rule in ordered:
        documents = tuple(a.type for a in rule.then.documents)
        base = {"rule": rule.name, "priority": rule.priority, "documents": documents}
        if final_rule is not None:
            reason = f"final rule {final_rule} matched first"
            evaluations.append(RuleEvaluation(**base, outcome=RuleOutcome.SKIPPED, reason=reason))
            continue
        passed, results = evaluate_all(rule.when, facts)
        if not passed:
            failed = "; ".join(
                f"{r.text} ({r.detail})" if r.detail else r.text for r in results if not r.passed
            )
            evaluations.append(
                RuleEvaluation(
                    **base, outcome=RuleOutcome.NOT_MATCHED, reason=f"failed: {failed}", conditions=results
                )
            )
            continue
        notes = []
        for action in rule.then.documents:
            if action.type in chosen:
                notes.append(f"{action.type} already chosen by {chosen[action.type][0].name}")
            else:
                chosen[action.type] = (rule, action)
        reason = "all conditions hold" if rule.when else "no conditions"
        if notes:
            reason += "; " + "; ".join(notes)
        if rule.final:
            final_rule = rule.name
            reason += "; final: lower-priority rules are skipped"
        evaluations.append(
            RuleEvaluation(**base, outcome=RuleOutcome.MATCHED, reason=reason, conditions=results)
        )
    return evaluations, chosen


def _document(
    ruleset: RuleSet,
    facts: RoutingFacts,
    document_type: str,
    rule: Rule,
    action: DocumentAction,
    locale: str,
    locale_steps: tuple[Step, ...],
) -> DocumentDecision:
    spec = ruleset.documents[document_type]
    version = document_version(spec, facts)
    key = (
        None
        if version is None
        else idempotency_key(
            facts.use_case, facts.store_hash, facts.entity_type, facts.entity_id, document_type, version
        )
    )
    communication, why = choose_communication(spec, facts, locale)
    channels, channel_steps = choose_channels(
        spec, document_type, action, rule.name, ruleset.channel_policy, facts
    )
    suppressions = suppressions_for(ruleset, document_type, spec, facts, key, channels)
    suppressed = any(s.effect == "suppressed" for s in suppressions)
    return DocumentDecision(
        document_type=document_type,
        category=spec.category.value,
        rule=rule.name,
        outcome=DocumentOutcome.SUPPRESSED if suppressed else DocumentOutcome.DUE,
        idempotency_key=key,
        version=version,
        communication_id=communication.communication_id,
        driver_data_source=communication.driver_data_source,
        communication_reason=why,
        locale=locale,
        channels=channels,
        locale_steps=locale_steps,
        channel_steps=channel_steps,
        suppressions=suppressions,
    )


def evaluate(ruleset: RuleSet, facts: RoutingFacts) -> RoutingDecision:
    """Decide which documents ``facts`` calls for, and explain every step."""
    policy_steps: tuple[Step, ...] = ()
    if ruleset.returns_policy is not None and facts.returns is not None:
        facts, policy_steps = apply_policy(ruleset.returns_policy, facts)
    evaluations, chosen = _consider(ruleset, facts)
    documents: tuple[DocumentDecision, ...] = ()
    if chosen:
        locale, locale_steps = resolve_locale(ruleset.locale_policy, facts)
        documents = tuple(
            _document(ruleset, facts, doc_type, rule, action, locale, locale_steps)
            for doc_type, (rule, action) in chosen.items()
        )
    return RoutingDecision(
        use_case=facts.use_case,
        store_hash=facts.store_hash,
        entity_type=facts.entity_type,
        entity_id=facts.entity_id,
        rules_digest=ruleset.digest,
        documents=documents,
        rules=tuple(evaluations),
        policy_steps=policy_steps,
    )
