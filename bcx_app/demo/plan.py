"""What the demo runs: each process's command line, environment and readiness URL. Pure."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bcx.manifest import ConsumerProcess, Flow

DEMO_STORE = "demostore"
DEMO_ACCESS_TOKEN = "demo-access-token"  # noqa: S105 - the simulator's dev token, local only
DEMO_SHARED_SECRET = "demo-shared-secret"  # noqa: S105 - local only; printed nowhere
DEMO_CLIENT_SECRET = "demo-app-client-secret"  # noqa: S105 - local only
EXSTREAM_CLIENT = ("bcx", "bcx-demo-secret")
SECRET_HEADER = "X-Bcx-Webhook-Secret"  # noqa: S105 - a header name
DEMO_RETURN_ADDRESS = {
    "name": "Returns department",
    "company": "bcx demo store",
    "street_1": "1 Warehouse Way",
    "city": "Austin",
    "state": "Texas",
    "zip": "78701",
    "country_iso2": "US",
}
DEMO_RETURNS_TOKEN = "demo-returns-service-token"  # noqa: S105 - local only; the returns intake's client


@dataclass(frozen=True)
class Ports:
    bigcommerce: int
    exstream: int
    bridge: int
    #: consumer process name → its /readyz and /metrics port
    health: Mapping[str, int]


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: list[str]
    env: dict[str, str]
    ready_url: str


@dataclass(frozen=True)
class DemoPlan:
    workdir: Path
    ports: Ports
    bootstrap_servers: str
    registry_url: str
    orders: int
    seed: int
    processes: list[ProcessSpec] = field(default_factory=list)

    @property
    def bridge_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.bridge}/webhooks/bigcommerce"

    @property
    def returns_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.bridge}/returns/v1"

    @property
    def bigcommerce_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.bigcommerce}"

    @property
    def documents_dir(self) -> Path:
        return self.workdir / "documents"

    @property
    def outbox_dir(self) -> Path:
        return self.workdir / "outbox"

    @property
    def logs_dir(self) -> Path:
        return self.workdir / "logs"


def _bcx(*args: str) -> list[str]:
    return [sys.executable, "-m", "bcx_app.cli.main", *args]


def build_plan(
    *,
    workdir: Path,
    ports: Ports,
    bootstrap_servers: str,
    registry_url: str,
    orders: int,
    seed: int,
    consumers: Sequence[ConsumerProcess],
    rate_limit: int = 450,
    rate_window_ms: int = 30000,
    index_dsn: str = "postgresql://bcx@127.0.0.1:15432/bcx",
) -> DemoPlan:
    """Every process the demo starts, in start order, with the settings that connect them: the simulators,
    the bridge, then ``consumers`` (the declared enricher and built flows) each on its health port."""
    common = {
        "BCX_KAFKA__BOOTSTRAP_SERVERS": bootstrap_servers,
        "BCX_REGISTRY__URL": registry_url,
        "BCX_LOG__FORMAT": "json",
    }
    bigcommerce = {
        **common,
        "BCX_BIGCOMMERCE__API_BASE_URL": f"http://127.0.0.1:{ports.bigcommerce}",
        "BCX_BIGCOMMERCE__B2B_BASE_URL": f"http://127.0.0.1:{ports.bigcommerce}",
        "BCX_BIGCOMMERCE__STORES": json.dumps(
            [{"store_hash": DEMO_STORE, "access_token": DEMO_ACCESS_TOKEN}]
        ),
    }
    exstream_base = f"http://127.0.0.1:{ports.exstream}"
    stores = {
        DEMO_STORE: {
            "secret_header": SECRET_HEADER,
            "secret": DEMO_SHARED_SECRET,
            "client_secret": DEMO_CLIENT_SECRET,
            "require_signature": True,
        }
    }
    processes = [
        ProcessSpec(
            "bigcommerce-sim",
            _bcx(
                "sim",
                "bigcommerce",
                "--port",
                str(ports.bigcommerce),
                "--seed",
                str(seed),
                "--orders",
                str(orders),
                "--store-hash",
                DEMO_STORE,
                "--access-token",
                DEMO_ACCESS_TOKEN,
                "--rate-limit",
                str(rate_limit),
                "--rate-window-ms",
                str(rate_window_ms),
            ),
            dict(common),
            f"http://127.0.0.1:{ports.bigcommerce}/_sim/health",
        ),
        ProcessSpec(
            "exstream-sim",
            _bcx(
                "sim",
                "exstream",
                "--port",
                str(ports.exstream),
                "--seed",
                str(seed),
                "--outbox",
                str(workdir / "outbox"),
                "--latency",
                "lognormal",
                "--latency-ms",
                "120",
                "--client",
                ":".join(EXSTREAM_CLIENT),
            ),
            dict(common),
            f"{exstream_base}/_sim/health",
        ),
        ProcessSpec(
            "bridge",
            _bcx("bridge", "--port", str(ports.bridge)),
            {
                **common,
                "BCX_BRIDGE__STORES": json.dumps(stores),
                "BCX_BRIDGE__RETURNS_CLIENTS": json.dumps(
                    {"demo-returns": {"token": DEMO_RETURNS_TOKEN, "stores": [DEMO_STORE]}}
                ),
            },
            f"http://127.0.0.1:{ports.bridge}/readyz",
        ),
    ]
    documents = {
        "BCX_EXSTREAM__BASE_URL": exstream_base,
        "BCX_EXSTREAM__TOKEN_URL": f"{exstream_base}/otdsws/oauth2/token",
        "BCX_EXSTREAM__CLIENT_ID": EXSTREAM_CLIENT[0],
        "BCX_EXSTREAM__CLIENT_SECRET": EXSTREAM_CLIENT[1],
        "BCX_OUTPUT_STORAGE__ROOT": str(workdir / "documents"),
        # the catalogs flow's print-run manifest rows (bcx campaigns manifest joins them)
        "BCX_MARKETING__OUTPUT_DIR": str(workdir / "campaigns"),
    }
    # the demo store's warehouse: the returns flow has no default return address (a label must not send
    # real parcels to a made-up one), so the demo names one
    flow_env = {"returns": {"BCX_RETURNS__RETURN_ADDRESS": json.dumps(DEMO_RETURN_ADDRESS)}}
    for process in consumers:
        port = ports.health[process.name]
        extra = {**documents, **flow_env.get(process.name, {})} if isinstance(process, Flow) else {}
        if process.name == "document-index":
            extra = {"BCX_INDEX__DSN": index_dsn}
        if process.name == "policy-publisher":  # the demo store's catalogue (bcx_app.demo.policies)
            extra = {**extra, "BCX_POLICY_PUBLISHER__CATALOGUE_PATH": str(workdir / "policies.yaml")}
        processes.append(
            ProcessSpec(
                process.name,
                _bcx(*process.argv),
                {**bigcommerce, "BCX_METRICS__PORT": str(port), **extra},
                f"http://127.0.0.1:{port}/readyz",
            )
        )
    return DemoPlan(workdir, ports, bootstrap_servers, registry_url, orders, seed, processes)


#: the simulator's generated B2B history ends on 2025-12-31: the demo's statement run is for that month
DEMO_STATEMENT_PERIOD = "2025-12"


def statement_run(plan: DemoPlan, period: str = DEMO_STATEMENT_PERIOD) -> tuple[list[str], dict[str, str]]:
    """``bcx statements plan`` for the demo store (command, environment): one request per approved
    company, which the account-statements consumer turns into statements, summaries and aging notices."""
    env = {
        "BCX_KAFKA__BOOTSTRAP_SERVERS": plan.bootstrap_servers,
        "BCX_REGISTRY__URL": plan.registry_url,
        "BCX_LOG__FORMAT": "json",
        "BCX_BIGCOMMERCE__API_BASE_URL": f"http://127.0.0.1:{plan.ports.bigcommerce}",
        "BCX_BIGCOMMERCE__B2B_BASE_URL": f"http://127.0.0.1:{plan.ports.bigcommerce}",
        "BCX_BIGCOMMERCE__STORES": json.dumps(
            [{"store_hash": DEMO_STORE, "access_token": DEMO_ACCESS_TOKEN}]
        ),
    }
    command = _bcx("statements", "plan", "--period", period, "--store", DEMO_STORE, "--requested-by", "demo")
    return command, env
