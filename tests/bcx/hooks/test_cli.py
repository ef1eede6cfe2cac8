"""``bcx hooks sync|status`` end to end against the BigCommerce simulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from bcx_app.cli.main import main
from simulators.bigcommerce.config import SimulatorConfig
from simulators.bigcommerce.server import RunningSimulator, start_simulator

STORE = "hookstore"
SECRET = "cli-secret-4f9a1c"
DEST = "https://hooks.example.com/webhooks/bigcommerce"


@pytest.fixture
def sim(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSimulator]:
    config = SimulatorConfig(store_hashes=(STORE,), orders=10, seed=3)
    with start_simulator(config) as running:
        monkeypatch.setenv("BCX_BIGCOMMERCE__API_BASE_URL", running.base_url)
        monkeypatch.setenv("BCX_BIGCOMMERCE__B2B_BASE_URL", running.base_url)
        stores = [{"store_hash": STORE, "access_token": config.access_token}]
        monkeypatch.setenv("BCX_BIGCOMMERCE__STORES", json.dumps(stores))
        monkeypatch.setenv("BCX_HOOKS__DESTINATION", DEST)
        monkeypatch.setenv("BCX_HOOKS__SECRET", SECRET)
        monkeypatch.setenv("BCX_HOOKS__USE_CASES", "order-documents,returns")
        monkeypatch.setenv("BCX_LOG__FORMAT", "json")
        yield running


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Run ``bcx hooks …``; returns the exit code and stdout, and checks no secret reached either stream."""
    code = main(["hooks", *argv])
    out, err = capsys.readouterr()
    assert SECRET not in out
    assert SECRET not in err
    return code, out


def hooks_of(sim: RunningSimulator) -> list[dict[str, object]]:
    response = httpx.get(
        f"{sim.base_url}/stores/{STORE}/v3/hooks",
        headers={"X-Auth-Token": sim.config.access_token},
        params={"limit": 250},
    )
    response.raise_for_status()
    hooks: list[dict[str, object]] = response.json()["data"]
    return hooks


def sync_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, object]]]:
    code, out = run(capsys, "sync", "--json", *argv)
    actions: list[dict[str, object]] = json.loads(out)["stores"][STORE]
    return code, actions


