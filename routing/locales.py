"""Locale resolution: regulatory override, else the customer's locale, then a fallback chain
(``fr-CA`` → ``fr`` → the store's default → the rule set's default) down to the first supported locale.
"""

from __future__ import annotations

from routing.conditions import evaluate_all
from routing.decision import Step
from routing.facts import RoutingFacts
from routing.ruleset import LocalePolicy, normalise_locale, parse_locale


def _valid(tag: str | None) -> str | None:
    if not tag:
        return None
    try:
        return parse_locale(tag)
    except ValueError:
        return None


def resolve_locale(policy: LocalePolicy, facts: RoutingFacts) -> tuple[str, tuple[Step, ...]]:
    """The locale to render in, and the steps that led to it."""
    steps: list[Step] = []
    requested: str | None = None
    for override in policy.overrides:
        passed, results = evaluate_all(override.when, facts)
        if passed:
            requested = override.locale
            why = "; ".join(r.detail for r in results if r.detail)
            steps.append(
                Step(
                    policy=override.name, effect=f"requires {requested}", reason=f"{override.reason} ({why})"
                )
            )
            break
    if requested is None:
        requested = _valid(facts.customer.locale)
        if requested is not None:
            steps.append(Step(policy="customer", effect=f"requested {requested}", reason="customer's locale"))
        elif facts.customer.locale:
            steps.append(
                Step(policy="customer", effect="ignored", reason=f"{facts.customer.locale!r} is not BCP 47")
            )
    store_default = policy.stores.get(facts.store_hash)
    chain: list[tuple[str, str]] = []
    if requested is not None:
        chain.append((requested, "requested"))
        language = normalise_locale(requested.split("-")[0])
        if language != requested:
            chain.append((language, "language of the requested locale"))
    if store_default is not None:
        chain.append((store_default, f"default of store {facts.store_hash}"))
    chain.append((policy.default, "rule set default"))
    supported = set(policy.supported)
    for tag, why in chain:
        if tag in supported:
            steps.append(Step(policy="locale_policy", effect=f"use {tag}", reason=why))
            return tag, tuple(steps)
        steps.append(Step(policy="locale_policy", effect=f"skip {tag}", reason=f"{why}, not supported"))
    raise AssertionError("unreachable: the loader checks that the default locale is supported")
