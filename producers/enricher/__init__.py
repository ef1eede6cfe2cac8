"""The enrichment stage: ``bigcommerce.webhooks.v1`` (ids only) → full ``commerce.*`` snapshots.

Pure decisions: :mod:`.plan` (which entities an event names), :mod:`.mapping` (API models → snapshot
records), :mod:`.versions` (superseded and duplicate events). I/O adapters: :mod:`.fetch` (the BigCommerce
client), :mod:`.publisher` (Kafka). :mod:`.enricher` runs one event through them; :mod:`.service` runs the
consumer group. :mod:`.reconcile` turns API listings into synthetic events. Design: ``docs/enricher.md``.
"""
