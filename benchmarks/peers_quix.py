"""The Quix Streams consumer of the peers benchmark, run from its own venv (``.cache/bench-quix``).

Quix Streams 3.x pins confluent-kafka < 2.13 and bcx pins 2.16, so ``benchmarks/peers.py`` creates a
separate venv for it and runs this file there as a script: it imports nothing of bcx. Quix's defaults as
documented: ``processing_guarantee="at-least-once"``, commits every ``commit_interval`` (5 s) after the
results were produced; one record at a time (its processing is synchronous, so the call is a blocking
``time.sleep``).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from typing import Any

QUIX_VERSION = "3.28.1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    for name in ("--bootstrap", "--input", "--output", "--group"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()

    from quixstreams import Application

    app = Application(
        broker_address=args.bootstrap,
        consumer_group=args.group,
        auto_offset_reset="earliest",
        state_dir=tempfile.mkdtemp(prefix="bench-quix-"),
        loglevel="WARNING",
    )
    source = app.topic(args.input, value_deserializer="json", key_deserializer="bytes")
    sink = app.topic(args.output, value_serializer="json", key_serializer="bytes")

    def call(value: dict[str, Any]) -> dict[str, Any]:
        time.sleep(value["d"])
        return value

    app.dataframe(source).apply(call).to_topic(sink)
    app.run()


if __name__ == "__main__":
    main()
