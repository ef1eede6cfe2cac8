"""The flow's two topics on the bus: codecs bound to the configured topic names (the schemas are always
``schemas/exstream.policy-documents.v1.avsc`` and ``schemas/policies.publications.v1.avsc``), a history
reader over both, and a recorder for processes that produce outside the consumer runtime (``bcx policies``).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from bcx.avro.codec import AvroCodec
from bcx.avro.schemas import AvroSchema, load_schema
from bcx.contracts import policy_document, policy_publication
from bcx.contracts.policy_document import PolicyDocument
from bcx.contracts.policy_publication import PolicyPublication
from bcx.kafka.producer import KafkaProducer
from bcx.settings import KafkaSettings
from consumers.policy_publisher.history import History
from consumers.policy_publisher.settings import PolicyPublisherConfig
from consumers.policy_publisher.topic_reader import TopicReader

M = TypeVar("M", bound=BaseModel)


def _codec(model: type[M], schema_topic: str, topic: str, registry: Any, auto_register: bool) -> AvroCodec[M]:
    shared = load_schema(schema_topic)
    return AvroCodec(
        model,
        AvroSchema(topic=topic, text=shared.text, parsed=shared.parsed),
        registry,
        auto_register=auto_register,
    )


class PolicyBus:
    def __init__(self, config: PolicyPublisherConfig, registry: Any, *, auto_register: bool = True) -> None:
        self.documents_topic = config.documents_topic
        self.publications_topic = config.publications_topic
        self.documents = _codec(
            PolicyDocument, policy_document.TOPIC, config.documents_topic, registry, auto_register
        )
        self.publications = _codec(
            PolicyPublication, policy_publication.TOPIC, config.publications_topic, registry, auto_register
        )

    def reader(self, kafka: KafkaSettings) -> TopicReader:
        return TopicReader(
            kafka,
            {self.documents_topic: self.documents.decode, self.publications_topic: self.publications.decode},
        )

    def load_history(self, kafka: KafkaSettings, timeout_s: float) -> History:
        reader = self.reader(kafka)
        try:
            history = History()
            for record in reader.catch_up(timeout_s):
                if isinstance(record, PolicyDocument):
                    history.add_document(record)
                elif isinstance(record, PolicyPublication):
                    history.add_publication(record)
            return history
        finally:
            reader.close()

    async def send_document(self, producer: KafkaProducer, document: PolicyDocument) -> None:
        await producer.send(self.documents_topic, self.documents.encode(document), key=document.key)

    async def send_publication(self, producer: KafkaProducer, publication: PolicyPublication) -> None:
        await producer.send(
            self.publications_topic, self.publications.encode(publication), key=publication.key
        )
