"""Channel selection for one document, in four explained steps:

1. the base: channels the matching rule names, else the customer's stated preference (those the document
   can be produced on), else the document's default channels;
2. reachability: a channel that cannot reach the customer (no email address, no postal address, no portal
   account) or that the customer opted out of is replaced by the policy's fallback for it, if any;
3. requirements, in file order: regulatory or contractual ``add`` / ``remove`` / ``only``; a required
   channel is kept even if the customer opted out of it (the law wins over preference);
4. the result is de-duplicated in a stable order (email, portal, print, archive).
"""

from __future__ import annotations

from collections.abc import Sequence

from routing.conditions import evaluate_all
from routing.decision import Step
from routing.facts import Channel, RoutingFacts
from routing.ruleset import ChannelPolicy, DocumentAction, DocumentSpec

_ORDER = {channel: index for index, channel in enumerate(Channel)}


def _unusable(channel: Channel, facts: RoutingFacts) -> str | None:
    customer = facts.customer
    if channel.value in customer.opt_outs:
        return f"customer opted out of {channel.value}"
    if channel is Channel.EMAIL and not customer.has_email:
        return "customer has no email address"
    if channel is Channel.PRINT and not customer.has_postal_address:
        return "customer has no postal address"
    if channel is Channel.PORTAL and not customer.has_portal_account:
        return "customer has no portal account"
    return None


def _base(
    spec: DocumentSpec, action: DocumentAction, rule: str, facts: RoutingFacts
) -> tuple[list[Channel], Step]:
    if action.channels is not None:
        return list(action.channels), Step(
            policy=rule, effect=_fmt(action.channels), reason="the rule names them"
        )
    preferred = facts.customer.preferred_channels
    usable: list[Channel] = [c for c in preferred if c in spec.channels and c is not Channel.ARCHIVE]
    if usable:
        dropped = [c.value for c in preferred if c not in usable]
        note = f" ({', '.join(dropped)} not available for this document)" if dropped else ""
        return usable, Step(
            policy="preference", effect=_fmt(usable), reason=f"customer's stated preference{note}"
        )
    reason = "customer stated no preference" if not preferred else "no preferred channel is available"
    return list(spec.default_channels), Step(
        policy="document default", effect=_fmt(spec.default_channels), reason=reason
    )


def _fmt(channels: Sequence[Channel]) -> str:
    return "[" + ", ".join(c.value for c in channels) + "]"


def choose_channels(
    spec: DocumentSpec,
    document_type: str,
    action: DocumentAction,
    rule: str,
    policy: ChannelPolicy,
    facts: RoutingFacts,
) -> tuple[tuple[Channel, ...], tuple[Step, ...]]:
    """The channels for one document and the steps that chose them (empty when none can be used)."""
    channels, first = _base(spec, action, rule, facts)
    steps = [first]
    reachable: list[Channel] = []
    for channel in channels:
        problem = _unusable(channel, facts)
        if problem is None:
            reachable.append(channel)
            continue
        fallback = policy.fallbacks.get(channel)
        if fallback is not None and fallback in spec.channels and _unusable(fallback, facts) is None:
            reachable.append(fallback)
            steps.append(
                Step(policy="fallback", effect=f"{channel.value} → {fallback.value}", reason=problem)
            )
        else:
            steps.append(Step(policy="reachability", effect=f"drop {channel.value}", reason=problem))
    result = set(reachable)
    for req in policy.requirements:
        if not req.targets(document_type, spec.category):
            continue
        passed, results = evaluate_all(req.when, facts)
        if not passed:
            continue
        why = "; ".join(r.detail for r in results if r.detail)
        reason = f"{req.reason} ({why})" if why else req.reason
        wanted = set(req.only) if req.only is not None else (result | set(req.add)) - set(req.remove)
        impossible = sorted(c.value for c in wanted if c not in spec.channels)
        wanted = {c for c in wanted if c in spec.channels}
        if impossible:
            reason += f"; {document_type} cannot be produced on {impossible}"
        if wanted != result:
            effect = "only " if req.only is not None else ""
            steps.append(
                Step(
                    policy=req.name,
                    effect=effect + _fmt(sorted(wanted, key=_ORDER.__getitem__)),
                    reason=reason,
                )
            )
        result = wanted
    return tuple(sorted(result, key=_ORDER.__getitem__)), tuple(steps)
