"""docker-compose.yml: valid per the Compose specification, and in step with bcx's settings and pins."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import jsonschema
import pytest
import yaml

from bcx.local.fetch import pinned_versions
from bcx.local.paths import LocalPaths
from bcx.settings import KafkaSettings, RegistrySettings, load_settings
from bcx_app.cli.main import build_parser, command_names
from tests.deploy.support import bcx_variables, env_var_maps_to_field, settings_models
from tests.support.required import reference

ROOT = Path(__file__).resolve().parents[2]


def compose_schema() -> Any:
    """The Compose specification's JSON schema from the reference specs (skips without them, not in CI)."""
    return json.loads(reference("compose", "compose-spec.json").read_text())


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return document


def host_ports(service: dict[str, Any]) -> dict[int, int]:
    """host port → container port for each `ip:host:container` mapping."""
    mapping: dict[int, int] = {}
    for entry in service.get("ports", []):
        parts = str(entry).split(":")
        mapping[int(parts[-2])] = int(parts[-1])
    return mapping


class TestComposeFile:
    def test_valid_against_the_compose_spec(self, compose: dict[str, Any]) -> None:
        """The file validates against compose-spec/compose-spec's JSON schema."""
        schema = compose_schema()
        # the spec declares draft-07 by a URL jsonschema does not recognise; name the validator explicitly
        validator = jsonschema.Draft7Validator(schema)
        errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)

    def test_images_match_the_pinned_versions(self, compose: dict[str, Any]) -> None:
        """Docker users run the same Kafka and Apicurio versions as `bcx local` (deploy/local/pom.xml)."""
        versions = pinned_versions(LocalPaths())
        services = compose["services"]
        assert services["kafka"]["image"] == f"apache/kafka:{versions.kafka}"
        assert services["registry"]["image"] == f"apicurio/apicurio-registry:{versions.apicurio}"

    def test_host_ports_are_bcx_defaults(self, compose: dict[str, Any]) -> None:
        """The host ports are where bcx's default settings look, so no configuration is needed."""
        kafka_port = int(KafkaSettings().bootstrap_servers.rsplit(":", 1)[1])
        registry_port = urlparse(RegistrySettings().url).port
        services = compose["services"]
        assert kafka_port in host_ports(services["kafka"])
        assert registry_port in host_ports(services["registry"])
        advertised = services["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"]
        assert f"127.0.0.1:{kafka_port}" in advertised

    def test_in_network_addresses_are_consistent(self, compose: dict[str, Any]) -> None:
        """bcx services reach Kafka and the registry at listeners and ports those containers expose."""
        env = compose["x-bcx-env"]
        kafka_host, kafka_port = env["BCX_KAFKA__BOOTSTRAP_SERVERS"].split(":")
        assert kafka_host == "kafka"
        assert (
            f"kafka:{kafka_port}" in compose["services"]["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"]
        )
        registry = urlparse(env["BCX_REGISTRY__URL"])
        assert registry.hostname == "registry"
        assert registry.port in host_ports(compose["services"]["registry"]).values()
        assert registry.path == urlparse(RegistrySettings().url).path

    def test_every_bcx_service_uses_the_bcx_image_and_a_known_command(self, compose: dict[str, Any]) -> None:
        """Services built from the Dockerfile run `bcx` commands that exist in the CLI."""
        commands = command_names(build_parser())
        for name, service in compose["services"].items():
            if service.get("image", "").startswith(BCX_IMAGES):
                command = service["command"]
                words = command[-1].split() if command[0] == "sh" else command
                invoked = [words[i + 1] for i, w in enumerate(words[:-1]) if w == "bcx"] or [words[0]]
                assert set(invoked) <= commands, f"{name} runs an unknown bcx command: {invoked}"

    def test_the_spec_check_catches_mistakes(self) -> None:
        """A misspelt service key is reported, so the validity test above has teeth."""
        schema = compose_schema()
        broken = {"services": {"kafka": {"imagee": "apache/kafka:4.1.1"}}}
        assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))


#: the Dockerfile's production image and its `sim` target (the simulators)
BCX_IMAGES = ("bcx:", "bcx-sim:")


def bcx_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n: s for n, s in compose["services"].items() if str(s.get("image", "")).startswith(BCX_IMAGES)}


def command_lines(service: dict[str, Any]) -> list[list[str]]:
    """The `bcx` argument lists a service runs (``sh -c "bcx a && bcx b"`` gives two)."""
    command = service["command"]
    if command[0] != "sh":
        return [list(command)]
    return [part.split()[1:] for part in command[-1].split("&&")]


def health_url(service: dict[str, Any]) -> str:
    return str(service["healthcheck"]["test"][-1])


