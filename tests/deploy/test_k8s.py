"""deploy/k8s: manifests run commands that exist, with settings the code reads, probed where it listens."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bcx.errors import ConfigurationError
from bcx.kafka.topics import expand, load_catalogue
from bcx.settings import load_settings
from bcx_app.cli.main import build_parser, command_names
from bcx_app.cli.processes import deployed
from consumers.registry import FLOWS
from producers.enricher.settings import EnricherSettings
from tests.deploy.support import (
    BASE,
    K8S,
    MONITORING,
    OVERLAY,
    ROOT,
    SECRETS,
    Container,
    Manifest,
    bcx_variables,
    by_kind,
    data_of,
    env_var_maps_to_field,
    k8s_containers,
    load_documents,
    manifests,
    pod_spec,
    settings_models,
)

DOCS = manifests(BASE)
SECRET_DOCS = manifests(SECRETS)
SOURCES = data_of(by_kind(DOCS, "ConfigMap"), by_kind(SECRET_DOCS, "Secret"))
CONTAINERS = k8s_containers(DOCS, SOURCES)
PARTITIONS = {
    spec.name: spec.partitions for spec in expand(load_catalogue(ROOT / "deploy" / "topics.yaml"), 3, 2)
}


def ids(containers: list[Container]) -> list[str]:
    return [c.id for c in containers]


SERVERS = [c for c in CONTAINERS if c.argv[0] in ("bridge", "enrich", "consume")]


@pytest.fixture
def container_env(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Replace the process environment's BCX_* variables with a container's; ``filled`` replaces the secret
    templates' REPLACE_ME as an operator would (the process refuses the placeholder itself)."""

    def apply(container: Container, *, filled: bool = True) -> None:
        import os

        for name in list(os.environ):
            if name.upper().startswith("BCX_"):
                monkeypatch.delenv(name)
        for name, value in container.env.items():
            monkeypatch.setenv(name, value.replace("REPLACE_ME", "filled0by0operator") if filled else value)

    return apply


