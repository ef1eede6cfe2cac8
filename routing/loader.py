"""Loading a rule file: YAML → :class:`RuleSet`, with every problem reported against its line.

Validation has two passes: the structure (pydantic, including field paths and operand types inside
conditions) and the references between sections (rules naming known documents of their own use case, unique
names, locales that are supported). Both report all problems at once, as ``file:line:column: where: what``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from routing.errors import RuleFileError, RuleIssue
from routing.ruleset import RuleSet
from routing.yaml_source import YamlSyntaxError, locate, parse

DEFAULT_RULES = "default.yaml"

Loc = tuple[str | int, ...]


def default_rules_path() -> Path:
    """The rule set shipped with bcx (``routing/rules/default.yaml``)."""
    return Path(str(resources.files("routing") / "rules" / DEFAULT_RULES))


def load_rules(path: str | Path | None = None, use_cases: Collection[str] | None = None) -> RuleSet:
    """Read and validate the rule file at ``path`` (the shipped default when ``None``).

    ``use_cases`` are the flow names rules may use (the composition root passes the declared flows');
    ``None`` checks only their spelling. Raises :class:`~routing.errors.RuleFileError` listing every
    problem with its line.
    """
    file = Path(path) if path is not None else default_rules_path()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(str(file), [RuleIssue(str(file), None, None, "", f"cannot read: {exc}")]) from exc
    return parse_rules(text, source=str(file), use_cases=use_cases)


def parse_rules(text: str, source: str = "<rules>", use_cases: Collection[str] | None = None) -> RuleSet:
    """Validate rule-file ``text``; ``source`` names it in error messages."""
    try:
        data, root, issues = parse(text, source)
    except YamlSyntaxError as exc:
        raise RuleFileError(source, [exc.issue]) from exc
    if not isinstance(data, dict):
        raise RuleFileError(source, [*issues, RuleIssue(source, 1, 1, "", "a rule file is a mapping")])
    try:
        ruleset = RuleSet.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        locs = [tuple(e["loc"]) for e in errors]
        for error in errors:
            loc = tuple(error["loc"])
            if error["type"] == "too_short" and any(o[: len(loc)] == loc and o != loc for o in locs):
                continue  # the list is short only because an item failed; that item's error says why
            line, column, where = locate(root, loc)
            issues.append(RuleIssue(source, line, column, where, _message(error["type"], loc, error["msg"])))
        raise RuleFileError(source, _ordered(issues)) from exc
    for loc, message in [*reference_problems(ruleset), *use_case_problems(ruleset, use_cases)]:
        line, column, where = locate(root, loc)
        issues.append(RuleIssue(source, line, column, where, message))
    if issues:
        raise RuleFileError(source, _ordered(issues))
    ruleset._source = source
    ruleset._digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return ruleset


def _ordered(issues: list[RuleIssue]) -> list[RuleIssue]:
    return sorted(issues, key=lambda i: (i.line or 0, i.column or 0))


def _message(kind: str, loc: Sequence[str | int], msg: str) -> str:
    if kind == "extra_forbidden":
        return f"unknown key {loc[-1]!r}"
    if kind == "missing":
        return f"missing required key {loc[-1]!r}"
    return msg.removeprefix("Value error, ")


def _duplicates(names: Sequence[str], section: Loc, what: str) -> Iterator[tuple[Loc, str]]:
    counts = Counter(names)
    seen: set[str] = set()
    for index, name in enumerate(names):
        if counts[name] > 1 and name in seen:
            yield (*section, index, "name"), f"duplicate {what} name {name!r}"
        seen.add(name)


def reference_problems(ruleset: RuleSet) -> Iterator[tuple[Loc, str]]:
    """Cross-section problems, each with the ``loc`` of the offending value."""
    known = sorted(ruleset.documents)
    yield from _duplicates([r.name for r in ruleset.rules], ("rules",), "rule")
    for i, rule in enumerate(ruleset.rules):
        for j, action in enumerate(rule.then.documents):
            loc: Loc = ("rules", i, "then", "documents", j)
            spec = ruleset.documents.get(action.type)
            if spec is None:
                yield (*loc, "type"), f"unknown document type {action.type!r}; known: {', '.join(known)}"
                continue
            if spec.use_case != rule.use_case:
                yield (
                    (*loc, "type"),
                    f"document {action.type!r} belongs to use case {spec.use_case}, not {rule.use_case}",
                )
            bad = [c.value for c in action.channels or () if c not in spec.channels]
            if bad:
                yield (*loc, "channels"), f"{action.type} cannot be produced on {bad}"
    policy = ruleset.channel_policy
    yield from _duplicates(
        [r.name for r in policy.requirements], ("channel_policy", "requirements"), "requirement"
    )
    for i, req in enumerate(policy.requirements):
        yield from _unknown_documents(
            req.documents, ("channel_policy", "requirements", i, "documents"), known
        )
    yield from _duplicates([s.name for s in ruleset.suppressions], ("suppressions",), "suppression")
    for i, sup in enumerate(ruleset.suppressions):
        yield from _unknown_documents(sup.documents, ("suppressions", i, "documents"), known)
    yield from _locale_problems(ruleset)


def use_case_problems(ruleset: RuleSet, use_cases: Collection[str] | None) -> Iterator[tuple[Loc, str]]:
    """Rules and documents naming a use case that is not among ``use_cases`` (no check when ``None``)."""
    if use_cases is None:
        return
    hint = f"known: {', '.join(sorted(use_cases))}"
    for name, spec in ruleset.documents.items():
        if spec.use_case not in use_cases:
            yield ("documents", name, "use_case"), f"unknown use case {spec.use_case!r}; {hint}"
    for i, rule in enumerate(ruleset.rules):
        if rule.use_case not in use_cases:
            yield ("rules", i, "use_case"), f"unknown use case {rule.use_case!r}; {hint}"


def _unknown_documents(names: frozenset[str] | None, loc: Loc, known: list[str]) -> Iterator[tuple[Loc, str]]:
    for name in sorted(names or ()):
        if name not in known:
            yield loc, f"unknown document type {name!r}; known: {', '.join(known)}"


def _locale_problems(ruleset: RuleSet) -> Iterator[tuple[Loc, str]]:
    policy = ruleset.locale_policy
    supported = set(policy.supported)
    hint = f"supported: {', '.join(policy.supported)}"
    if policy.default not in supported:
        yield ("locale_policy", "default"), f"default locale {policy.default} is not supported; {hint}"
    for store, tag in policy.stores.items():
        if tag not in supported:
            yield ("locale_policy", "stores", store), f"locale {tag} is not supported; {hint}"
    yield from _duplicates([o.name for o in policy.overrides], ("locale_policy", "overrides"), "override")
    for i, override in enumerate(policy.overrides):
        if override.locale not in supported:
            yield (
                ("locale_policy", "overrides", i, "locale"),
                f"locale {override.locale} is not supported; {hint}",
            )
    for name, spec in ruleset.documents.items():
        for k, comm in enumerate(spec.communications):
            for tag in sorted(comm.locales or ()):
                if tag not in supported:
                    loc: Loc = ("documents", name, "communications", k, "locales")
                    yield loc, f"locale {tag} is not supported; {hint}"
