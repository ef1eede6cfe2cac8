"""The generic stream runtime: a Kafka consumer group's poll loop, per-key concurrency in a bounded
window, backpressure by pausing partitions, commits of the finished prefix only, retries with backoff, a
retry topic, capped dead letters, transactions, graceful rebalances and shutdown, health and metrics.

It knows nothing of documents, Exstream or routing: the document pipeline (:mod:`consumers.runtime`) and
the enricher (:mod:`producers.enricher`) are built on it. See docs/consumer-runtime.md.
"""
