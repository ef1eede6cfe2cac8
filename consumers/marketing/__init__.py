"""What the marketing flows (retention, catalogs) share: customer profiles folded from the snapshots, the
marketing policy (consent sources, scores, frequency caps, quiet periods, triggers), the compacted-topic
stores of profiles and contact history, and campaigns as data. See docs/retention.md and docs/catalogs.md.
"""
