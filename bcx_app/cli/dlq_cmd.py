"""``bcx dlq inspect|replay``: look at a consumer group's dead letters and send chosen ones back.

``inspect`` prints ids and error context only (no personal data); ``--show-value`` decodes the Avro value
too. ``replay`` produces the selected records to the topic they came from, marked with ``bcx.replay.at``.
Select by ``--partition``, ``--from-offset``/``--to-offset`` (DLQ offsets), ``--key`` or ``--error-class``.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "dlq", help="inspect and replay a consumer group's dead letters", description=__doc__
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, help_text in (
        ("inspect", "list dead letters with their error context"),
        ("replay", "send selected dead letters back to their source topic"),
    ):
        sub = actions.add_parser(name, help=help_text)
        sub.add_argument("use_case", help="use case (group bcx-<use-case>), or a group with --group")
        sub.add_argument("--group", action="store_true", help="the positional argument is the group id")
        sub.add_argument("--partition", type=int, default=None, help="only this DLQ partition")
        sub.add_argument("--from-offset", type=int, default=None, help="first DLQ offset to select")
        sub.add_argument("--to-offset", type=int, default=None, help="last DLQ offset to select")
        sub.add_argument("--key", default=None, help="only dead letters with this record key")
        sub.add_argument(
            "--error-class",
            default=None,
            help="only this error class (e.g. exstream.auth), as alerts name it",
        )
        if name == "inspect":
            sub.add_argument("--show-value", action="store_true", help="decode and print record values")
            sub.add_argument("--json", action="store_true", help="one JSON object per line")
            sub.set_defaults(handler=_inspect)
        else:
            sub.add_argument("--dry-run", action="store_true", help="list what would be replayed")
            sub.set_defaults(handler=_replay)


def _selected(args: argparse.Namespace) -> tuple[Any, list[Any]]:
    from bcx.kafka.topics import group_topic
    from bcx.settings import load_settings
    from bcx_app.cli.common import AdminSettings
    from consumers.stream.dlq_admin import Selection, read_dead_letters

    settings = load_settings(AdminSettings)
    group = args.use_case if args.group else f"bcx-{args.use_case}"
    selection = Selection(args.partition, args.from_offset, args.to_offset, args.key, args.error_class)
    letters = [
        d for d in read_dead_letters(settings.kafka, group_topic(group, "dlq")) if selection.matches(d)
    ]
    return settings, letters


def _inspect(args: argparse.Namespace) -> int:
    settings, letters = _selected(args)
    registry = None
    if args.show_value:
        from bcx.avro.registry import registry_client

        registry = registry_client(settings.registry)
    from consumers.stream.dlq_admin import decode_value

    for letter in letters:
        row = letter.summary()
        if registry is not None:
            row["value"] = decode_value(letter.value, registry)
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            line = (
                f"{row['dlq_partition']}@{row['dlq_offset']}  key={row['key']}  from={row['source']}  "
                f"stage={row['stage']}  class={row['error_class']}  attempts={row['attempts']}  "
                f"{row['exception']}: {row['message']}"
            )
            print(line + (f"\n    value={row['value']}" if "value" in row else ""))
    print(f"{len(letters)} dead letter(s)")
    return 0


def _replay(args: argparse.Namespace) -> int:
    settings, letters = _selected(args)
    if args.dry_run:
        for letter in letters:
            row = letter.summary()
            print(
                f"would replay {row['dlq_partition']}@{row['dlq_offset']} key={row['key']} to {row['source']}"
            )
        print(f"{len(letters)} dead letter(s) selected")
        return 0
    from bcx.kafka.config import producer_config
    from bcx.kafka.producer import KafkaProducer
    from consumers.stream.dlq_admin import replay

    producer = KafkaProducer(producer_config(settings.kafka))
    try:
        sent = replay(producer, letters, int(time.time() * 1000))
    finally:
        producer.close()
    print(f"replayed {sent} of {len(letters)} dead letter(s)")
    return 0 if sent == len(letters) else 1
