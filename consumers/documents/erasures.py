"""Erased customers, so no document flow sends them anything after ``bcx erase`` or store/customer/deleted.

``customers.erasures.v1`` is compacted and keyed by the subject hash (sha256 of ``store_hash:customer_id``);
a flow reads it from the start before consuming (``wait_ready``) and keeps tailing it in a daemon thread
(:class:`bcx.kafka.compacted.TopicTail`, the reader the ledger and the marketing tables use).
Only keys are read: no registry, and no clear customer id ever crosses the bus.
"""

from __future__ import annotations

from typing import Any

from bcx.contracts.erasure import TOPIC, subject
from bcx.kafka.compacted import TopicTail
from bcx.logging import get_logger

log = get_logger(__name__)


class ErasedCustomers:
    """The set of erased subjects, kept current from the topic by a background thread."""

    def __init__(self, client_config: dict[str, Any], topic: str = TOPIC) -> None:
        self._subjects: set[str] = set()
        # a cluster without the topic yet (nothing was ever erased) is an empty set, said in the log
        self._tail = TopicTail(client_config, topic, self._apply, reader="erasures-reader", required=False)

    def start(self) -> ErasedCustomers:
        self._tail.start()
        return self

    def wait_ready(self, timeout_s: float) -> bool:
        """True once everything on the topic when called has been read."""
        ready = self._tail.wait_caught_up(timeout_s)
        if ready:
            log.info("erasures.loaded", subjects=len(self._subjects))
        return ready

    def close(self) -> None:
        self._tail.close()

    def erased(self, store_hash: str, customer_id: str | None) -> bool:
        return customer_id is not None and subject(store_hash, customer_id) in self._subjects

    def _apply(self, msg: Any) -> None:
        key = (msg.key() or b"").decode(errors="replace")
        if msg.value() is None:
            self._subjects.discard(key)
        else:
            self._subjects.add(key)
