"""The bridge's canonical line per callback: always for rejections, and for the configured share of
accepted callbacks (``BCX_BRIDGE__LOG_ACCEPTED``)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from pydantic import ValidationError

from bcx.logging import configure_logging
from bcx.settings import LogSettings, load_settings
from producers.webhook_bridge.settings import BridgeOptions, BridgeSettings
from tests.producers.webhook_bridge.conftest import BridgeFactory
from tests.producers.webhook_bridge.samples import callback, encode, shared_headers


def lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]


class TestSetting:
    @pytest.mark.parametrize(("raw", "rate"), [("all", 1.0), ("none", 0.0), ("0.01", 0.01), ("1", 1.0)])
    def test_env_values_become_a_rate(self, monkeypatch: pytest.MonkeyPatch, raw: str, rate: float) -> None:
        """BCX_BRIDGE__LOG_ACCEPTED takes all, none or a share in (0, 1]."""
        monkeypatch.setenv("BCX_BRIDGE__LOG_ACCEPTED", raw)
        assert load_settings(BridgeSettings).bridge.accepted_log_rate == rate

    @pytest.mark.parametrize("raw", ["0", "1.5", "-0.1", "some"])
    def test_other_values_are_refused(self, raw: str) -> None:
        """Zero (use none), shares above 1 and other words are configuration errors."""
        with pytest.raises(ValidationError):
            BridgeOptions.model_validate({"log_accepted": raw})

    def test_default_logs_every_accepted_callback(self) -> None:
        """Out of the box every accepted callback gets its line (the project's one-line-per-request rule)."""
        assert BridgeOptions().accepted_log_rate == 1.0


@pytest.mark.integration
class TestLines:
    async def test_none_logs_only_what_was_not_accepted(self, bridge_factory: BridgeFactory) -> None:
        """With none, accepted callbacks write no line; a rejection and a duplicate still do."""
        out = io.StringIO()
        configure_logging(LogSettings(format="json"), stream=out)
        async with bridge_factory(log_accepted="none") as running:
            body = encode(callback(data={"type": "order", "id": 1}))
            assert (await running.post(body, shared_headers())).status_code == 200
            assert (await running.post(body, shared_headers())).status_code == 200  # duplicate
            assert (await running.post(body, shared_headers("wrong"))).status_code == 401
        outcomes = [line["outcome"] for line in lines(out) if line["event"] == "bridge.callback"]
        assert outcomes == ["duplicate", "invalid_secret"]

    async def test_a_share_logs_some_accepted_lines_marked_with_the_rate(
        self, bridge_factory: BridgeFactory
    ) -> None:
        """With a share, the accepted lines written carry sample_rate so counts can be scaled back."""
        out = io.StringIO()
        configure_logging(LogSettings(format="json"), stream=out)
        async with bridge_factory(log_accepted=0.5) as running:
            for i in range(40):
                body = encode(callback(data={"type": "order", "id": i}))
                assert (await running.post(body, shared_headers())).status_code == 200
        accepted = [line for line in lines(out) if line.get("outcome") == "accepted"]
        assert 0 < len(accepted) < 40  # 40 fair coin flips: all-or-nothing has odds of 2 in 10^12
        assert all(line["sample_rate"] == 0.5 for line in accepted)

    async def test_all_logs_every_accepted_callback_with_where_it_is_stored(
        self, bridge_factory: BridgeFactory
    ) -> None:
        """With all, every accepted callback has a line naming its event id, partition and offset."""
        out = io.StringIO()
        configure_logging(LogSettings(format="json"), stream=out)
        async with bridge_factory() as running:
            for i in range(3):
                body = encode(callback(data={"type": "order", "id": i}))
                assert (await running.post(body, shared_headers())).status_code == 200
        accepted = [line for line in lines(out) if line.get("outcome") == "accepted"]
        assert len(accepted) == 3
        assert all({"event_id", "partition", "offset"} <= line.keys() for line in accepted)
        assert all("sample_rate" not in line for line in accepted)
