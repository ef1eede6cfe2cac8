"""The effectively-once ledger's pure rules: what a key's last state means, and which transitions exist.

::

    (none) ──▶ STARTED(attempt, reference) ──▶ GENERATED(uri, job) ──▶ DELIVERED(channels)
                   │   ▲  │                       └──────────────────▶ (terminal: skip)
                   │   │  └──▶ SUBMITTED(job) ──▶ GENERATED / DELIVERED / FAILED   (batch)
                   │   └── STARTED(attempt+1) after a look-up found nothing
                   └──▶ FAILED(error) ──▶ STARTED(attempt+1), or adopted: SUBMITTED/GENERATED/DELIVERED

A record whose key is GENERATED or DELIVERED is skipped: no new document, and no result is re-sent (they
were acknowledged before the ledger was written). STARTED or FAILED means a call may have happened whose
outcome is unknown: it is *resolved* (Exstream job look-up by reference) before any new call. SUBMITTED
names the batch job already running for the key: it is *resumed* (polled again), never submitted twice.
"""

from __future__ import annotations

import enum
import hashlib

from bcx.contracts.ledger_entry import LedgerEntry, LedgerState


class LedgerAction(enum.Enum):
    PROCEED = "proceed"  # never tried: call Exstream
    RESOLVE = "resolve"  # maybe tried: look the job up first
    RESUME = "resume"  # a batch job is known by id: poll it again
    SKIP = "skip"  # done: nothing to do


_NEXT: dict[LedgerState | None, frozenset[LedgerState]] = {
    None: frozenset({LedgerState.STARTED}),
    LedgerState.STARTED: frozenset(LedgerState),
    # one job per key: never a second SUBMITTED; STARTED only when the job failed and a new call is made
    LedgerState.SUBMITTED: frozenset(LedgerState) - {LedgerState.SUBMITTED},
    LedgerState.GENERATED: frozenset({LedgerState.GENERATED, LedgerState.DELIVERED}),
    LedgerState.DELIVERED: frozenset(),
    # a look-up may find that a call recorded as failed did complete: adopting it is allowed
    LedgerState.FAILED: frozenset(LedgerState),
}


class LedgerConflict(ValueError):
    """A transition the state machine forbids (a bug or a second writer for the same key)."""


def action_for(entry: LedgerEntry | None) -> LedgerAction:
    if entry is None:
        return LedgerAction.PROCEED
    if entry.state in (LedgerState.GENERATED, LedgerState.DELIVERED):
        return LedgerAction.SKIP
    if entry.state is LedgerState.SUBMITTED and entry.job_id:
        return LedgerAction.RESUME
    return LedgerAction.RESOLVE


def check_transition(current: LedgerEntry | None, new: LedgerEntry) -> None:
    """Raise :class:`LedgerConflict` unless ``current → new`` is allowed."""
    state = current.state if current is not None else None
    if new.state not in _NEXT[state]:
        raise LedgerConflict(f"ledger: {state} → {new.state} is not allowed for one key")
    if current is not None and new.attempt < current.attempt:
        raise LedgerConflict(f"ledger: attempt went back from {current.attempt} to {new.attempt}")


def next_attempt(entry: LedgerEntry | None) -> int:
    return 1 if entry is None else entry.attempt + 1


def exstream_reference(idempotency_key: str) -> str:
    """The reference Exstream stores (externalId) for a key: stable across attempts and processes.

    A hash because idempotency keys contain ``:``, a separator of Exstream's job filter syntax.
    """
    return "bcx-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
