"""``bcx consume policy-publisher``: the use case's wiring (registered in :mod:`consumers.registry`).

Inputs ``exstream.policy-documents.v1`` and ``bigcommerce.webhooks.v1`` (channel page/checkout events
only; everything else is skipped); group ``bcx-policy-publisher``; publications on
``policies.publications.v1``. The catalogue is validated here, so a bad one stops the process at start.
"""

from __future__ import annotations

from typing import Any

from bcx.bigcommerce.client import BigCommerceClient
from bcx.contracts import policy_document, policy_publication, webhook_event
from bcx.contracts.codecs import codec_for, webhook_event_codec
from bcx.contracts.policy_document import PolicyDocument
from bcx.contracts.policy_publication import PolicyPublication
from bcx.settings import load_settings
from consumers.policy_publisher.catalogue import load_catalogue
from consumers.policy_publisher.flow import FLOW
from consumers.policy_publisher.history import History
from consumers.policy_publisher.processor import PolicyPublisherProcessor
from consumers.policy_publisher.settings import PolicyPublisherSettings
from consumers.policy_publisher.topic_reader import TopicReader
from consumers.runtime import Services, SourceRecord, UseCase
from consumers.runtime.errors import PermanentError


def publication_emitter(services_producer: Any, registry: Any, history: History) -> Any:
    """``emit``: the publication on ``policies.publications.v1`` (acknowledged), then into the history."""
    codec = codec_for(PolicyPublication, policy_publication.TOPIC, registry)

    async def emit(publication: PolicyPublication) -> None:
        await services_producer.send(policy_publication.TOPIC, codec.encode(publication), key=publication.key)
        history.add_publication(publication)

    return emit


def history_reader(services: Services, settings: PolicyPublisherSettings) -> TopicReader:
    documents = codec_for(PolicyDocument, policy_document.TOPIC, services.registry, auto_register=False)
    publications = codec_for(
        PolicyPublication, policy_publication.TOPIC, services.registry, auto_register=False
    )
    return TopicReader(
        services.settings.kafka,
        {policy_document.TOPIC: documents.decode, policy_publication.TOPIC: publications.decode},
    )


def build(services: Services, settings: PolicyPublisherSettings | None = None) -> UseCase[Any]:
    settings = settings or load_settings(PolicyPublisherSettings)
    catalogue = load_catalogue(settings.policy_publisher.catalogue_path)
    documents = codec_for(PolicyDocument, policy_document.TOPIC, services.registry, auto_register=False)
    events = webhook_event_codec(services.registry, auto_register=False)
    history = History()
    reader = history_reader(services, settings)
    timeout = settings.policy_publisher.history_timeout_s

    def decode(record: SourceRecord) -> PolicyDocument | webhook_event.WebhookEvent:
        if record.value is None:
            raise PermanentError("empty record", error_class="data.empty", stage="decode")
        if record.origin[0] == webhook_event.TOPIC:  # the retry topic carries the original topic
            return events.decode(record.value)
        return documents.decode(record.value)

    processor = PolicyPublisherProcessor(
        catalogue=catalogue,
        client_factory=lambda: BigCommerceClient(settings.bigcommerce),
        history=history,
        catch_up=lambda: reader.catch_up(timeout),
        emit=publication_emitter(services.producer, services.registry, history),
        actor=services.group,
    )
    return UseCase(name=FLOW.name, topics=FLOW.input_topics, decoder=decode, processor=processor)
