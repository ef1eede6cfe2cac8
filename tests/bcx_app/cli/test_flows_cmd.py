"""`bcx flows`: every declared flow with its group, topics, scopes and documents."""

from __future__ import annotations

import json

import pytest

from bcx_app.cli.main import main


class TestFlowsCommand:
    def test_lists_every_flow_with_its_wiring(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The JSON listing has the enricher and the built flows (every flow of the eight is built)."""
        assert main(["flows", "--json"]) == 0
        entries = {e["name"]: e for e in json.loads(capsys.readouterr().out)}
        order = entries["order-documents"]
        assert order["status"] == "built"
        assert order["group"] == "bcx-order-documents"
        assert order["input_topics"] == ["commerce.orders.v1"]
        assert "store/order/statusUpdated" in order["scopes"]
        assert order["documents"] == ["order_confirmation", "order_invoice", "payment_receipt"]
        assert entries["enricher"]["kind"] == "process"
        assert entries["retention"]["status"] == "built"
        assert entries["retention"]["command"] == "bcx consume retention"

    def test_text_listing_names_groups(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The text listing shows each flow's group and documents."""
        assert main(["flows"]) == 0
        out = capsys.readouterr().out
        assert "group     bcx-order-documents" in out
        assert "documents order_confirmation, order_invoice, payment_receipt" in out
