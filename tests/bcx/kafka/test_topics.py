"""The topic catalogue: expansion and drift are pure; apply is checked against the real broker."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml
from confluent_kafka.admin import AdminClient

from bcx.errors import ConfigurationError
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import ActualTopic, TopicSpec, diff, expand, group_topic, load_catalogue
from bcx.settings import KafkaSettings
from bcx_app.cli.main import main


class TestCatalogue:
    def test_project_catalogue_expands(self) -> None:
        """deploy/topics.yaml names the design's topics plus dlq/retry/ledger topics per group."""
        specs = {s.name: s for s in expand(load_catalogue(), replication_factor=3, min_insync_replicas=2)}
        for name in ("bigcommerce.webhooks.v1", "commerce.orders.v1", "documents.results.v1"):
            assert name in specs
        ledger = specs[group_topic("bcx-order-documents", "ledger")]
        assert ledger.configs["cleanup.policy"] == "compact"
        assert specs["documents.results.v1"].configs["min.insync.replicas"] == "2"
        assert specs["documents.results.v1"].replication_factor == 3

    def test_min_isr_never_exceeds_replication(self) -> None:
        """On a one-broker cluster min.insync.replicas is capped at 1, or no write could succeed."""
        specs = expand(load_catalogue(), replication_factor=1, min_insync_replicas=2)
        assert {s.configs["min.insync.replicas"] for s in specs} == {"1"}

    def test_invalid_catalogue_is_refused(self, tmp_path: Path) -> None:
        """An unknown key in the catalogue is an error naming the file."""
        path = tmp_path / "topics.yaml"
        path.write_text(
            yaml.safe_dump({"defaults": {"partitions": 1}, "topics": [{"name": "a", "partitons": 3}]})
        )
        with pytest.raises(ConfigurationError, match=str(path)):
            load_catalogue(path)


class TestDiff:
    SPEC = TopicSpec("t", 6, 3, {"retention.ms": "1000", "cleanup.policy": "delete"})

    def test_no_drift(self) -> None:
        """A topic as specified has no drift."""
        actual = ActualTopic("t", 6, 3, {"retention.ms": "1000", "cleanup.policy": "delete", "other": "x"})
        assert diff(self.SPEC, actual) == []

    def test_each_kind_of_drift(self) -> None:
        """Fewer partitions is fixable, more is not; replication is not; configs are."""
        actual = ActualTopic("t", 4, 1, {"retention.ms": "5", "cleanup.policy": "delete"})
        drifts = {d.what: d for d in diff(self.SPEC, actual)}
        assert drifts["partitions"].fixable
        assert not drifts["replication.factor"].fixable
        assert drifts["retention.ms"].fixable
        assert drifts["retention.ms"].actual == "5"
        shrunk = diff(self.SPEC, ActualTopic("t", 8, 3, {"retention.ms": "1000", "cleanup.policy": "delete"}))
        assert [(d.what, d.fixable) for d in shrunk] == [("partitions", False)]


@pytest.mark.integration
class TestApply:
    def test_create_then_verify_then_fix(self, kafka_settings: KafkaSettings) -> None:
        """apply creates once, is a no-op the second time, reports drift, and --fix repairs it."""
        name = f"apply-{uuid.uuid4().hex[:8]}.v1"
        spec = TopicSpec(name, 2, 1, {"retention.ms": "86400000", "cleanup.policy": "delete"})
        admin = TopicAdmin(kafka_settings.client_config())

        first = admin.apply([spec])
        second = admin.apply([spec])
        assert (first.created, second.created, second.unchanged) == ([name], [], [name])

        wanted = TopicSpec(name, 4, 1, {"retention.ms": "3600000", "cleanup.policy": "delete"})
        report = admin.apply([wanted])
        assert {d.what for d in report.drift} == {"partitions", "retention.ms"}
        assert not report.clean

        fixed = admin.apply([wanted], fix=True)
        assert {d.what for d in fixed.fixed} == {"partitions", "retention.ms"}
        assert fixed.clean
        actual = admin.describe([name])[name]
        assert actual.partitions == 4
        assert actual.configs["retention.ms"] == "3600000"


def one_topic_catalogue(folder: Path) -> tuple[Path, str]:
    name = f"local-{uuid.uuid4().hex[:8]}.v1"
    path = folder / "topics.yaml"
    path.write_text(yaml.safe_dump({"defaults": {"partitions": 1}, "topics": [{"name": name}]}))
    return path, name


@pytest.mark.integration
class TestApplyOnASingleBroker:
    """The shared test broker and `bcx local up` are single-node clusters."""

    def test_production_defaults_are_refused_with_the_local_profile_named(
        self,
        kafka_settings: KafkaSettings,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Replication factor 3 on a one-broker cluster exits 2 before creating anything, saying how many
        brokers there are and that `--local` is the single-broker profile."""
        monkeypatch.setenv("BCX_KAFKA__BOOTSTRAP_SERVERS", kafka_settings.bootstrap_servers)
        catalogue, name = one_topic_catalogue(tmp_path)
        admin = TopicAdmin(kafka_settings.client_config())
        assert admin.broker_count() == 1
        assert main(["topics", "apply", "--catalogue", str(catalogue)]) == 2
        err = capsys.readouterr().err
        assert "the cluster has 1 broker; replication factor 3 needs at least 3" in err
        assert "bcx topics apply --local" in err
        assert name not in admin.existing()

    def test_local_profile_creates_single_replica_topics(
        self,
        kafka_settings: KafkaSettings,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """`--local` creates the topics with replication factor 1 and min.insync.replicas 1, then is clean."""
        monkeypatch.setenv("BCX_KAFKA__BOOTSTRAP_SERVERS", kafka_settings.bootstrap_servers)
        catalogue, name = one_topic_catalogue(tmp_path)
        admin = TopicAdmin(kafka_settings.client_config())
        try:
            assert main(["topics", "apply", "--local", "--catalogue", str(catalogue)]) == 0
            assert f"created    {name}" in capsys.readouterr().out
            actual = admin.describe([name])[name]
            assert (actual.replication_factor, actual.configs["min.insync.replicas"]) == (1, "1")
            assert main(["topics", "apply", "--local", "--catalogue", str(catalogue)]) == 0
        finally:
            cleaner = AdminClient(kafka_settings.client_config())
            cleaner.delete_topics([name])[name].result(30)
