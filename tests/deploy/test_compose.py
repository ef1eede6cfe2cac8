"""docker-compose.yml: valid per the Compose specification, and in step with bcx's settings and pins."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import jsonschema
import pytest
import yaml

from bcx.cli.main import build_parser, command_names
from bcx.local.fetch import pinned_versions
from bcx.local.paths import LocalPaths
from bcx.settings import KafkaSettings, RegistrySettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_SCHEMA = ROOT.parent / "shared" / "reference" / "compose" / "compose-spec.json"


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
    @pytest.mark.skipif(not COMPOSE_SCHEMA.is_file(), reason="the Compose spec is in ../shared/reference")
    def test_valid_against_the_compose_spec(self, compose: dict[str, Any]) -> None:
        """The file validates against compose-spec/compose-spec's JSON schema."""
        schema = json.loads(COMPOSE_SCHEMA.read_text())
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
            if service.get("image", "").startswith("bcx:"):
                command = service["command"]
                words = command[-1].split() if command[0] == "sh" else command
                invoked = [words[i + 1] for i, w in enumerate(words[:-1]) if w == "bcx"] or [words[0]]
                assert set(invoked) <= commands, f"{name} runs an unknown bcx command: {invoked}"

    @pytest.mark.skipif(not COMPOSE_SCHEMA.is_file(), reason="the Compose spec is in ../shared/reference")
    def test_the_spec_check_catches_mistakes(self) -> None:
        """A misspelt service key is reported, so the validity test above has teeth."""
        schema = json.loads(COMPOSE_SCHEMA.read_text())
        broken = {"services": {"kafka": {"imagee": "apache/kafka:4.1.1"}}}
        assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))
