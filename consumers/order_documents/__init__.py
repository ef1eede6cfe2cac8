"""Order documents: order confirmations, invoices and payment receipts from enriched order snapshots.

The pure parts — :mod:`~consumers.order_documents.money` and :mod:`~consumers.order_documents.dates`
(formatting), :mod:`~consumers.order_documents.driver_data` (snapshot → Exstream driver data) and
:mod:`~consumers.order_documents.facts` (snapshot → routing facts) — import no I/O library; the consumer
wires them to the runtime's document step. See ``docs/order-documents.md``.
"""
