"""Reading per-channel delivery outcomes from an Exstream job (pure).

Exstream's flow model delivers (e-mail, print, portal) and reports it in the job; the simulator writes
``delivery: email=delivered, print=failed: no recipient address`` into the job's ``msg``. A real
deployment must agree this convention (or a richer one) with the Exstream designers: see
docs/consumer-runtime.md. No delivery section means "not reported", which is not "delivered".
"""

from __future__ import annotations

_MARK = "delivery:"


def parse_delivery(message: str | None) -> dict[str, str]:
    """``channel → outcome`` ("delivered" or "failed: why") from a job message; {} when none is reported."""
    if not message or _MARK not in message:
        return {}
    section = message.split(_MARK, 1)[1]
    outcomes: dict[str, str] = {}
    for part in section.split(","):
        channel, sep, outcome = part.strip().partition("=")
        if sep and channel:
            outcomes[channel.strip().lower()] = outcome.strip()
    return outcomes


def record_deliveries(message: str | None) -> dict[str, dict[str, str]]:
    """A multi-record job's ``record key → channel → outcome`` (``delivery: C1/email=delivered, …``)."""
    per_record: dict[str, dict[str, str]] = {}
    for channel, outcome in parse_delivery(message).items():
        record, sep, name = channel.rpartition("/")
        if sep and record:
            per_record.setdefault(record, {})[name] = outcome
    return per_record
