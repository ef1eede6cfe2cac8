"""Settings of the policy publisher (``BCX_BIGCOMMERCE__*``, ``BCX_POLICY_PUBLISHER__*``), loaded once when
``bcx consume policy-publisher`` or ``bcx policies`` starts."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bcx.bigcommerce.settings import BigCommerceSettings
from bcx.contracts import policy_document, policy_publication
from bcx.exstream.settings import ExstreamSettings
from bcx.settings import KafkaSettings, ProcessSettings, RegistrySettings


class PolicyPublisherConfig(BaseModel):
    """``BCX_POLICY_PUBLISHER__*``: the policy catalogue and how long the history may take to read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    catalogue_path: Path | None = Field(default=None, description="policy catalogue; None = the packaged one")
    history_timeout_s: float = Field(default=30.0, gt=0, description="reading the policy topics to their end")
    # the topics' names (their schemas do not change with them): tests and staging use their own
    documents_topic: str = policy_document.TOPIC
    publications_topic: str = policy_publication.TOPIC


class PolicyPublisherSettings(ProcessSettings):
    """The BigCommerce stores the policies are published into, and the publisher's options."""

    bigcommerce: BigCommerceSettings = BigCommerceSettings()
    policy_publisher: PolicyPublisherConfig = PolicyPublisherConfig()


class PoliciesCommandSettings(PolicyPublisherSettings):
    """``bcx policies``: also renders through Exstream and reads/writes the policy topics."""

    kafka: KafkaSettings = KafkaSettings()
    registry: RegistrySettings = RegistrySettings()
    exstream: ExstreamSettings
