"""The enricher's declaration (see :mod:`bcx.manifest`): a consumer process like the flows, checked the
same way against deploy/topics.yaml, Kubernetes, Compose and the demo."""

from __future__ import annotations

from bcx.contracts.webhook_event import TOPIC as WEBHOOKS_TOPIC
from bcx.manifest import ConsumerProcess
from producers.enricher.settings import EnricherSettings

ENRICHER = ConsumerProcess(
    name="enricher",
    summary="bigcommerce.webhooks.v1 → full commerce.* snapshots read from the BigCommerce API",
    input_topics=(WEBHOOKS_TOPIC,),
    argv=("enrich",),
    settings=(EnricherSettings,),
)
