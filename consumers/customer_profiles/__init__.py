"""The customer-profiles consumer group: snapshots → ``marketing.profiles.v1`` (docs/retention.md)."""