class TestBcxServices:
    def test_the_pipeline_services_exist(self, compose: dict[str, Any]) -> None:
        """The bcx profile runs both simulators, the bridge, the enricher and the order-documents consumer."""
        runs = {" ".join(command_lines(s)[0][:2]) for s in bcx_services(compose).values()}
        wanted = {"sim bigcommerce", "sim exstream", "bridge", "enrich", "consume order-documents"}
        assert wanted <= runs

    def test_services_are_built_under_the_profile_after_init(self, compose: dict[str, Any]) -> None:
        """Each bcx service uses the Dockerfile's production image, simulators its `sim` target (the
        production image has no simulators); all but init run only with --profile bcx, after init."""
        for name, service in bcx_services(compose).items():
            if command_lines(service)[0][0] == "sim":
                assert service["image"] == "bcx-sim:local"
                assert service["build"] == {"context": ".", "target": "sim"}
            else:
                assert service["image"] == "bcx:local"
                assert service["build"] == "."
            if name != "init":
                assert service["profiles"] == ["bcx"]
                assert service["depends_on"]["init"] == {"condition": "service_completed_successfully"}

    def test_plain_up_creates_topics_and_schemas(self, compose: dict[str, Any]) -> None:
        """`docker compose up -d` (no profile) starts Kafka, the registry, the index's PostgreSQL and init,
        which waits for Kafka and the registry to be healthy, applies the topics with the single-broker
        profile and registers the schemas."""
        default = {name for name, service in compose["services"].items() if not service.get("profiles")}
        assert default == {"kafka", "registry", "postgres", "init"}
        init = compose["services"]["init"]
        assert init["depends_on"] == {
            "kafka": {"condition": "service_healthy"},
            "registry": {"condition": "service_healthy"},
        }
        assert init.get("restart") == "no"
        lines = command_lines(init)
        assert [argv[:2] for argv in lines] == [["topics", "apply"], ["schemas", "check"]]
        topics = build_parser().parse_args(lines[0])
        assert topics.local, "one broker: the topics need the --local profile (replication factor 1)"
        assert topics.catalogue.as_posix() == "/app/deploy/topics.yaml"

    def test_header_describes_what_plain_up_does(self) -> None:
        """The file's header says plain `up` applies topics and schemas, which the test above holds it to."""
        header = (ROOT / "docker-compose.yml").read_text().split("\nname:", 1)[0]
        assert "docker compose up -d" in header
        assert "creates the topics and registers the schemas" in " ".join(header.replace("#", " ").split())

    def test_every_command_parses(self, compose: dict[str, Any]) -> None:
        """Every `bcx` command line in the file is accepted by the CLI's parser."""
        parser = build_parser()
        for service in bcx_services(compose).values():
            for argv in command_lines(service):
                parser.parse_args(argv)

    def test_every_variable_is_a_settings_field(self, compose: dict[str, Any]) -> None:
        """Each BCX_* variable a service sets names a field of its process's settings; simulators get none."""
        for name, service in bcx_services(compose).items():
            env = service.get("environment", {})
            for argv in command_lines(service):
                models = settings_models(argv)
                unknown = [v for v in bcx_variables(env) if not env_var_maps_to_field(v, models)]
                assert not unknown, f"{name} ({argv[0]}) sets variables its settings do not read: {unknown}"

    def test_settings_load_and_health_checks_hit_the_served_port(
        self, compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Servers load their settings from the service's environment, listen on 0.0.0.0, and the healthcheck
        asks /readyz on the port they serve (simulators: /_sim/health on their --port)."""
        for name, service in bcx_services(compose).items():
            if name == "init":
                continue
            argv = command_lines(service)[0]
            url = urlparse(health_url(service))
            if argv[0] == "sim":
                assert url.path == "/_sim/health"
                assert url.port == int(argv[argv.index("--port") + 1])
                assert argv[argv.index("--host") + 1] == "0.0.0.0"
                continue
            for variable in [v for v in os.environ if v.upper().startswith("BCX_")]:
                monkeypatch.delenv(variable)
            for variable, value in service["environment"].items():
                monkeypatch.setenv(variable, str(value))
            settings: Any = load_settings(settings_models(argv)[0])
            listen = settings.bridge if argv[0] == "bridge" else settings.metrics
            assert listen.host == "0.0.0.0"
            assert url.path == "/readyz"
            assert url.port == listen.port
            assert f"127.0.0.1:{listen.port}:{listen.port}" in service["ports"]

    def test_services_reach_the_simulators_where_they_listen(self, compose: dict[str, Any]) -> None:
        """BigCommerce and Exstream base URLs point at the simulator services and the ports they serve."""
        services = compose["services"]
        sim_ports = {
            name: int(command_lines(services[name])[0][command_lines(services[name])[0].index("--port") + 1])
            for name in ("bigcommerce-sim", "exstream-sim")
        }
        api = urlparse(services["enricher"]["environment"]["BCX_BIGCOMMERCE__API_BASE_URL"])
        assert (api.hostname, api.port) == ("bigcommerce-sim", sim_ports["bigcommerce-sim"])
        # order documents read the store and customer from the snapshots, never BigCommerce
        assert not any(k.startswith("BCX_BIGCOMMERCE__") for k in services["order-documents"]["environment"])
        exstream = urlparse(services["order-documents"]["environment"]["BCX_EXSTREAM__BASE_URL"])
        assert (exstream.hostname, exstream.port) == ("exstream-sim", sim_ports["exstream-sim"])
        client = services["order-documents"]["environment"]["BCX_EXSTREAM__CLIENT_ID"]
        secret = services["order-documents"]["environment"]["BCX_EXSTREAM__CLIENT_SECRET"]
        assert f"{client}:{secret}" in command_lines(services["exstream-sim"])[0]
