"""Loading rule files: the shipped rules are valid, and every kind of mistake points at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing import RuleFileError, default_rules_path, load_rules, parse_rules
from tests.routing.factories import MINIMAL


def _issues(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(RuleFileError) as caught:
        parse_rules(text, "rules.yaml")
    return [(issue.line, issue.message) for issue in caught.value.issues]


class TestShippedRules:
    def test_default_rules_load(self) -> None:
        """The rule set shipped in the package validates and covers every flow with rules."""
        rules = load_rules()
        assert rules.source == str(default_rules_path())
        assert len(rules.digest) == 64
        assert {r.use_case for r in rules.rules} == {
            "order_documents",
            "order_exceptions",
            "returns",
            "account_statements",
            "retention",
            "catalogs",
            "onboarding",
        }

    def test_unknown_use_case_points_at_its_line(self) -> None:
        """A rule naming a use case outside the given names is reported on its line."""
        text = MINIMAL.replace("use_case: order_documents", "use_case: invoices", 1)
        with pytest.raises(RuleFileError) as caught:
            parse_rules(text, "rules.yaml", use_cases={"order_documents"})
        assert any("unknown use case 'invoices'" in issue.message for issue in caught.value.issues)
        assert all(issue.line for issue in caught.value.issues)

    def test_minimal_rules_load(self) -> None:
        """A small hand-written rule file is accepted and keeps its source name."""
        rules = parse_rules(MINIMAL, "mini.yaml")
        assert rules.source == "mini.yaml"
        assert [r.name for r in rules.rules] == ["confirm"]


class TestLineNumbers:
    def test_unknown_field_points_at_condition(self) -> None:
        """A misspelt field path is reported on its line with a suggestion."""
        issues = _issues(MINIMAL.replace("order.status_id", "order.statusid"))
        assert issues == [
            (17, "unknown field 'order.statusid'; did you mean order.status_id, order.status_name, "
             "order.payment_status?")
        ]  # fmt: skip

    def test_unknown_operator(self) -> None:
        """An operator that does not exist is reported with the list of operators."""
        [(line, message)] = _issues(MINIMAL.replace("in: [11]", "matches: [11]"))
        assert line == 17
        assert message.startswith("unknown operator 'matches'; operators are equals, not_equals, in")

    def test_wrong_operand_type(self) -> None:
        """An operand of the wrong type for the field is reported with what was expected."""
        [(line, message)] = _issues(MINIMAL.replace("in: [11]", "in: [eleven]"))
        assert line == 17
        assert message == "order.status_id in expects a list of int, got ['eleven']"

    def test_operator_not_for_field_kind(self) -> None:
        """Ordering comparisons on text fields are refused."""
        [(line, message)] = _issues(MINIMAL.replace("order.status_id, in: [11]", "event.scope, gt: a"))
        assert line == 17
        assert "gt needs a number or a date" in message

    def test_unknown_key_points_at_key(self) -> None:
        """An unknown key in a document type is reported on its own line."""
        issues = _issues(MINIMAL.replace("    version: once\n", "    version: once\n    colour: red\n"))
        assert issues == [(8, "unknown key 'colour'")]

    def test_wrong_type_in_document(self) -> None:
        """A channel that does not exist is reported on the line of the channel list."""
        [(line, message)] = _issues(MINIMAL.replace("channels: [email, print]", "channels: [email, fax]"))
        assert line == 8
        assert "email" in message
        assert "archive" in message

    def test_duplicate_rule_names(self) -> None:
        """Two rules with the same name are reported at the second one's name."""
        second = MINIMAL.split("rules:\n")[1].split("locale_policy:")[0]
        text = MINIMAL.replace("locale_policy:", second + "locale_policy:")
        assert _issues(text) == [(20, "duplicate rule name 'confirm'")]

    def test_duplicate_yaml_keys(self) -> None:
        """A key given twice in one mapping is an error (YAML would silently keep the last)."""
        issues = _issues(MINIMAL.replace("    version: once\n", "    version: once\n    version: entity\n"))
        assert issues == [(8, "duplicate key 'version' (first at line 7)")]

    def test_unknown_document_type_in_rule(self) -> None:
        """A rule naming an undeclared document type is reported with the known types."""
        issues = _issues(MINIMAL.replace("documents: [order_confirmation]", "documents: [order_confirmaton]"))
        assert issues == [(19, "unknown document type 'order_confirmaton'; known: order_confirmation")]

    def test_missing_required_key_points_at_parent(self) -> None:
        """A missing key is reported at the mapping that lacks it."""
        issues = _issues(MINIMAL.replace("    use_case: order_documents\n    when:", "    when:"))
        assert issues == [(14, "missing required key 'use_case'")]

    def test_unsupported_locale(self) -> None:
        """A default locale that is not in the supported list is refused on its line."""
        issues = _issues(MINIMAL.replace("default: en", "default: de"))
        assert issues == [(21, "default locale de is not supported; supported: en, fr")]

    def test_yaml_syntax_error(self) -> None:
        """Broken YAML is reported with the line where the parser gave up."""
        [(line, message)] = _issues(MINIMAL.replace("[email, print]", "[email, print"))
        assert line is not None
        assert line >= 8
        assert message.startswith("YAML syntax:")

    def test_all_problems_reported_at_once(self) -> None:
        """Several structural problems are reported together, in line order."""
        text = MINIMAL.replace("in: [11]", "in: [x]").replace("category: transactional", "category: spam")
        assert [line for line, _ in _issues(text)] == [6, 17]

    def test_norway_is_not_false(self) -> None:
        """Country codes such as NO stay strings (only true/false are booleans)."""
        rules = parse_rules(MINIMAL.replace("order.status_id, in: [11]", "customer.country, in: [DE, NO]"))
        assert rules.rules[0].when[0].model_dump()["value"] == ("DE", "NO")


class TestFiles:
    def test_missing_file(self, tmp_path: Path) -> None:
        """A file that cannot be read is a RuleFileError naming it."""
        with pytest.raises(RuleFileError, match="cannot read"):
            load_rules(tmp_path / "absent.yaml")

    def test_error_text_is_file_line_column(self, tmp_path: Path) -> None:
        """The error text reads file:line:column: where: what, one problem per line."""
        path = tmp_path / "r.yaml"
        path.write_text(MINIMAL.replace("in: [11]", "in: [x]"), encoding="utf-8")
        with pytest.raises(RuleFileError) as caught:
            load_rules(path)
        assert f"{path}:17:9: rules[0](confirm).when[0]: order.status_id in expects" in str(caught.value)
