"""Fixtures shared by every test: real Kafka and a real schema registry for integration tests.

The broker and registry start once per test session (see ``tests/support/infra.py`` for where they come
from); each test gets fresh, uniquely named topics so tests cannot see each other's records.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import structlog
from confluent_kafka.schema_registry import SchemaRegistryClient

from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec
from bcx.settings import KafkaSettings, RegistrySettings
from tests.support.infra import Infra, infrastructure
from tests.support.postgres import postgres

NewTopic = Callable[..., str]


@pytest.fixture(scope="session")
def infra(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infra]:
    """A running Kafka broker and Apicurio registry for the whole session; their versions go to the log."""
    with infrastructure(tmp_path_factory.mktemp("infra")) as running:
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        if reporter is not None and capture is not None:
            # fixture setup runs under fd capture, which would swallow the line; this one belongs in the log
            with capture.global_and_fixture_disabled():
                reporter.write_line(f"\n[bcx] integration infrastructure: {running.description}")
        yield running


@pytest.fixture(scope="session")
def postgres_dsn(request: pytest.FixtureRequest) -> Iterator[str]:
    """A real PostgreSQL for the whole session (``BCX_TEST_POSTGRES_DSN`` or started here); its version
    goes to the log."""
    with postgres() as (dsn, description):
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        if reporter is not None and capture is not None:
            with capture.global_and_fixture_disabled():
                reporter.write_line(f"\n[bcx] PostgreSQL: {description}")
        yield dsn


@pytest.fixture
def index_dsn(postgres_dsn: str) -> Iterator[str]:
    """A DSN whose ``search_path`` is a fresh schema, migrated: each test sees only its own index rows."""
    import psycopg

    from consumers.document_index.migrate import migrate

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in postgres_dsn else "?"
    dsn = f"{postgres_dsn}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(dsn) as conn:
        migrate(conn)
    yield dsn
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def kafka_settings(infra: Infra) -> KafkaSettings:
    return KafkaSettings(bootstrap_servers=infra.bootstrap_servers, client_id="bcx-test")


@pytest.fixture
def registry_settings(infra: Infra) -> RegistrySettings:
    return RegistrySettings(url=infra.registry_url)


@pytest.fixture
def registry(registry_settings: RegistrySettings) -> Iterator[Any]:
    """A client of the real registry (confluent-kafka's; typed Any, its registry client is untyped)."""
    client = SchemaRegistryClient(registry_settings.client_config())
    yield client
    client.close()


@pytest.fixture
def mock_registry() -> Any:
    """confluent-kafka's in-memory registry, injected for unit tests that need no server."""
    return SchemaRegistryClient.new_client({"url": "mock://bcx-tests"})


@pytest.fixture
def new_topic(kafka_settings: KafkaSettings) -> NewTopic:
    """Create a uniquely named topic (``partitions`` and ``configs`` optional) and return its name."""
    admin = TopicAdmin(kafka_settings.client_config())

    def create(base: str = "t", partitions: int = 1, configs: dict[str, str] | None = None) -> str:
        name = f"{base}.{uuid.uuid4().hex[:10]}"
        admin.create([TopicSpec(name, partitions, 1, configs or {})])
        return name

    return create


@pytest.fixture(autouse=True)
def _reset_structlog() -> Iterator[None]:
    """Each test starts from structlog's defaults, whatever an earlier test configured."""
    yield
    structlog.reset_defaults()
