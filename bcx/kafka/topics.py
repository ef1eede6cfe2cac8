"""The declarative topic catalogue (``deploy/topics.yaml``) and the pure diff against a cluster's state."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bcx.errors import ConfigurationError

_REPO_CATALOGUE = Path(__file__).resolve().parents[2] / "deploy" / "topics.yaml"
_PACKAGED_CATALOGUE = Path(__file__).resolve().parents[1] / "_deploy" / "topics.yaml"
# the checkout's file, or the copy packaged into the wheel (an installed bcx has no deploy/ folder)
DEFAULT_CATALOGUE = _REPO_CATALOGUE if _REPO_CATALOGUE.is_file() else _PACKAGED_CATALOGUE


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TopicEntry(_Strict):
    name: str
    doc: str = ""
    partitions: int | None = Field(default=None, ge=1)
    configs: dict[str, str] = {}


class GroupTopic(_Strict):
    partitions: int | None = Field(default=None, ge=1)
    configs: dict[str, str] = {}


class Defaults(_Strict):
    partitions: int = Field(ge=1)
    configs: dict[str, str] = {}


class Catalogue(_Strict):
    defaults: Defaults
    topics: list[TopicEntry]
    groups: list[str] = []
    group_topics: dict[Literal["dlq", "retry", "ledger"], GroupTopic] = {}


@dataclass(frozen=True)
class TopicSpec:
    """What one topic should look like on a cluster."""

    name: str
    partitions: int
    replication_factor: int
    configs: dict[str, str] = field(default_factory=dict)


def group_topic(group: str, kind: Literal["dlq", "retry", "ledger"]) -> str:
    return f"{group}.{kind}.v1"


def load_catalogue(path: Path = DEFAULT_CATALOGUE) -> Catalogue:
    try:
        raw = yaml.safe_load(path.read_text())
        return Catalogue.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"cannot read topic catalogue {path}: {exc}") from exc
    except ValidationError as exc:
        raise ConfigurationError(f"invalid topic catalogue {path}: {exc}") from exc


def expand(catalogue: Catalogue, replication_factor: int, min_insync_replicas: int) -> list[TopicSpec]:
    """Every topic with defaults applied; min.insync.replicas never exceeds the replication factor."""
    isr = str(min(min_insync_replicas, replication_factor))
    specs: list[TopicSpec] = []

    def add(name: str, partitions: int | None, configs: dict[str, str]) -> None:
        merged = {**catalogue.defaults.configs, "min.insync.replicas": isr, **configs}
        specs.append(TopicSpec(name, partitions or catalogue.defaults.partitions, replication_factor, merged))

    for topic in catalogue.topics:
        add(topic.name, topic.partitions, topic.configs)
    for group in catalogue.groups:
        for kind, spec in catalogue.group_topics.items():
            add(group_topic(group, kind), spec.partitions, spec.configs)
    names = [s.name for s in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigurationError(f"topic catalogue names these topics twice: {', '.join(duplicates)}")
    return specs


@dataclass(frozen=True)
class ActualTopic:
    """What a cluster reports for one topic."""

    name: str
    partitions: int
    replication_factor: int
    configs: dict[str, str]


@dataclass(frozen=True)
class Drift:
    topic: str
    what: str
    expected: str
    actual: str
    fixable: bool


def diff(spec: TopicSpec, actual: ActualTopic) -> list[Drift]:
    """How ``actual`` departs from ``spec``. Partitions can only grow; replication needs a reassignment."""
    drifts: list[Drift] = []
    if actual.partitions != spec.partitions:
        drifts.append(
            Drift(
                spec.name,
                "partitions",
                str(spec.partitions),
                str(actual.partitions),
                fixable=actual.partitions < spec.partitions,
            )
        )
    if actual.replication_factor != spec.replication_factor:
        drifts.append(
            Drift(
                spec.name,
                "replication.factor",
                str(spec.replication_factor),
                str(actual.replication_factor),
                fixable=False,
            )
        )
    for key, expected in sorted(spec.configs.items()):
        value = actual.configs.get(key)
        if value != expected:
            drifts.append(Drift(spec.name, key, expected, str(value), fixable=True))
    return drifts
