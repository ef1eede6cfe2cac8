"""The composition root's view of every declared process: the enricher and the flows (built first)."""

from __future__ import annotations

from bcx.manifest import ConsumerProcess, Flow


def flows() -> tuple[Flow, ...]:
    from consumers.registry import all_flows

    return all_flows()


def deployed() -> tuple[ConsumerProcess, ...]:
    """The consumer processes every deployment runs (k8s, Compose, the demo): enricher + built flows +
    the document index."""
    from consumers.document_index.process import INDEX
    from consumers.registry import FLOWS
    from producers.enricher.process import ENRICHER

    return (ENRICHER, *FLOWS, INDEX)
