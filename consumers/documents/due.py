"""Which documents are due for one record, and running all of them.

- :func:`decide`: routing decisions for a record's facts (one facts object per thing a document can be
  about, e.g. one per received payment). Evaluation runs twice when the ledger already knows some of the
  candidate keys: the second pass gives routing those ``sent_keys`` so the explanation says "already sent"
  instead of the document step silently skipping. Pure: the ledger look-up is passed in as ``is_sent``.
- :func:`due_documents`: the due documents across decisions, once per idempotency key, in order;
  :func:`due_with_facts` the same, each with the facts object that called for it.
- :func:`mapped`: builds a document's driver data, turning a failure there into the runtime's vocabulary
  (a snapshot that cannot make the document is permanent; anything else is classified like any failure).
- :func:`attempt_all`: every due document is attempted even when an earlier one fails; then the first
  retryable failure (else the first permanent one) is raised, so the runtime retries or dead-letters the
  record and the documents already done are skipped by the ledger on the retry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from consumers.documents.errors import DocumentDataError
from consumers.runtime import DocumentOutcome
from consumers.runtime.classify import classify
from consumers.stream.errors import PermanentError, ProcessingError
from routing import DocumentDecision, RoutingDecision, RoutingFacts, RuleSet, evaluate

F = TypeVar("F")
T = TypeVar("T")


def decide(
    rules: RuleSet, facts: Sequence[RoutingFacts], *, is_sent: Callable[[str], bool]
) -> list[RoutingDecision]:
    """The routing decisions for ``facts``, re-evaluated with ``sent_keys`` when the ledger knows any."""
    first = [evaluate(rules, f) for f in facts]
    keys = {d.idempotency_key for r in first for d in r.documents if d.idempotency_key}
    sent = frozenset(k for k in keys if is_sent(k))
    if not sent:
        return first
    return [evaluate(rules, f.model_copy(update={"sent_keys": sent})) for f in facts]


def due_documents(decided: Sequence[RoutingDecision]) -> list[DocumentDecision]:
    """Due documents across decisions, once per idempotency key, in decision order."""
    seen: dict[str, DocumentDecision] = {}
    for decision in decided:
        for document in decision.due:
            if document.idempotency_key and document.idempotency_key not in seen:
                seen[document.idempotency_key] = document
    return list(seen.values())


def due_with_facts(
    facts: Sequence[F], decided: Sequence[RoutingDecision]
) -> dict[str, tuple[DocumentDecision, F]]:
    """Due documents by idempotency key, each with the facts that called for it (``decided`` is
    ``decide(rules, facts, …)``, one decision per facts object); the first facts win a shared key."""
    due: dict[str, tuple[DocumentDecision, F]] = {}
    for fact, decision in zip(facts, decided, strict=True):
        for document in decision.due:
            if document.idempotency_key:
                due.setdefault(document.idempotency_key, (document, fact))
    return due


def mapped(build: Callable[[], T]) -> T:
    """``build()`` — a document's driver data. A snapshot that cannot make the document is permanent
    (``data.driver_data``: the same snapshot gives the same answer); any other failure, a mapping bug
    included, is classified like every failure (stage ``map``)."""
    try:
        return build()
    except DocumentDataError as exc:
        raise PermanentError(str(exc), error_class="data.driver_data", stage="map") from exc
    except Exception as exc:
        raise classify(exc, "map") from exc


@dataclass
class Attempts:
    """What happened to each due document (``type:done|skipped|failed``, for the record's log line)."""

    outcomes: list[str] = field(default_factory=list)
    failures: list[ProcessingError] = field(default_factory=list)

    def raise_first(self) -> None:
        """Raise the first retryable failure, else the first permanent one; nothing when all succeeded."""
        if self.failures:
            raise next((f for f in self.failures if f.retryable), self.failures[0])


async def attempt_all(
    due: Sequence[DocumentDecision], run: Callable[[DocumentDecision], Awaitable[DocumentOutcome]]
) -> Attempts:
    """Run every due document through ``run`` (building its request and the document step), collecting
    failures instead of stopping at the first; the caller logs, then calls :meth:`Attempts.raise_first`."""
    attempts = Attempts()
    for document in due:
        try:
            outcome = await run(document)
            attempts.outcomes.append(f"{document.document_type}:{'skipped' if outcome.skipped else 'done'}")
        except ProcessingError as exc:
            attempts.failures.append(exc)
            attempts.outcomes.append(f"{document.document_type}:failed")
    return attempts
