"""``bcx routing check|explain|fields`` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bcx_app.cli.main import main
from routing import default_rules_path, load_rules
from tests.routing.factories import MINIMAL, captured_payment, customer, order_facts
from tests.support.required import reference


@pytest.fixture
def facts_file(tmp_path: Path) -> Path:
    facts = order_facts(payment=captured_payment(), customer_facts=customer(country="FR", locale="fr-FR"))
    path = tmp_path / "facts.json"
    path.write_text(facts.model_dump_json(), encoding="utf-8")
    return path


class TestCheck:
    def test_default_rules_ok(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Checking the shipped rules succeeds and summarises them."""
        assert main(["routing", "check"]) == 0
        out = capsys.readouterr().out
        rules = load_rules(default_rules_path())
        summary = f"{len(rules.documents)} document types, {len(rules.rules)} rules"
        assert out.startswith(f"ok: {default_rules_path()}: {summary}")

    def test_bad_file_exits_non_zero_with_lines(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An invalid file exits 1 and prints file:line:column errors on stderr."""
        path = tmp_path / "bad.yaml"
        path.write_text(MINIMAL.replace("in: [11]", "between: [1, 2]"), encoding="utf-8")
        assert main(["routing", "check", str(path)]) == 1
        err = capsys.readouterr().err
        assert f"{path}:17:9: rules[0](confirm).when[0]: unknown operator 'between'" in err


class TestExplain:
    def test_text(self, facts_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The text explanation lists the due documents with key, channels and locale, then the rules."""
        assert main(["routing", "explain", str(facts_file)]) == 0
        out = capsys.readouterr().out
        assert "Documents: 3 due, 0 suppressed" in out
        assert "✔ order_invoice — DUE (rule invoice-on-capture)" in out
        assert "order_documents:abc123:order:250:payment_receipt:tx-9" in out
        assert "invoices-archived-de-fr → [email, archive]" in out
        assert "locale        fr" in out
        assert "✔ order-confirmation (priority 100) matched: all conditions hold" in out
        assert "✘ b2b-invoice-on-terms (priority 110) not matched: failed: customer.is_b2b equals true" in out

    def test_json(self, facts_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--json prints the whole decision as JSON."""
        assert main(["routing", "explain", str(facts_file), "--json"]) == 0
        decision = json.loads(capsys.readouterr().out)
        assert sorted(d["document_type"] for d in decision["documents"]) == [
            "order_confirmation",
            "order_invoice",
            "payment_receipt",
        ]
        assert decision["rules"][0]["rule"] == "b2b-invoice-on-terms"

    def test_custom_rules(self, facts_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--rules evaluates against another rule file."""
        rules = tmp_path / "mini.yaml"
        rules.write_text(MINIMAL, encoding="utf-8")
        assert main(["routing", "explain", str(facts_file), "--rules", str(rules), "--json"]) == 0
        decision = json.loads(capsys.readouterr().out)
        assert [d["document_type"] for d in decision["documents"]] == ["order_confirmation"]

    def test_webhook_body(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A bare BigCommerce statusUpdated webhook (0 → 11) is explained as a due confirmation."""
        path = reference("bigcommerce", "webhook-callbacks", "store_order_statusUpdated.json")
        assert main(["routing", "explain", str(path), "--json"]) == 0
        decision = json.loads(capsys.readouterr().out)
        assert [d["document_type"] for d in decision["documents"]] == ["order_confirmation"]

    def test_invalid_facts(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Facts that do not validate are an error (exit 2) naming the file."""
        path = tmp_path / "facts.json"
        path.write_text('{"use_case": "order_documents"}', encoding="utf-8")
        assert main(["routing", "explain", str(path)]) == 2
        assert f"{path}: not valid routing facts" in capsys.readouterr().err


class TestFields:
    def test_lists_paths(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`fields` lists the facts paths rules can test, with their types."""
        assert main(["routing", "fields"]) == 0
        out = capsys.readouterr().out
        assert any(line.startswith("order.status_id") and "int" in line for line in out.splitlines())
        assert "sent_keys" not in out
