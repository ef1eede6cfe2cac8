"""A bad setting, as an operator meets it: the real ``bcx`` in a subprocess exits 2 with one line that names
the variable, never its value, and no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SECRET = "hunter2-s3cret"
STORES = json.dumps({"abc123": {"secret": "long-random-shared-secret"}})
BIGCOMMERCE = json.dumps([{"store_hash": "abc123", "access_token": "a-real-token"}])
EXSTREAM = {
    "BCX_EXSTREAM__BASE_URL": "https://exstream.example.com",
    "BCX_EXSTREAM__TOKEN_URL": "https://otds.example.com/otdsws/oauth2/token",
    "BCX_EXSTREAM__CLIENT_ID": "bcx",
    "BCX_EXSTREAM__CLIENT_SECRET": "a-real-exstream-secret",
}


@dataclass(frozen=True)
class Case:
    id: str
    argv: list[str]
    env: dict[str, str]
    names: str
    value: str = SECRET
    base: dict[str, str] = field(default_factory=lambda: {"BCX_BRIDGE__STORES": STORES})


CASES = [
    Case(
        "bridge-stores-json",
        ["bridge"],
        {"BCX_BRIDGE__STORES": '{"abc123": {"secret": "' + SECRET},
        "BCX_BRIDGE__STORES",
        base={},
    ),
    Case(
        "bigcommerce-stores-json",
        ["enrich"],
        {"BCX_BIGCOMMERCE__STORES": '[{"store_hash": "abc123", "access_token": "' + SECRET},
        "BCX_BIGCOMMERCE__STORES",
        base={},
    ),
    Case("registry-url", ["bridge"], {"BCX_REGISTRY__URL": f"not-a-url-{SECRET}"}, "BCX_REGISTRY__URL"),
    Case(
        "sasl-without-mechanism",
        ["bridge"],
        {"BCX_KAFKA__SECURITY_PROTOCOL": "SASL_SSL"},
        "BCX_KAFKA__SASL_MECHANISM",
        value="SASL_SSL",
    ),
    Case(
        "sasl-without-credentials",
        ["bridge"],
        {"BCX_KAFKA__SECURITY_PROTOCOL": "SASL_SSL", "BCX_KAFKA__SASL_MECHANISM": "SCRAM-SHA-512"},
        "BCX_KAFKA__SASL_USERNAME",
        value="SCRAM-SHA-512",
    ),
    Case(
        "missing-ca-file",
        ["bridge"],
        {"BCX_KAFKA__SSL_CA_LOCATION": f"/nonexistent/{SECRET}/ca.pem"},
        "BCX_KAFKA__SSL_CA_LOCATION",
    ),
    Case(
        "misspelt-section",
        ["bridge"],
        {"BCX_KAFK__BOOTSTRAP_SERVERS": f"{SECRET}:9092"},
        "BCX_KAFK__BOOTSTRAP_SERVERS",
    ),
    Case(
        "unknown-field",
        ["bridge"],
        {"BCX_KAFKA__BOOTSTRAP_SERVER": f"{SECRET}:9092"},
        "BCX_KAFKA__BOOTSTRAP_SERVER",
    ),
    Case(
        "bad-bootstrap-syntax",
        ["bridge"],
        {"BCX_KAFKA__BOOTSTRAP_SERVERS": SECRET},
        "BCX_KAFKA__BOOTSTRAP_SERVERS",
    ),
    Case(
        "basic-auth-user-without-password",
        ["bridge"],
        {"BCX_REGISTRY__BASIC_AUTH_USER": SECRET},
        "BCX_REGISTRY__BASIC_AUTH_PASSWORD",
    ),
    Case(
        "placeholder-store-hash",
        ["enrich"],
        {"BCX_BIGCOMMERCE__STORES": json.dumps([{"store_hash": "REPLACE_ME", "access_token": SECRET}])},
        "BCX_BIGCOMMERCE__STORES",
        base={},
    ),
    Case(
        "placeholder-secret",
        ["bridge"],
        {"BCX_BRIDGE__STORES": json.dumps({"abc123": {"secret": "REPLACE_ME", "client_secret": SECRET}})},
        "BCX_BRIDGE__STORES",
        base={},
    ),
    Case(
        "placeholder-exstream-secret",
        ["consume", "order-documents"],
        {**EXSTREAM, "BCX_EXSTREAM__CLIENT_SECRET": "REPLACE_ME", "BCX_EXSTREAM__CLIENT_ID": SECRET},
        "BCX_EXSTREAM__CLIENT_SECRET",
        base={},
    ),
    Case(
        "no-exstream-settings",
        ["consume", "order-documents"],
        {},
        "BCX_EXSTREAM__CLIENT_SECRET",
        base={"BCX_KAFKA__CLIENT_ID": SECRET},
    ),
    Case(
        "no-exstream-secret",
        ["consume", "order-documents"],
        {k: v for k, v in EXSTREAM.items() if k != "BCX_EXSTREAM__CLIENT_SECRET"},
        "BCX_EXSTREAM__CLIENT_SECRET",
        value=EXSTREAM["BCX_EXSTREAM__BASE_URL"],
    ),
    Case(
        "enricher-without-stores",
        ["enrich"],
        {},
        "BCX_BIGCOMMERCE__STORES",
        base={"BCX_KAFKA__CLIENT_ID": SECRET},
    ),
    Case(
        "hooks-without-stores",
        ["hooks", "status"],
        {},
        "BCX_BIGCOMMERCE__STORES",
        base={"BCX_KAFKA__CLIENT_ID": SECRET},
    ),
]


def run_bcx(argv: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``bcx <argv>`` with exactly ``env`` as its BCX_ variables (the harness's BCX_TEST_* stay)."""
    clean = {
        k: v for k, v in os.environ.items() if not k.upper().startswith("BCX_") or k.startswith("BCX_TEST_")
    }
    return subprocess.run(
        [sys.executable, "-m", "bcx_app.cli.main", *argv],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )


class TestBadSettings:
    @pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
    def test_exits_2_naming_the_variable_not_the_value(self, case: Case) -> None:
        """The process refuses to start: exit 2, the variable named on stderr, its value nowhere, no trace."""
        result = run_bcx(case.argv, {**case.base, **case.env})
        output = result.stdout + result.stderr
        assert result.returncode == 2, output
        assert case.names in result.stderr, output
        assert case.value not in output
        assert "Traceback" not in output
        assert len(result.stderr.strip().splitlines()) == 1, output


class TestUnreachableKafka:
    def test_bad_bootstrap_is_one_line_naming_the_variable(self) -> None:
        """A bootstrap host that does not resolve ends ``bcx topics apply`` with exit 2 and an error naming
        BCX_KAFKA__BOOTSTRAP_SERVERS, with librdkafka's lines folded into a few structured ones."""
        result = run_bcx(["topics", "apply"], {"BCX_KAFKA__BOOTSTRAP_SERVERS": "no-such-broker.invalid:9092"})
        output = result.stdout + result.stderr
        assert result.returncode == 2, output
        assert "BCX_KAFKA__BOOTSTRAP_SERVERS" in result.stderr
        assert "Traceback" not in output
        assert "%3|" not in output  # no raw librdkafka line
        assert len(output.splitlines()) <= 6, output
        assert "kafka.unreachable" in result.stdout
