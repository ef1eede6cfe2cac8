"""bcx routing: pure rules (YAML) that decide, per event, which documents are due, through which Exstream
communication, on which channels, in which locale, or why not — with an explanation of every step.

Typical use by a consumer::

    rules = load_rules(settings.rules_path)          # at start-up; RuleFileError points at the line
    facts = RoutingFacts(use_case="order_documents", store_hash=..., entity_type="order", ...)
    decision = evaluate(rules, facts)                # pure: no I/O
    for document in decision.due:
        ... document.idempotency_key, document.communication_id, document.driver_data_source,
        ... document.channels, document.locale
"""

from routing.decision import (
    ConditionResult,
    DocumentDecision,
    DocumentOutcome,
    RoutingDecision,
    RuleEvaluation,
    RuleOutcome,
    Step,
)
from routing.engine import evaluate
from routing.errors import RoutingError, RuleFileError, RuleIssue
from routing.facts import (
    CartFacts,
    Channel,
    CustomerFacts,
    EventFacts,
    ExceptionFacts,
    OrderFacts,
    PaymentFacts,
    ProductFacts,
    RefundFacts,
    ReturnFacts,
    RoutingFacts,
    ScheduleFacts,
    StatementFacts,
    UseCaseName,
)
from routing.idempotency import idempotency_key
from routing.loader import default_rules_path, load_rules, parse_rules
from routing.ruleset import RuleSet

__all__ = [
    "CartFacts",
    "Channel",
    "ConditionResult",
    "CustomerFacts",
    "DocumentDecision",
    "DocumentOutcome",
    "EventFacts",
    "ExceptionFacts",
    "OrderFacts",
    "PaymentFacts",
    "ProductFacts",
    "RefundFacts",
    "ReturnFacts",
    "RoutingDecision",
    "RoutingError",
    "RoutingFacts",
    "RuleEvaluation",
    "RuleFileError",
    "RuleIssue",
    "RuleOutcome",
    "RuleSet",
    "ScheduleFacts",
    "StatementFacts",
    "Step",
    "UseCaseName",
    "default_rules_path",
    "evaluate",
    "idempotency_key",
    "load_rules",
    "parse_rules",
]
