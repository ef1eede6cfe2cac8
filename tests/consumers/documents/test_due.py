"""The documents kit's due-documents loop and two-pass sent-keys evaluation, on the shipped rules."""

from __future__ import annotations

import asyncio

import pytest

from consumers.documents.due import attempt_all, decide, due_documents, due_with_facts, mapped
from consumers.documents.errors import DocumentDataError
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


class TestDueWithFacts:
    def test_each_due_document_keeps_the_facts_that_called_for_it(self) -> None:
        """Two facts objects: each due key is paired with its own facts, once, in decision order."""
        paid = order_facts(status_id=11, previous_status_id=0)
        facts = [paid, paid]
        due = due_with_facts(facts, decide(RULES, facts, is_sent=lambda _key: False))
        assert list(due) == [d.idempotency_key for d in _paid_order()]
        assert all(fact is paid for _document, fact in due.values())

    def test_facts_and_decisions_must_pair_up(self) -> None:
        """A decision list that does not match the facts is a programming error, not silently cut short."""
        facts = [order_facts(status_id=11, previous_status_id=0)]
        with pytest.raises(ValueError, match="zip"):
            due_with_facts(facts, [])


class TestMapped:
    def test_returns_what_the_builder_built(self) -> None:
        """A builder that succeeds gives its driver data back."""
        assert mapped(lambda: {"order": 1}) == {"order": 1}

    def test_a_snapshot_that_cannot_make_the_document_is_permanent(self) -> None:
        """DocumentDataError becomes a permanent data.driver_data error at stage map (no retry can help)."""

        def build() -> dict[str, int]:
            raise DocumentDataError("no return address anywhere")

        with pytest.raises(PermanentError) as raised:
            mapped(build)
        assert raised.value.error_class == "data.driver_data"
        assert raised.value.stage == "map"

    def test_a_mapping_bug_is_classified_like_any_failure(self) -> None:
        """Any other exception is classified (here: unexpected, retried in process) at stage map."""

        def build() -> dict[str, int]:
            raise KeyError("total")

        with pytest.raises(ProcessingError) as raised:
            mapped(build)
        assert raised.value.stage == "map"
        assert raised.value.error_class == "runtime.unexpected"
