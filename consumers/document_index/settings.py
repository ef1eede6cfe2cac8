"""Settings of the document index (``bcx index run|serve|migrate|prune``, ``bcx trace``): ``BCX_INDEX__*``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from bcx.contracts.erasure import TOPIC as ERASURES_TOPIC
from bcx.exstream.settings import OutputStorageSettings
from bcx.settings import MetricsSettings
from consumers.stream.settings import RuntimeSettings, StreamSettings

GROUP = "bcx-document-index"


class IndexSection(BaseModel):
    """Where the index lives, how long it keeps rows, and the HTTP API's listener and bearer token."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: a libpq URI; it may hold a password, so it is a secret (the default is `bcx local up`'s server)
    dsn: SecretStr = SecretStr("postgresql://bcx@127.0.0.1:15432/bcx")
    retention_days: int = Field(default=400, ge=1, description="`bcx index prune` drops older rows")
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=9430, ge=1, le=65535)
    #: the bearer token `bcx index serve` requires; the API refuses to start without one
    api_token: SecretStr | None = None
    #: where erasures are published (document flows read it)
    erasures_topic: str = ERASURES_TOPIC


class IndexSettings(StreamSettings):
    """The ``document-index`` consumer group (``BCX_CONSUMER__*`` as every consumer) and the index."""

    metrics: MetricsSettings = MetricsSettings(port=9420)
    consumer: RuntimeSettings = RuntimeSettings(max_in_flight=64)
    index: IndexSection = IndexSection()
    #: where the flows store outputs: erasure deletes a customer's from here (``BCX_OUTPUT_STORAGE__*``)
    output_storage: OutputStorageSettings = OutputStorageSettings()

    @property
    def group(self) -> str:
        return self.consumer.group_id or GROUP
