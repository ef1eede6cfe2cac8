"""``bcx policies`` against both simulators, the real broker and registry (settings from the environment)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bcx.avro.registry import registry_client
from bcx.settings import KafkaSettings, RegistrySettings
from bcx_app.cli.main import main
from consumers.policy_publisher.bus import PolicyBus
from consumers.policy_publisher.settings import PolicyPublisherConfig
from tests.consumers.policy_publisher.support import STORE, TOKEN, Sims, simulators

pytestmark = pytest.mark.integration
TERMS_COMM = "5f0c2d0e-7a43-4c55-9b1e-2a6f3f5d7c01"


@pytest.fixture
def env(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kafka_settings: KafkaSettings,
    registry_settings: RegistrySettings,
    new_topic: Callable[..., str],
) -> Iterator[tuple[Sims, PolicyPublisherConfig]]:
    config = PolicyPublisherConfig(
        documents_topic=new_topic("policy-documents", 1),
        publications_topic=new_topic("policy-publications", 1),
    )
    with simulators(tmp_path) as sims:
        variables = {
            "BCX_KAFKA__BOOTSTRAP_SERVERS": kafka_settings.bootstrap_servers,
            "BCX_REGISTRY__URL": registry_settings.url,
            "BCX_EXSTREAM__BASE_URL": sims.exstream.base_url,
            "BCX_EXSTREAM__TOKEN_URL": f"{sims.exstream.base_url}/otdsws/oauth2/token",
            "BCX_EXSTREAM__CLIENT_ID": "bcx",
            "BCX_EXSTREAM__CLIENT_SECRET": "bcx-secret",
            "BCX_BIGCOMMERCE__API_BASE_URL": sims.bigcommerce.base_url,
            "BCX_BIGCOMMERCE__B2B_BASE_URL": sims.bigcommerce.base_url,
            "BCX_BIGCOMMERCE__STORES": json.dumps([{"store_hash": STORE, "access_token": TOKEN}]),
            "BCX_POLICY_PUBLISHER__DOCUMENTS_TOPIC": config.documents_topic,
            "BCX_POLICY_PUBLISHER__PUBLICATIONS_TOPIC": config.publications_topic,
        }
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        yield sims, config


def recorded(
    kafka: KafkaSettings, registry: RegistrySettings, config: PolicyPublisherConfig
) -> tuple[int, list[str]]:
    client = registry_client(registry)
    try:
        history = PolicyBus(config, client, auto_register=False).load_history(kafka, 30)
    finally:
        client.close()
    actions = [
        p.action.value for d in (None,) for p in history.publications(f"{STORE}|-|-|terms-us|US|en-US")
    ]
    return len(history.documents()), actions


class TestPoliciesCommand:
    def test_dry_run_renders_and_compares_but_records_nothing(
        self,
        env: tuple[Sims, PolicyPublisherConfig],
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """--dry-run prints each rendering and what each target would get; no document is recorded."""
        sims, config = env
        assert main(["policies", "publish", "--dry-run", "--actor", "cli:test"]) == 0
        out = capsys.readouterr().out
        assert "rendered simstore1 terms-us v1 US/en-US" in out
        assert "dry run, not recorded" in out
        assert "page /terms-and-conditions/ on channel 1: will be written" in out
        assert recorded(kafka_settings, registry_settings, config) == (0, [])
        assert sims.writes() == 0

    def test_an_unapproved_policy_is_refused_with_exit_1_and_recorded(
        self,
        env: tuple[Sims, PolicyPublisherConfig],
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """A communication in REVIEW: REFUSED printed and recorded, nothing rendered; status shows nothing
        published; rollback without --policy is a usage error."""
        sims, config = env
        sims.set_state(TERMS_COMM, "REVIEW")
        assert main(["policies", "publish", "--policy", "terms-us", "--actor", "cli:test"]) == 1
        assert "REFUSED  simstore1 terms-us: communication" in capsys.readouterr().out
        assert recorded(kafka_settings, registry_settings, config) == (0, ["REFUSED"])
        assert main(["policies", "status", "--policy", "terms-us"]) == 0
        assert "not published" in capsys.readouterr().out
        assert main(["policies", "rollback"]) == 2
