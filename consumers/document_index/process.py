"""The document index's declaration (see :mod:`bcx.manifest`): a consumer process like the enricher, not a
document flow. It reads ``documents.results.v1`` and every built flow's dead-letter topic."""

from __future__ import annotations

from bcx.contracts.document_result import TOPIC as RESULTS_TOPIC
from bcx.kafka.topics import group_topic
from bcx.manifest import ConsumerProcess
from consumers.document_index.settings import IndexSettings
from consumers.registry import FLOWS

INDEX = ConsumerProcess(
    name="document-index",
    summary="documents.results.v1 and the flows' dead letters → the document index in PostgreSQL",
    input_topics=(RESULTS_TOPIC, *(group_topic(flow.group, "dlq") for flow in FLOWS)),
    argv=("index", "run"),
    settings=(IndexSettings,),
)
