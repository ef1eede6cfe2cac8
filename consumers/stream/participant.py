"""What a pipeline on the stream runtime adds to its transactions: a state kept beside the stream.

The runtime's transaction (:class:`~consumers.stream.transactions.TransactionalSender`, handed to the
pipeline as ``services.transactions`` / ``services.sender``) carries whatever the pipeline writes through
it — the document pipeline's results and final ledger entries — together with the consumer offsets. What
the runtime cannot know is the pipeline's own view of that state; a participant exposes the two moments
the runtime needs it:

- before assigned partitions are processed, its state must have caught up (``wait_caught_up``; False
  within the timeout: the process stops rather than risk a duplicate);
- when a transaction failed, what it held is rolled back (``rollback``) before the work is redone.

The document pipeline's :class:`~consumers.runtime.kafka_ledger.KafkaLedger` is one.
"""

from __future__ import annotations

from typing import Protocol


class TransactionParticipant(Protocol):
    def wait_caught_up(self, timeout_s: float) -> bool:
        """True once the state reflects everything committed before; False after ``timeout_s``."""
        ...

    def rollback(self) -> int:
        """Forget what the failed transaction held; the number of entries dropped."""
        ...
