"""Simulated delivery channels: e-mail as ``.eml`` files, print and portal as PDFs in folders.

Real Exstream decides channels in the flow model; callers steer them through driver data
(``deliveryChannels: [...]`` or ``deliveryPreference: "email"``), which is what the simulator reads.
Every file is written atomically under the outbox: ``email/``, ``print/``, ``portal/<reference>/``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from simulators.exstream.templates import flatten

CHANNELS = ("email", "print", "portal")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def requested_channels(driver_data: Any) -> tuple[str, ...]:
    if not isinstance(driver_data, Mapping):
        return ()
    raw = driver_data.get("deliveryChannels", driver_data.get("deliveryPreference"))
    values = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
    return tuple(dict.fromkeys(v.lower() for v in values if isinstance(v, str) and v.lower() in CHANNELS))


def recipient(driver_data: Any) -> str | None:
    """The e-mail address: top-level ``email`` first, else the first field named like an e-mail."""
    if isinstance(driver_data, Mapping):
        top = driver_data.get("email")
        if isinstance(top, str) and _EMAIL.match(top):
            return top
    for path, value in flatten(driver_data):
        leaf = path.rsplit(".", 1)[-1].lower()
        if "email" in leaf and _EMAIL.match(value):
            return value
    return None


def _safe(value: str) -> str:
    return _UNSAFE.sub("_", value).strip("._") or "_"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def build_email(
    *, sender: str, to: str, subject: str, html: str, pdf: bytes, pdf_name: str, reference: str | None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="exstream-sim.invalid")
    if reference:
        message["X-Reference"] = reference
    message.set_content("Your document is attached. View this message as HTML for the full text.")
    message.add_alternative(html, subtype="html")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=pdf_name)
    return message


def deliver(
    outbox: Path,
    channels: tuple[str, ...],
    *,
    job_id: str,
    index: int,
    reference: str | None,
    driver_data: Any,
    sender: str,
    subject: str,
    html: str,
    pdf: bytes,
    pdf_name: str,
) -> dict[str, str]:
    """Deliver one document on each channel; returns ``channel → "delivered" | "failed: why"``."""
    outcome: dict[str, str] = {}
    stem = f"{_safe(job_id)}-{index}"
    for channel in channels:
        if channel == "email":
            to = recipient(driver_data)
            if to is None:
                outcome[channel] = "failed: no recipient address"
                continue
            message = build_email(
                sender=sender,
                to=to,
                subject=subject,
                html=html,
                pdf=pdf,
                pdf_name=pdf_name,
                reference=reference,
            )
            _write(outbox / "email" / f"{stem}.eml", message.as_bytes())
        elif channel == "print":
            _write(outbox / "print" / f"{stem}.pdf", pdf)
        elif channel == "portal":
            _write(outbox / "portal" / _safe(reference or job_id) / f"{stem}.pdf", pdf)
        outcome[channel] = "delivered"
    return outcome
