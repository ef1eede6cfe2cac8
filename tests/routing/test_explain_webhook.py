"""`bcx routing explain` on a bare webhook body marks the facts a webhook does not carry as unknown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bcx_app.cli.main import main
from routing.webhook_facts import WEBHOOK_FIELDS, unknown_fields
from tests.routing.factories import order_facts

STATUS_UPDATED = {
    "scope": "store/order/statusUpdated",
    "store_id": "1025646",
    "data": {"type": "order", "id": 250, "status": {"previous_status_id": 0, "new_status_id": 11}},
    "hash": "7ee67cd1cf2ca60bc1aa9e5fe957d2de373be4ca",
    "created_at": 1561479335,
    "producer": "stores/abc123",
}


@pytest.fixture
def webhook_file(tmp_path: Path) -> Path:
    path = tmp_path / "webhook.json"
    path.write_text(json.dumps(STATUS_UPDATED), encoding="utf-8")
    return path


class TestUnknownFacts:
    def test_text_marks_absent_facts_unknown(
        self, webhook_file: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Conditions on customer and payment facts show `?` and "unknown", never a default such as
        `customer.is_b2b = false`; facts the webhook gives keep their values."""
        assert main(["routing", "explain", str(webhook_file)]) == 0
        out = capsys.readouterr().out
        assert "customer.is_b2b = false" not in out
        assert "? customer.is_b2b equals true  [customer.is_b2b unknown]" in out
        assert "(customer.is_b2b unknown)" in out  # the rule's reason says so too
        assert '? payment.status equals "ok"  [payment.status unknown]' in out
        assert "✔ order.status_id in [2, 3, 8, 9, 10, 11]  [order.status_id = 11]" in out
        assert "a webhook body carries ids only" in out
        assert "the decision is provisional" in out

    def test_json_lists_the_unknown_facts(
        self, webhook_file: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--json adds `unknown_facts` and gives unknown conditions no value."""
        assert main(["routing", "explain", str(webhook_file), "--json"]) == 0
        decision = json.loads(capsys.readouterr().out)
        assert "customer.is_b2b" in decision["unknown_facts"]
        assert "order.status_id" not in decision["unknown_facts"]
        b2b = next(r for r in decision["rules"] if r["rule"] == "b2b-invoice-on-terms")
        condition = next(c for c in b2b["conditions"] if c["text"].startswith("customer.is_b2b"))
        assert (condition["actual"], condition["detail"]) == (None, "customer.is_b2b unknown")

    def test_full_facts_have_no_unknowns(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Routing facts (not a webhook) are complete: nothing is marked unknown."""
        path = tmp_path / "facts.json"
        path.write_text(order_facts().model_dump_json(), encoding="utf-8")
        assert main(["routing", "explain", str(path), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["unknown_facts"] == []

    def test_webhook_fields_are_real_paths(self) -> None:
        """Every path the webhook is said to give exists, and customer facts are all unknown."""
        assert not WEBHOOK_FIELDS & unknown_fields()
        assert {"customer.is_b2b", "customer.locale", "payment.status"} <= unknown_fields()
