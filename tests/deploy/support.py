"""What the deployment tests share: reading manifests, mapping a `bcx` command to its settings models, and
walking those models the way pydantic-settings reads ``BCX_<SECTION>__<FIELD>`` variables. Pure helpers."""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
BASE = K8S / "base"
SECRETS = K8S / "secrets"
OVERLAY = K8S / "overlays" / "example"
MONITORING = ROOT / "deploy" / "monitoring"
COMPOSE = ROOT / "docker-compose.yml"

Manifest = dict[str, Any]


def load_documents(path: Path) -> list[Manifest]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]


def kustomization_files(directory: Path) -> list[Path]:
    """The resource files a kustomization lists, following directory resources (no generators)."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text(encoding="utf-8"))
    files: list[Path] = []
    for entry in kustomization.get("resources", []):
        target = (directory / entry).resolve()
        files.extend(kustomization_files(target) if target.is_dir() else [target])
    return files


def manifests(directory: Path) -> list[Manifest]:
    return [doc for path in kustomization_files(directory) for doc in load_documents(path)]


def by_kind(docs: list[Manifest], kind: str) -> dict[str, Manifest]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def pod_spec(workload: Manifest) -> Manifest:
    if workload["kind"] == "CronJob":
        spec: Manifest = workload["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        return spec
    template: Manifest = workload["spec"]["template"]["spec"]
    return template


@dataclass(frozen=True)
class Container:
    """One container of a workload with its environment resolved from ConfigMaps and Secret templates."""

    workload: str
    name: str
    argv: list[str]
    env: dict[str, str]
    ports: dict[str, int]
    spec: Manifest = field(repr=False)
    pod: Manifest = field(repr=False)

    @property
    def id(self) -> str:
        return f"{self.workload}/{self.name}"


def data_of(
    config_maps: Mapping[str, Manifest], secrets: Mapping[str, Manifest]
) -> dict[str, dict[str, str]]:
    """``configmap/<name>`` and ``secret/<name>`` → their keys and (placeholder) values."""
    found: dict[str, dict[str, str]] = {}
    for name, doc in config_maps.items():
        found[f"configmap/{name}"] = {k: str(v) for k, v in doc.get("data", {}).items()}
    for name, doc in secrets.items():
        found[f"secret/{name}"] = {k: str(v) for k, v in doc.get("stringData", {}).items()}
    return found


def k8s_containers(docs: list[Manifest], sources: dict[str, dict[str, str]]) -> list[Container]:
    """Every container and init container of the Deployments, Jobs and CronJobs in ``docs``."""
    found: list[Container] = []
    for doc in docs:
        if doc["kind"] not in ("Deployment", "Job", "CronJob"):
            continue
        pod = pod_spec(doc)
        for spec in [*pod.get("initContainers", []), *pod["containers"]]:
            env: dict[str, str] = {}
            for ref in spec.get("envFrom", []):
                kind, body = next((k, v) for k, v in ref.items() if k.endswith("Ref"))
                key = ("configmap/" if kind == "configMapRef" else "secret/") + body["name"]
                if key not in sources:
                    assert body.get("optional"), f"{doc['metadata']['name']}: {key} does not exist"
                env.update(sources.get(key, {}))
            for var in spec.get("env", []):
                env[var["name"]] = str(var["value"]) if "value" in var else "from-field-ref"
            ports = {p["name"]: int(p["containerPort"]) for p in spec.get("ports", []) if "name" in p}
            argv = [*spec.get("command", []), *spec.get("args", [])]
            found.append(Container(doc["metadata"]["name"], spec["name"], argv, env, ports, spec, pod))
    return found


def use_case_settings(use_case: str) -> list[type[BaseSettings]]:
    """The flow's own settings models, as its declaration names them."""
    from consumers.registry import flow_named

    return list(flow_named(use_case).settings)


def settings_models(argv: list[str]) -> list[type[BaseSettings]]:
    """The settings models the process started by ``bcx <argv>`` loads from the environment."""
    from bcx.hooks.settings import HooksSettings
    from bcx_app.cli.common import AdminSettings
    from bcx_app.cli.marketing_io import MarketingCliSettings
    from bcx_app.cli.reconcile_cmd import ReconcileSettings
    from bcx_app.cli.statements_cmd import PlanSettings
    from bcx_app.cli.sweep_cmd import SweepSettings
    from consumers.document_index.settings import IndexSettings
    from consumers.runtime.settings import ConsumeSettings
    from producers.enricher.settings import EnricherSettings
    from producers.webhook_bridge.settings import BridgeSettings

    command = argv[0]
    fixed: dict[str, list[type[BaseSettings]]] = {
        "bridge": [BridgeSettings],
        "enrich": [EnricherSettings],
        "hooks": [HooksSettings],
        "topics": [AdminSettings],
        "schemas": [AdminSettings],
        "dlq": [AdminSettings],
        "reconcile": [ReconcileSettings],
        "index": [IndexSettings],
        "statements": [PlanSettings],
        "sim": [],  # simulators take command-line options only
    }
    if command == "sweep":  # the delayed-orders sweep reads BigCommerce; the retention sweeps, the profiles
        return [SweepSettings] if argv[1] == "delayed-orders" else [MarketingCliSettings]
    if command == "consume":
        return [ConsumeSettings, *use_case_settings(argv[1])]
    return fixed[command]


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _nested_model(arg)
            if found is not None:
                return found
    return None


def _walk(model: type[BaseModel], parts: list[str]) -> bool:
    info = model.model_fields.get(parts[0])
    if info is None:
        return False
    if len(parts) == 1:
        return True
    nested = _nested_model(info.annotation)
    return nested is not None and _walk(nested, parts[1:])


def env_var_maps_to_field(variable: str, models: list[type[BaseSettings]]) -> bool:
    """``BCX_A__B`` names field ``a`` then ``b`` of one of ``models`` (case-insensitive, as bcx reads)."""
    if not variable.upper().startswith("BCX_"):
        return True  # not ours (PYTHON*, TZ, …)
    parts = variable[len("BCX_") :].lower().split("__")
    return any(_walk(model, parts) for model in models)


def bcx_variables(env: Mapping[str, str]) -> Iterator[str]:
    return (name for name in env if name.upper().startswith("BCX_"))
