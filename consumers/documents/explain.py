"""The explanation a result record carries: which rule asked for a document, why, and under which rules.

Built from routing's decision when the document is due, so an operator can still answer "why did this
customer get this document?" after the rules file changed (the digest names the file's exact content).
"""

from __future__ import annotations

from collections.abc import Sequence

from bcx.contracts.document_result import Explanation
from routing import DocumentDecision, RoutingDecision

_MAX_REASON = 1000


def explain(decided: Sequence[RoutingDecision], document: DocumentDecision) -> Explanation:
    """The explanation of ``document`` from the routing decision that produced it (``decided``)."""
    owner = next(
        (d for d in decided if any(x.idempotency_key == document.idempotency_key for x in d.documents)),
        None,
    )
    parts: list[str] = []
    digest: str | None = None
    if owner is not None:
        digest = owner.rules_digest or None
        rule = next((r for r in owner.rules if r.rule == document.rule), None)
        if rule is not None:
            held = "; ".join(c.text for c in rule.conditions if c.passed)
            parts.append(f"rule {rule.rule} matched ({rule.reason})" + (f": {held}" if held else ""))
    if not parts:
        parts.append(f"rule {document.rule} matched")
    parts.append(f"communication {document.communication_id}: {document.communication_reason}")
    channels = ", ".join(c.value for c in document.channels) or "none"
    steps = "; ".join(f"{s.policy}: {s.effect}" for s in document.channel_steps)
    parts.append(f"channels {channels}" + (f" ({steps})" if steps else ""))
    parts.append(f"locale {document.locale}")
    return Explanation(rules=[document.rule], reason=". ".join(parts)[:_MAX_REASON], rules_digest=digest)
