"""The document index's declaration (see :mod:`bcx.manifest`): a consumer process like the enricher, not a
document flow. It reads ``documents.results.v1``, every built flow's dead-letter topic and the customer
snapshots (for store/customer/deleted)."""

from __future__ import annotations

from bcx.contracts.commerce_customers import TOPIC as CUSTOMERS_TOPIC
from bcx.contracts.document_result import TOPIC as RESULTS_TOPIC
from bcx.kafka.topics import group_topic
from bcx.manifest import ConsumerProcess
from consumers.document_index.settings import IndexSettings
from consumers.registry import FLOWS

INDEX = ConsumerProcess(
    name="document-index",
    summary="documents.results.v1 and the flows' dead letters → the document index in PostgreSQL",
    # customers: store/customer/deleted (a deleted snapshot) erases the customer like `bcx erase`
    input_topics=(RESULTS_TOPIC, *(group_topic(flow.group, "dlq") for flow in FLOWS), CUSTOMERS_TOPIC),
    argv=("index", "run"),
    settings=(IndexSettings,),
)
