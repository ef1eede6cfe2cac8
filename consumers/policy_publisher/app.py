"""``bcx consume policy-publisher``: the use case's wiring (registered in :mod:`consumers.registry`).

Inputs ``exstream.policy-documents.v1`` and ``bigcommerce.webhooks.v1`` (channel page/checkout events
only; everything else is skipped); group ``bcx-policy-publisher``; publications on
``policies.publications.v1``. The catalogue is validated here, so a bad one stops the process at start.
"""

from __future__ import annotations

from typing import Any

from bcx.bigcommerce.client import BigCommerceClient
from bcx.contracts.codecs import webhook_event_codec
from bcx.contracts.policy_document import PolicyDocument
from bcx.contracts.policy_publication import PolicyPublication
from bcx.contracts.webhook_event import WebhookEvent
from bcx.settings import load_settings
from consumers.policy_publisher.bus import PolicyBus
from consumers.policy_publisher.catalogue import load_catalogue
from consumers.policy_publisher.flow import FLOW
from consumers.policy_publisher.history import History
from consumers.policy_publisher.processor import PolicyPublisherProcessor
from consumers.policy_publisher.settings import PolicyPublisherSettings
from consumers.runtime import Services, SourceRecord, UseCase
from consumers.stream.errors import PermanentError


def build(services: Services, settings: PolicyPublisherSettings | None = None) -> UseCase[Any]:
    settings = settings or load_settings(PolicyPublisherSettings)
    config = settings.policy_publisher
    catalogue = load_catalogue(config.catalogue_path)
    bus = PolicyBus(config, services.registry)
    events = webhook_event_codec(services.registry, auto_register=False)
    history = History()
    reader = bus.reader(services.settings.kafka)

    def decode(record: SourceRecord) -> PolicyDocument | WebhookEvent:
        if record.value is None:
            raise PermanentError("empty record", error_class="data.empty", stage="decode")
        if record.origin[0] == config.documents_topic:  # the retry topic carries the original topic
            return bus.documents.decode(record.value)
        return events.decode(record.value)

    async def emit(publication: PolicyPublication) -> None:
        await bus.send_publication(services.producer, publication)
        history.add_publication(publication)

    processor = PolicyPublisherProcessor(
        catalogue=catalogue,
        client_factory=lambda: BigCommerceClient(settings.bigcommerce),
        history=history,
        catch_up=lambda: reader.catch_up(config.history_timeout_s),
        emit=emit,
        actor=services.group,
    )
    topics = (config.documents_topic, *FLOW.input_topics[1:])
    return UseCase(name=FLOW.name, topics=topics, decoder=decode, processor=processor)
