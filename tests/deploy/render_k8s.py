"""Render deploy/k8s/base/consumers.yaml: one Deployment + PodDisruptionBudget + KEDA ScaledObject per
declared consumer process (the enricher and every built flow) from templates/consumer.yaml and the
process's short entry in deploy/k8s/processes.yaml. ``python -m tests.deploy.render_k8s`` rewrites the
file; ``tests/deploy/test_manifest.py`` fails while it is stale or a declared process has no entry."""

from __future__ import annotations

import json
import sys
from string import Template
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from bcx.kafka.topics import expand, load_catalogue
from bcx.manifest import ConsumerProcess
from bcx_app.cli.processes import deployed
from tests.deploy.support import BASE, K8S, ROOT

TEMPLATE = K8S / "templates" / "consumer.yaml"
ENTRIES = K8S / "processes.yaml"
OUTPUT = BASE / "consumers.yaml"


class Entry(BaseModel):
    """What differs per process in Kubernetes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    port: int = Field(ge=1024, le=65535)
    config: list[str]
    secrets: list[str] = []
    lag_threshold: int = Field(ge=1)
    env: dict[str, str] = {}
    cpu_request: str = "250m"
    memory_request: str = "384Mi"
    cpu_limit: str = "1"
    memory_limit: str = "1Gi"
    #: fewer replicas than partitions (a group that must run alone: customer-profiles)
    max_replicas: int | None = Field(default=None, ge=1)


def entries() -> dict[str, Entry]:
    raw: dict[str, Any] = yaml.safe_load(ENTRIES.read_text(encoding="utf-8"))
    return {name: Entry.model_validate(body) for name, body in raw.items()}


def _indent(lines: list[str], spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in lines)


def render_one(process: ConsumerProcess, entry: Entry, partitions: dict[str, int]) -> str:
    env_from: list[str] = []
    for name in entry.config:
        env_from += ["- configMapRef:", f"    name: {name}"]
        if name in entry.secrets:
            env_from += ["- secretRef:", f"    name: {name}"]
    env: list[str] = []
    for key, value in entry.env.items():
        env += [f"- name: {key}", f"  value: {json.dumps(value)}"]
    triggers: list[str] = []
    # the retry topic's lag too: records waiting there are work a replica must take (not only the main topic)
    for topic in (*process.input_topics, f"{process.group}.retry.v1"):
        triggers += [
            "- type: kafka",
            "  metadata:",
            "    bootstrapServersFromEnv: BCX_KAFKA__BOOTSTRAP_SERVERS",
            f"    consumerGroup: {process.group}",
            f"    topic: {topic}",
            f'    lagThreshold: "{entry.lag_threshold}"',
            '    activationLagThreshold: "0"',
            "    offsetResetPolicy: earliest",
            '    allowIdleConsumers: "false"',
            '    excludePersistentLag: "false"',
        ]
    text = Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        name=process.name,
        group=process.group,
        summary=process.summary,
        command=" ".join(process.argv),
        args=json.dumps(list(process.argv)),
        port=entry.port,
        env_from=_indent(env_from, 12),
        env=_indent(env, 12),
        triggers=_indent(triggers, 4),
        max_replicas=min([partitions[t] for t in process.input_topics] + [entry.max_replicas or 10**6]),
        cpu_request=entry.cpu_request,
        memory_request=entry.memory_request,
        cpu_limit=entry.cpu_limit,
        memory_limit=entry.memory_limit,
    )
    return "\n".join(line for line in text.splitlines() if line.strip()) + "\n"


def render() -> str:
    """The whole of base/consumers.yaml; a KeyError names a declared process without an entry."""
    partitions = {s.name: s.partitions for s in expand(load_catalogue(ROOT / "deploy" / "topics.yaml"), 3, 2)}
    known = entries()
    return "---\n".join(render_one(p, known[p.name], partitions) for p in deployed())


if __name__ == "__main__":
    OUTPUT.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {OUTPUT.relative_to(ROOT)}\n")
