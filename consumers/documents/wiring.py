"""What every document flow's ``build(services)`` wires the same way: its decoder's refusal of an empty
record, the ledger question "was this document already sent?", and the erased-customers table it must have
read before it may send anything."""

from __future__ import annotations

from collections.abc import Callable

from bcx.contracts.ledger_entry import LedgerState
from bcx.errors import ConfigurationError
from consumers.documents.erasures import ErasedCustomers
from consumers.runtime import PermanentError, Services, SourceRecord

#: a document in one of these states reached the customer (or is on its way): never send it again
SENT = frozenset({LedgerState.GENERATED, LedgerState.DELIVERED})


def value_of(record: SourceRecord, what: str) -> bytes:
    """The record's value; a tombstone is refused as ``empty <what>``, permanently (a retry cannot give it a
    body)."""
    if record.value is None:
        raise PermanentError(f"empty {what}", error_class="data.empty", stage="decode")
    return record.value


def sent_in(services: Services) -> Callable[[str], bool]:
    """``is_sent(key)`` over the group's ledger, for the two-pass ``sent_keys`` evaluation."""

    def is_sent(key: str) -> bool:
        entry = services.ledger.get(key)
        return entry is not None and entry.state in SENT

    return is_sent


def erased_customers(services: Services) -> ErasedCustomers:
    """The erased-customers table, read to its end before the flow starts: a flow that could not read it
    refuses to start rather than send documents to a customer whose data was erased."""
    erased = ErasedCustomers(services.settings.kafka.client_config()).start()
    if not erased.wait_ready(services.settings.consumer.ledger_catch_up_timeout_s):
        raise ConfigurationError("customers.erasures.v1 could not be read; refusing to send documents blind")
    return erased
