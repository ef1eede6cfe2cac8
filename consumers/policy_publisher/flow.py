"""The policy-publisher flow's declaration (see :mod:`bcx.manifest`): approved policy documents from
``exstream.policy-documents.v1`` into BigCommerce pages and checkout terms; the channel page and checkout
settings webhooks re-check for hand edits. Importing it loads no Kafka, Exstream or BigCommerce code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bcx.contracts.policy_document import TOPIC as POLICY_DOCUMENTS_TOPIC
from bcx.contracts.webhook_event import TOPIC as WEBHOOKS_TOPIC
from bcx.manifest import Flow
from consumers.policy_publisher.catalogue import load_catalogue
from consumers.policy_publisher.settings import PolicyPublisherSettings

if TYPE_CHECKING:
    from consumers.runtime import Services, UseCase


def build(services: Services) -> UseCase[Any]:
    from consumers.policy_publisher.app import build as build_use_case

    return build_use_case(services)


#: BigCommerce's channel events name the channel in the scope, so the scopes follow the packaged catalogue:
#: page events for every channel it publishes a page to, checkout-settings events for every channel whose
#: checkout terms it sets (``bcx hooks sync`` subscribes them all).
CHANNEL_SCOPES = load_catalogue().drift_scopes()

FLOW = Flow(
    name="policy-publisher",
    summary="the reverse flow: approved Exstream policy documents → BigCommerce pages and checkout terms",
    input_topics=(POLICY_DOCUMENTS_TOPIC, WEBHOOKS_TOPIC),
    scopes=CHANNEL_SCOPES,
    settings=(PolicyPublisherSettings,),
    build=build,
)
