"""The wiring every document flow shares: an empty record is refused permanently, and only a generated or
delivered document counts as sent."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import pytest

from bcx.contracts.ledger_entry import LedgerState
from consumers.documents.wiring import sent_in, value_of
from consumers.runtime import PermanentError, Services, SourceRecord


def record(value: bytes | None) -> SourceRecord:
    return SourceRecord(topic="commerce.orders.v1", partition=0, offset=7, key=b"abc:order:1", value=value)


class TestValueOf:
    def test_returns_the_body(self) -> None:
        """A record with a body gives that body back unchanged."""
        assert value_of(record(b"\x00body"), "order snapshot record") == b"\x00body"

    def test_a_tombstone_is_a_permanent_decode_error(self) -> None:
        """A tombstone is refused as ``empty <what>`` with class data.empty at stage decode, never retried."""
        with pytest.raises(PermanentError) as raised:
            value_of(record(None), "order snapshot record")
        assert str(raised.value) == "empty order snapshot record"
        assert raised.value.error_class == "data.empty"
        assert raised.value.stage == "decode"


class TestSentIn:
    @pytest.mark.parametrize(
        ("state", "sent"),
        [
            (LedgerState.GENERATED, True),
            (LedgerState.DELIVERED, True),
            (LedgerState.STARTED, False),
            (LedgerState.SUBMITTED, False),
            (LedgerState.FAILED, False),
            (None, False),
        ],
    )
    def test_only_generated_or_delivered_counts_as_sent(self, state: LedgerState | None, sent: bool) -> None:
        """A document is sent once the ledger says GENERATED or DELIVERED; started, submitted, failed or
        unknown keys may still be attempted."""
        entries = {} if state is None else {"k": SimpleNamespace(state=state)}
        services = cast(Services, SimpleNamespace(ledger=SimpleNamespace(get=entries.get)))
        assert sent_in(services)("k") is sent