class TestManifests:
    def test_every_yaml_file_parses(self) -> None:
        """Every YAML file under deploy/ parses and each document has a kind and a name."""
        templates = K8S / "templates"
        files = sorted(p for p in (ROOT / "deploy").rglob("*.yaml") if not p.is_relative_to(templates))
        assert len(files) > 10
        for path in files:
            for doc in load_documents(path):
                if path.name not in ("topics.yaml", "processes.yaml"):
                    assert doc.get("kind"), path
                    assert doc.get("metadata", {}).get("name") or doc["kind"] == "Kustomization", path

    def test_the_base_has_every_piece(self) -> None:
        """The base has the namespace, config, bridge pieces, consumers, init job, cron jobs and monitors."""
        kinds = {doc["kind"] for doc in DOCS}
        expected = "Namespace ConfigMap Deployment Service PodDisruptionBudget HorizontalPodAutoscaler"
        expected += " ScaledObject Job CronJob ServiceMonitor PodMonitor"
        assert kinds >= set(expected.split())

    def test_secret_templates_hold_placeholders_only(self) -> None:
        """Every credential in the Secret templates is REPLACE_ME, and the base ships no Secret at all."""
        assert not by_kind(DOCS, "Secret")
        for name, doc in by_kind(SECRET_DOCS, "Secret").items():
            for key, value in doc["stringData"].items():
                if re.search(r"SECRET|PASSWORD|TOKEN|USER|STORES|stores", key):
                    assert "REPLACE_ME" in value, f"{name}/{key} looks like a real value"

    def test_referenced_secrets_and_keys_exist(self) -> None:
        """Secret volumes and references name templates and keys that exist, so a filled template works."""
        secrets = by_kind(SECRET_DOCS, "Secret")
        for workload in [*by_kind(DOCS, "Deployment").values(), *by_kind(DOCS, "CronJob").values()]:
            for volume in pod_spec(workload).get("volumes", []):
                if "secret" in volume:
                    secret = secrets[volume["secret"]["secretName"]]
                    for item in volume["secret"].get("items", []):
                        assert item["key"] in secret["stringData"]

    @pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (with kustomize) is not installed")
    @pytest.mark.parametrize("directory", [BASE, OVERLAY, SECRETS, MONITORING], ids=lambda p: p.name)
    def test_kustomize_builds(self, directory: Path) -> None:
        """`kubectl kustomize` renders the base, the example overlay, the secret templates and monitoring."""
        result = subprocess.run(
            ["kubectl", "kustomize", str(directory)], capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, result.stderr
        assert "kind:" in result.stdout


class TestCommands:
    @pytest.mark.parametrize("container", CONTAINERS, ids=ids(CONTAINERS))
    def test_runs_a_bcx_command_that_parses(self, container: Container) -> None:
        """The container's arguments are a `bcx` command line the CLI accepts (the entrypoint is bcx)."""
        assert container.spec["image"] == "bcx", "images are set by kustomize `images:`"
        assert "command" not in container.spec, "the entrypoint is bcx; give arguments only"
        assert container.argv[0] in command_names(build_parser())
        build_parser().parse_args(container.argv)

    def test_one_deployment_per_use_case(self) -> None:
        """Every registered use case runs as its own Deployment, and no Deployment runs an unknown one."""
        consumed = [c.argv[1] for c in CONTAINERS if c.argv[0] == "consume"]
        assert sorted(consumed) == sorted(flow.name for flow in FLOWS)
        assert any(c.argv == ["enrich"] for c in CONTAINERS)

    def test_init_job_applies_topics_then_checks_schemas(self) -> None:
        """The init Job creates the topics from the catalogue the image ships, then registers the schemas."""
        job = by_kind(DOCS, "Job")["bcx-init"]
        pod = pod_spec(job)
        assert [c["args"][:2] for c in pod["initContainers"]] == [["topics", "apply"]]
        assert [c["args"] for c in pod["containers"]] == [["schemas", "check"]]
        catalogue = pod["initContainers"][0]["args"][
            pod["initContainers"][0]["args"].index("--catalogue") + 1
        ]
        assert f"COPY deploy/topics.yaml {catalogue}" in (ROOT / "Dockerfile").read_text()

    def test_sweeps_are_cron_jobs(self) -> None:
        """Each `bcx sweep` kind runs from its own CronJob, never two at once: no scheduler of our own."""
        from bcx_app.cli.sweep_cmd import MARKETING_SWEEPS

        sweeps = {n: d for n, d in by_kind(DOCS, "CronJob").items() if n.startswith("bcx-sweep-")}
        args = sorted(pod_spec(doc)["containers"][0]["args"][1] for doc in sweeps.values())
        assert args == sorted([*MARKETING_SWEEPS, "delayed-orders"])
        assert all(doc["spec"]["concurrencyPolicy"] == "Forbid" for doc in sweeps.values())

    def test_other_cron_jobs(self) -> None:
        """Hooks sync, hooks status and the statement plan run on schedules, never two at once."""
        cronjobs = {n: d for n, d in by_kind(DOCS, "CronJob").items() if not n.startswith("bcx-sweep-")}
        args = {name: pod_spec(doc)["containers"][0]["args"][:2] for name, doc in cronjobs.items()}
        assert args == {
            "bcx-hooks-sync": ["hooks", "sync"],
            "bcx-hooks-status": ["hooks", "status"],
            "bcx-statements-plan": ["statements", "plan"],
        }
        assert all(doc["spec"]["concurrencyPolicy"] == "Forbid" for doc in cronjobs.values())


class TestSettings:
    @pytest.mark.parametrize("container", CONTAINERS, ids=ids(CONTAINERS))
    def test_every_variable_is_a_settings_field(self, container: Container) -> None:
        """Each BCX_* variable a container gets names a field of its process's settings (typos fail here)."""
        models = settings_models(container.argv)
        unknown = [v for v in bcx_variables(container.env) if not env_var_maps_to_field(v, models)]
        assert not unknown, (
            f"{container.id} sets variables {[m.__name__ for m in models]} do not read: {unknown}"
        )

    @pytest.mark.parametrize("container", CONTAINERS, ids=ids(CONTAINERS))
    def test_settings_load_from_the_container_environment(
        self, container: Container, container_env: Any
    ) -> None:
        """The process's settings models validate with exactly the container's environment."""
        container_env(container)
        for model in settings_models(container.argv):
            load_settings(model)

    def test_unfilled_secret_templates_are_refused(self, container_env: Any) -> None:
        """A container started with the secret templates as shipped exits naming a REPLACE_ME variable."""
        container = next(c for c in CONTAINERS if c.argv[:2] == ["consume", "order-documents"])
        container_env(container, filled=False)
        consume_settings = settings_models(container.argv)[0]
        with pytest.raises(ConfigurationError, match="REPLACE_ME") as caught:
            load_settings(consume_settings)
        assert "BCX_EXSTREAM__CLIENT_SECRET" in str(caught.value)

    def test_the_walk_catches_mistakes(self) -> None:
        """A misspelt section or field is reported, so the variable test above has teeth."""
        models = settings_models(["consume", "order-documents"])
        assert env_var_maps_to_field("BCX_EXSTREAM__CLIENT_SECRET", models)
        assert env_var_maps_to_field("BCX_OUTPUT_STORAGE__S3__BUCKET", models)
        assert env_var_maps_to_field("BCX_ORDER_DOCUMENTS__RULES_PATH", models)
        assert not env_var_maps_to_field("BCX_EXSTREAM__CLIENTSECRET", models)
        assert not env_var_maps_to_field("BCX_BRIDGE__PORT", models)
        assert not env_var_maps_to_field("BCX_KAFKA__BOOTSTRAP_SERVERS__X", models)


class TestProbes:
    @pytest.mark.parametrize("container", SERVERS, ids=ids(SERVERS))
    def test_probes_hit_the_health_port_on_all_interfaces(
        self, container: Container, container_env: Any
    ) -> None:
        """Readiness is /readyz and liveness /livez on the port the process serves them, bound to 0.0.0.0."""
        container_env(container)
        settings: Any = load_settings(settings_models(container.argv)[0])
        listen = settings.bridge if container.argv[0] == "bridge" else settings.metrics
        assert listen.host == "0.0.0.0"
        expected = {"readinessProbe": "/readyz", "livenessProbe": "/livez", "startupProbe": "/livez"}
        assert "readinessProbe" in container.spec
        assert "livenessProbe" in container.spec
        for probe, path in expected.items():
            if probe in container.spec:
                http = container.spec[probe]["httpGet"]
                port = http["port"]
                assert (container.ports[port] if isinstance(port, str) else port) == listen.port
                assert http["path"] == path

    def test_index_api_probes_its_own_port_on_all_interfaces(self, container_env: Any) -> None:
        """`bcx index serve` listens on 0.0.0.0 at the port its probes hit: readiness /readyz (PostgreSQL
        answers), liveness /healthz (a database outage does not restart it); its Service targets that port."""
        [container] = [c for c in CONTAINERS if c.argv == ["index", "serve"]]
        container_env(container)
        settings: Any = load_settings(settings_models(container.argv)[0])
        assert settings.index.api_host == "0.0.0.0"
        for probe, path in {"readinessProbe": "/readyz", "livenessProbe": "/healthz"}.items():
            http = container.spec[probe]["httpGet"]
            assert container.ports[http["port"]] == settings.index.api_port
            assert http["path"] == path
        service = by_kind(DOCS, "Service")["bcx-index-api"]
        assert service["spec"]["ports"][0]["targetPort"] in container.ports
        labels = by_kind(DOCS, "Deployment")[container.workload]["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= labels.items()

    @pytest.mark.parametrize("container", SERVERS, ids=ids(SERVERS))
    def test_grace_period_outlasts_the_drain(self, container: Container, container_env: Any) -> None:
        """SIGKILL comes only after the process could drain: the bridge also waits out its preStop sleep."""
        container_env(container)
        settings: Any = load_settings(settings_models(container.argv)[0])
        grace = container.pod["terminationGracePeriodSeconds"]
        if container.argv[0] == "bridge":
            pre_stop = container.spec["lifecycle"]["preStop"]["exec"]["command"]
            assert pre_stop[0] == "sleep"
            # the drain and the producer flush are each bounded by shutdown_timeout_s
            assert grace > int(pre_stop[1]) + 2 * settings.bridge.shutdown_timeout_s
        else:
            assert grace > settings.consumer.shutdown_timeout_s


class TestHardening:
    @pytest.mark.parametrize("container", CONTAINERS, ids=ids(CONTAINERS))
    def test_non_root_read_only_no_privileges(self, container: Container) -> None:
        """Every pod runs non-root with a read-only root filesystem, no escalation, no capabilities."""
        pod_security = container.pod["securityContext"]
        assert pod_security["runAsNonRoot"] is True
        assert pod_security["runAsUser"] != 0
        security = container.spec["securityContext"]
        assert security["readOnlyRootFilesystem"] is True
        assert security["allowPrivilegeEscalation"] is False
        assert security["capabilities"]["drop"] == ["ALL"]
        assert container.pod["automountServiceAccountToken"] is False

    @pytest.mark.parametrize("container", CONTAINERS, ids=ids(CONTAINERS))
    def test_resources_are_bounded(self, container: Container) -> None:
        """Every container requests CPU and memory and has a memory limit."""
        resources = container.spec["resources"]
        assert {"cpu", "memory"} <= resources["requests"].keys()
        assert "memory" in resources["limits"]


class TestScaling:
    def test_bridge_runs_at_least_two_replicas(self) -> None:
        """The bridge starts and autoscales on CPU from two replicas, and a disruption leaves one up."""
        bridge = by_kind(DOCS, "Deployment")["bcx-bridge"]
        hpa = by_kind(DOCS, "HorizontalPodAutoscaler")["bcx-bridge"]
        assert bridge["spec"]["replicas"] >= 2
        assert hpa["spec"]["minReplicas"] >= 2
        assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
        assert by_kind(DOCS, "PodDisruptionBudget")["bcx-bridge"]["spec"]["minAvailable"] >= 1

    def test_every_workload_has_a_matching_disruption_budget(self) -> None:
        """Each Deployment's pods are covered by a PodDisruptionBudget with the same selector."""
        budgets = by_kind(DOCS, "PodDisruptionBudget")
        for name, deployment in by_kind(DOCS, "Deployment").items():
            assert budgets[name]["spec"]["selector"] == deployment["spec"]["selector"]

    @pytest.mark.parametrize("name", sorted(by_kind(DOCS, "ScaledObject")))
    def test_lag_autoscaling_never_exceeds_partitions(self, name: str) -> None:
        """KEDA scales each group on its own lag, to at most as many replicas as its topic has partitions."""
        scaled = by_kind(DOCS, "ScaledObject")[name]
        deployment: Manifest = by_kind(DOCS, "Deployment")[scaled["spec"]["scaleTargetRef"]["name"]]
        assert "replicas" not in deployment["spec"], "KEDA owns the replica count"
        argv = pod_spec(deployment)["containers"][0]["args"]
        trigger = scaled["spec"]["triggers"][0]
        assert trigger["type"] == "kafka"
        meta = trigger["metadata"]
        expected_group = next(p.group for p in deployed() if list(p.argv) == argv)
        assert meta["consumerGroup"] == expected_group
        if argv == ["enrich"]:
            assert meta["topic"] == EnricherSettings.model_fields["input_topic"].default
        assert scaled["spec"]["maxReplicaCount"] <= PARTITIONS[meta["topic"]]
        assert meta["bootstrapServersFromEnv"] == "BCX_KAFKA__BOOTSTRAP_SERVERS"
        assert meta["allowIdleConsumers"] == "false"

    @pytest.mark.parametrize("name", sorted(by_kind(DOCS, "ScaledObject")))
    def test_lag_autoscaling_also_sees_the_retry_topic(self, name: str) -> None:
        """Each group scales on its retry topic's lag as well, with the same group and connection."""
        triggers = by_kind(DOCS, "ScaledObject")[name]["spec"]["triggers"]
        group = triggers[0]["metadata"]["consumerGroup"]
        [retry] = [t for t in triggers if t["metadata"]["topic"] == f"{group}.retry.v1"]
        assert retry["type"] == "kafka"
        assert retry["metadata"]["consumerGroup"] == group
        assert {k: v for k, v in retry["metadata"].items() if k not in ("topic", "lagThreshold")} == {
            k: v for k, v in triggers[0]["metadata"].items() if k not in ("topic", "lagThreshold")
        }

    def test_every_consumer_group_is_in_the_topic_catalogue(self) -> None:
        """The groups deployed have their DLQ, retry and ledger topics in deploy/topics.yaml."""
        for scaled in by_kind(DOCS, "ScaledObject").values():
            group = scaled["spec"]["triggers"][0]["metadata"]["consumerGroup"]
            assert {f"{group}.dlq.v1", f"{group}.retry.v1", f"{group}.ledger.v1"} <= PARTITIONS.keys()


class TestScraping:
    def test_monitors_select_every_server(self) -> None:
        """The ServiceMonitor scrapes the bridge's port, the PodMonitor every consumer pod's health port."""
        service = by_kind(DOCS, "Service")["bcx-bridge"]
        monitor = by_kind(DOCS, "ServiceMonitor")["bcx-bridge"]
        assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
        assert monitor["spec"]["endpoints"][0]["port"] in {p["name"] for p in service["spec"]["ports"]}
        pods = by_kind(DOCS, "PodMonitor")["bcx-consumers"]
        port = pods["spec"]["podMetricsEndpoints"][0]["port"]
        for container in SERVERS:
            if container.argv[0] != "bridge":
                labels = by_kind(DOCS, "Deployment")[container.workload]["spec"]["template"]["metadata"][
                    "labels"
                ]
                assert pods["spec"]["selector"]["matchLabels"].items() <= labels.items()
                assert "bcx.io/consumer-group" in labels
                assert port in container.ports
