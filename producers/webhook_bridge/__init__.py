"""The webhook bridge: BigCommerce callbacks in, one acknowledged Avro record each out.

Records go to ``bigcommerce.webhooks.v1``.

Request path (one concept per module)::

    handler ── read body (limits) ── payload.parse_callback ── auth.authenticate ── dedupe
                                                                     │
                       200 only after the broker acknowledged ◀── publisher ◀── event.build_event

``settings`` (per-store secrets), ``metrics`` + ``success_ratio`` (what BigCommerce blocklists on),
``health`` (/livez, /readyz, /metrics), ``openapi`` (the published contract), ``app`` (wiring and
lifespan) and ``server`` (uvicorn) complete it. Pure modules import neither confluent_kafka nor httpx.
"""