class TestSync:
    def test_sync_creates_every_needed_hook_with_the_secret_header(
        self, sim: RunningSimulator, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A first sync creates one active hook per needed scope, pointing at the bridge with the header."""
        code, out = run(capsys, "sync")
        assert code == 0
        assert "7 created, 0 updated, 0 reactivated, 0 deleted" in out
        hooks = hooks_of(sim)
        assert sorted(str(h["scope"]) for h in hooks) == [
            "store/order/created",
            "store/order/refund/created",
            "store/order/statusUpdated",
            "store/order/transaction/created",
            "store/order/transaction/updated",
            "store/order/updated",
            "store/shipment/created",
        ]
        assert all(h["destination"] == DEST and h["is_active"] for h in hooks)
        assert all(h["headers"] == {"X-Bcx-Webhook-Secret": SECRET} for h in hooks)

    def test_second_sync_does_nothing(
        self, sim: RunningSimulator, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Running sync again leaves BigCommerce untouched and reports every hook ok."""
        assert run(capsys, "sync")[0] == 0
        before = hooks_of(sim)
        code, actions = sync_json(capsys)
        assert code == 0
        assert {a["action"] for a in actions} == {"ok"}
        assert hooks_of(sim) == before

    def test_dry_run_changes_nothing(self, sim: RunningSimulator, capsys: pytest.CaptureFixture[str]) -> None:
        """A dry run lists the creates it would make and creates no hook."""
        code, out = run(capsys, "sync", "--dry-run")
        assert code == 0
        assert "7 to create" in out
        assert "(dry run: nothing changed)" in out
        assert hooks_of(sim) == []

    def test_a_deactivated_hook_is_reactivated(
        self, sim: RunningSimulator, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A hook BigCommerce deactivated is reactivated by the next sync and nothing else changes."""
        run(capsys, "sync")
        refund_hook = next(h for h in hooks_of(sim) if h["scope"] == "store/order/refund/created")
        httpx.post(
            f"{sim.base_url}/_sim/stores/{STORE}/hooks/{refund_hook['id']}/deactivate"
        ).raise_for_status()
        code, actions = sync_json(capsys)
        assert code == 0
        assert [(a["action"], a["hook_id"]) for a in actions if a["action"] != "ok"] == [
            ("reactivate", refund_hook["id"])
        ]
        assert all(h["is_active"] for h in hooks_of(sim))

    def test_prune_removes_only_our_unneeded_hooks(
        self, sim: RunningSimulator, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """With fewer use cases, --prune deletes our now-unneeded hooks and keeps another integration's."""
        run(capsys, "sync")
        foreign = {"scope": "store/order/created", "destination": "https://erp.example.net/in"}
        httpx.post(
            f"{sim.base_url}/stores/{STORE}/v3/hooks",
            headers={"X-Auth-Token": sim.config.access_token},
            json=foreign,
        ).raise_for_status()
        code, actions = sync_json(capsys, "--use-case", "returns", "--prune")
        assert code == 0
        assert sum(1 for a in actions if a["action"] == "delete") == 6
        remaining = {(str(h["scope"]), str(h["destination"])) for h in hooks_of(sim)}
        assert remaining == {
            ("store/order/refund/created", DEST),
            ("store/order/created", "https://erp.example.net/in"),
        }


class TestStatus:
    def test_healthy_after_sync(self, sim: RunningSimulator, capsys: pytest.CaptureFixture[str]) -> None:
        """After a sync every needed hook is active and status exits 0."""
        run(capsys, "sync")
        code, out = run(capsys, "status")
        assert code == 0
        assert out.rstrip().endswith(f"{STORE}: healthy")

    def test_missing_hooks_fail(self, sim: RunningSimulator, capsys: pytest.CaptureFixture[str]) -> None:
        """Before any sync, status lists the needed scopes as missing and exits 1."""
        code, out = run(capsys, "status")
        assert code == 1
        assert "PROBLEM store/order/refund/created: no hook (needed by returns)" in out

    def test_deactivated_hook_and_blocked_domain_are_reported(
        self, sim: RunningSimulator, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A deactivated hook and our blocked domain (with time left and reasons) make status exit 1."""
        run(capsys, "sync")
        hook_id = hooks_of(sim)[0]["id"]
        httpx.post(f"{sim.base_url}/_sim/stores/{STORE}/hooks/{hook_id}/deactivate").raise_for_status()
        blocked = [
            {
                "destination": "https://hooks.example.com",
                "time_left": 170,
                "reasons": [{"failure_description": "HTTP 503", "count": 25, "timestamp": 1767225600}],
            }
        ]
        httpx.put(f"{sim.base_url}/_sim/stores/{STORE}/blocked-domains", json=blocked).raise_for_status()
        code, out = run(capsys, "status", "--json")
        assert code == 1
        (report,) = json.loads(out)["stores"]
        assert report["healthy"] is False
        deactivated = [h for h in report["hooks"] if h["status"] == "deactivated"]
        assert [h["hook_id"] for h in deactivated] == [hook_id]
        (block,) = report["blocked_domains"]
        assert (block["ours"], block["time_left_s"], block["reasons"]) == (True, 170, ["HTTP 503 (25x)"])
        assert any("blocked for 170 s" in p for p in report["problems"])

    def test_unknown_store_is_a_configuration_error(
        self, sim: RunningSimulator, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A --store without credentials exits 2 before calling BigCommerce."""
        code, _ = run(capsys, "status", "--store", "nosuchstore")
        assert code == 2
