"""Shipping labels behind an interface: the Exstream-rendered label is the default; a carrier's label (its
API returns the label and a tracking number) is another :class:`LabelProvider`.

A provider produces the ``return_label`` document for one routing decision and answers the runtime's
:class:`~consumers.runtime.DocumentOutcome`, so the ledger keeps it effectively once per idempotency key
whichever provider printed it.
"""

from __future__ import annotations

from typing import Protocol

from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext


class DocumentRunner(Protocol):
    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome: ...


class LabelProvider(Protocol):
    """Produces a return's shipping label from its request (addresses, RMA, weight class in the driver
    data's ``label``, ``sender`` and ``returnAddress``)."""

    name: str

    async def label(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome: ...


class ExstreamLabels:
    """The default: the label is the Exstream communication the rules name for ``return_label``, rendered
    through the runtime's document step like every other document (its template draws the barcodes)."""

    name = "exstream"

    def __init__(self, step: DocumentRunner) -> None:
        self._step = step

    async def label(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome:
        return await self._step.run(request, ctx)


def label_provider(name: str, step: DocumentRunner) -> LabelProvider:
    """The provider ``BCX_RETURNS__LABEL_PROVIDER`` names (settings validate the name)."""
    if name == ExstreamLabels.name:
        return ExstreamLabels(step)
    raise ValueError(f"unknown label provider {name!r}")
