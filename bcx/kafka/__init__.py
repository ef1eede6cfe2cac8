"""Kafka plumbing on confluent-kafka: client configuration, an asyncio-friendly producer, topic management."""
