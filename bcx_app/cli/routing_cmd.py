"""``bcx routing``: check a rule file, explain what the rules decide for an event, list the facts fields."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from consumers.registry import use_case_for_scope, use_case_names
from routing.engine import evaluate
from routing.errors import RoutingError, RuleFileError
from routing.facts import RoutingFacts
from routing.fieldpaths import field_registry
from routing.loader import load_rules
from routing.render import render_decision
from routing.webhook_facts import facts_from_webhook, looks_like_webhook, mark_unknown, unknown_fields


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("routing", help="check routing rules and explain decisions")
    commands = parser.add_subparsers(dest="routing_command", metavar="SUBCOMMAND", required=True)

    check = commands.add_parser("check", help="validate a rule file; exit 1 with line-pointing errors")
    check.add_argument("file", nargs="?", type=Path, help="rule file (default: the shipped rules)")
    check.set_defaults(handler=_check)

    explain = commands.add_parser("explain", help="show the decision for routing facts or a webhook body")
    explain.add_argument("file", type=Path, help="JSON file: routing facts, or a BigCommerce webhook body")
    explain.add_argument("--rules", type=Path, default=None, help="rule file (default: the shipped rules)")
    explain.add_argument(
        "--use-case",
        choices=sorted(use_case_names()),
        default=None,
        help="for a webhook body: the use case to route for (default: from the scope)",
    )
    explain.add_argument("--json", action="store_true", help="print the decision as JSON")
    explain.set_defaults(handler=_explain)

    fields = commands.add_parser("fields", help="list the facts fields rules can test")
    fields.set_defaults(handler=_fields)


def _check(args: argparse.Namespace) -> int:
    try:
        ruleset = load_rules(args.file, use_cases=use_case_names())
    except RuleFileError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(
        f"ok: {ruleset.source}: {len(ruleset.documents)} document types, {len(ruleset.rules)} rules, "
        f"{len(ruleset.channel_policy.requirements)} channel requirements, "
        f"{len(ruleset.suppressions)} suppressions (sha256 {ruleset.digest[:12]})"
    )
    return 0


def _read_facts(path: Path, use_case: str | None) -> tuple[RoutingFacts, frozenset[str]]:
    """The facts in ``path`` and the facts paths it does not give (a webhook body gives ids only)."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RoutingError(f"cannot read {path}: {exc}") from exc
    if not isinstance(body, dict):
        raise RoutingError(f"{path}: expected a JSON object")
    if looks_like_webhook(body):
        use_case = use_case or use_case_for_scope(str(body.get("scope", "")))
        if use_case is None:
            raise RoutingError(f"no flow subscribes scope {body.get('scope')!r}; pass --use-case")
        return facts_from_webhook(body, use_case), unknown_fields()
    try:
        return RoutingFacts.model_validate(body), frozenset()
    except ValidationError as exc:
        raise RoutingError(f"{path}: not valid routing facts:\n{exc}") from exc


def _explain(args: argparse.Namespace) -> int:
    ruleset = load_rules(args.rules, use_cases=use_case_names())
    facts, unknown = _read_facts(args.file, args.use_case)
    decision = mark_unknown(evaluate(ruleset, facts), unknown)
    if args.json:
        document = decision.model_dump(mode="json")
        document["unknown_facts"] = sorted(unknown)
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(render_decision(decision, ruleset.source, unknown))
    return 0


def _fields(args: argparse.Namespace) -> int:
    for info in field_registry().values():
        description = f"  {info.description}" if info.description else ""
        print(f"{info.path:<32}{info.type_name:<18}{description}")
    return 0
