"""The documents kit's due-documents loop and two-pass sent-keys evaluation, on the shipped rules."""

from __future__ import annotations

import asyncio

import pytest

from consumers.documents.due import attempt_all, decide, due_documents
from consumers.runtime import DocumentOutcome
from consumers.stream.errors import PermanentError, ProcessingError, RetryableError
from routing import DocumentDecision, load_rules
from tests.routing.factories import order_facts

RULES = load_rules()


def _paid_order() -> list[DocumentDecision]:
    facts = order_facts(status_id=11, previous_status_id=0)
    return due_documents(decide(RULES, [facts], is_sent=lambda _key: False))


class TestDecide:
    def test_sent_keys_reach_routing_on_the_second_pass(self) -> None:
        """A key the ledger knows is evaluated as already sent, so it is not due and says why."""
        due = _paid_order()
        assert due, "a paid order has due documents"
        sent = due[0].idempotency_key
        decided = decide(
            RULES, [order_facts(status_id=11, previous_status_id=0)], is_sent=lambda k: k == sent
        )
        assert sent not in {d.idempotency_key for d in due_documents(decided)}
        again = next(d for d in decided[0].documents if d.idempotency_key == sent)
        assert again.suppressions, "the explanation says why it is not due"

    def test_no_second_pass_when_nothing_was_sent(self) -> None:
        """Without known keys the first evaluation is returned as is."""
        asked: list[str] = []

        def is_sent(key: str) -> bool:
            asked.append(key)
            return False

        facts = order_facts(status_id=11, previous_status_id=0)
        assert decide(RULES, [facts], is_sent=is_sent)[0].due
        assert asked


class TestAttemptAll:
    def test_every_document_is_attempted_and_retryable_failure_wins(self) -> None:
        """A failure does not stop later documents; the first retryable failure is raised after all ran."""
        due = _paid_order()
        errors: list[ProcessingError] = [
            PermanentError("bad", error_class="x"),
            RetryableError("later", error_class="y"),
        ]
        ran: list[str] = []

        async def run(document: DocumentDecision) -> DocumentOutcome:
            ran.append(document.document_type)
            if errors:
                raise errors.pop(0)
            return DocumentOutcome(skipped=False, entry=None)

        attempts = asyncio.run(attempt_all(due, run))
        assert ran == [d.document_type for d in due]
        assert attempts.outcomes[0].endswith(":failed")
        with pytest.raises(RetryableError):
            attempts.raise_first()

    def test_nothing_raised_when_all_succeed(self) -> None:
        """All documents done or skipped: no error."""

        async def run(_document: DocumentDecision) -> DocumentOutcome:
            return DocumentOutcome(skipped=True, entry=None)

        attempts = asyncio.run(attempt_all(_paid_order(), run))
        assert all(o.endswith(":skipped") for o in attempts.outcomes)
        attempts.raise_first()
