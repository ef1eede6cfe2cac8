"""The checks :func:`bcx.settings.load_settings` runs over the environment as a whole.

pydantic-settings validates the variables that match a field and silently ignores the rest, and reports a
JSON value it cannot parse with a traceback that names only the section. These checks close those gaps;
each failure is a :class:`~bcx.errors.ConfigurationError` naming the variable, never its value:

- a ``BCX_`` variable whose first segment is no setting of any bcx process (``BCX_KAFK__…``) is refused;
  a section another process reads (``BCX_BRIDGE__*`` seen by a consumer) is tolerated, so one env file or
  ConfigMap can serve several processes. ``BCX_TEST_*`` belongs to the test harness, not to a process.
- a value that is not JSON where JSON is expected (``BCX_BRIDGE__STORES``) names that variable;
- a template placeholder (``REPLACE_ME``, ``CHANGE_ME``, ``<…>``, ``${…}``) left in any setting, including
  inside a JSON value (a store hash, a secret), is refused;
- validator messages write a sibling field as ``{field}``; it becomes that field's variable name.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, SecretStr, ValidationError
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings
from pydantic_settings.exceptions import SettingsError

from bcx.errors import ConfigurationError

S = TypeVar("S", bound=BaseSettings)

PREFIX = "BCX_"
DELIMITER = "__"
#: Every top-level field of every bcx process's settings model (``tests/bcx/test_settings_checks.py``
#: keeps this equal to the models); a ``BCX_`` variable must start with one of them.
KNOWN_SECTIONS = frozenset(
    {
        "account_statements",
        "bigcommerce",
        "bridge",
        "consumer",
        "exstream",
        "horizon_margin_s",
        "hooks",
        "index",
        "input_topic",
        "kafka",
        "ledger_max_events",
        "ledger_max_keys",
        "log",
        "marketing",
        "metrics",
        "onboarding",
        "order_documents",
        "order_exceptions",
        "output_storage",
        "policy_publisher",
        "profile_ttl_s",
        "registry",
        "returns",
        "snapshot_topics",
    }
)
#: Variables of the test harness (``BCX_TEST_KAFKA_BOOTSTRAP``), inherited by processes tests start.
HARNESS_PREFIX = "BCX_TEST_"

_PLACEHOLDER = re.compile(
    r"^\s*(replace[_ -]?me|change[_ -]?me|todo|fixme|xxx+|<[^<>]*>|\$\{[^{}]*\})\s*$", re.IGNORECASE
)
_PLACEHOLDER_INSIDE = re.compile(r"replace[_-]?me|change[_-]?me", re.IGNORECASE)
_FIELD_REF = re.compile(r"\{([a-z0-9_]+)\}")
_FOR_FIELD = re.compile(r'field "([^"]+)"')


def is_placeholder(text: str) -> bool:
    """``text`` is a template placeholder rather than a real value (``REPLACE_ME``, ``<store hash>``)."""
    return _PLACEHOLDER.match(text) is not None or _PLACEHOLDER_INSIDE.search(text) is not None


def variable(*path: str) -> str:
    """The variable of a field path: ``("kafka", "sasl_mechanism")`` → ``BCX_KAFKA__SASL_MECHANISM``."""
    return PREFIX + DELIMITER.join(path).upper()


def refuse_unknown_variables(model: type[BaseSettings], environ: Mapping[str, str]) -> None:
    """Refuse ``BCX_`` variables whose section no bcx process reads (see the module docstring)."""
    unknown = []
    for name in environ:
        upper = name.upper()
        if not upper.startswith(PREFIX) or upper.startswith(HARNESS_PREFIX):
            continue
        section = upper[len(PREFIX) :].split(DELIMITER, 1)[0].lower()
        if section not in model.model_fields and section not in KNOWN_SECTIONS:
            unknown.append(name)
    if unknown:
        raise ConfigurationError(
            "unknown variable(s), no bcx setting has that name (misspelt section?): "
            + ", ".join(sorted(unknown))
        )


def build(model: type[S], environ: Mapping[str, str], overrides: Mapping[str, Any]) -> S:
    """``model`` from the environment; every failure is one :class:`ConfigurationError` without values."""
    try:
        settings = model(**overrides)
    except SettingsError as exc:
        raise ConfigurationError(f"invalid configuration: {_unparsable(exc, environ)}") from None
    except ValidationError as exc:
        problems = [_problem(model, err) for err in exc.errors(include_input=False)]
        raise ConfigurationError("invalid configuration: " + "; ".join(problems)) from None
    placeholders = sorted({variable(*path) for path in placeholder_paths(settings)})
    if placeholders:
        raise ConfigurationError(
            "template placeholder (e.g. REPLACE_ME) left in "
            + ", ".join(placeholders)
            + ": set the real value"
        )
    return settings


def _problem(model: type[BaseModel], error: ErrorDetails) -> str:
    loc, message = error["loc"], error["msg"]
    fields = _field_path(model, loc)
    section = _section_model(model, fields)
    if error["type"] == "missing" and section is not None and len(fields) == len(loc):
        # a whole section is absent: name the variables it cannot do without
        required = [
            variable(*fields, name) for name, info in section.model_fields.items() if info.is_required()
        ]
        return f"{', '.join(required)}: required, not set"
    if error["type"] == "extra_forbidden" and section is not None and len(loc) == len(fields) + 1:
        return f"{variable(*fields, str(loc[-1]))}: not a setting of this process (misspelt?)"
    message = message.removeprefix("Value error, ")
    if _FIELD_REF.search(message):  # only model validators write {field}: a field of the located section
        return _FIELD_REF.sub(lambda m: variable(*fields, m.group(1)), message)
    inside = ".".join(str(part) for part in loc[len(fields) :])  # keys and fields within a JSON value
    return f"{variable(*fields)}{f' (at {inside})' if inside else ''}: {message}"


def _field_path(model: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[str, ...]:
    """The part of ``loc`` that names model fields; it stops at a JSON value's keys and indexes (a store
    hash in ``BCX_BRIDGE__STORES`` is part of the value, not of the variable's name)."""
    path: list[str] = []
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None or not isinstance(part, str) or part not in current.model_fields:
            break
        path.append(part)
        current = _nested_model(current.model_fields[part].annotation)
    return tuple(path)


def _section_model(model: type[BaseModel], fields: tuple[str, ...]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for name in fields:
        current = _nested_model(current.model_fields[name].annotation) if current is not None else None
    return current if fields else None


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):  # Optional[Model], Annotated[Model, …]
        found = _nested_model(arg)
        if found is not None and typing.get_origin(annotation) is not dict:
            return found
    return None


def _unparsable(exc: SettingsError, environ: Mapping[str, str]) -> str:
    """Which variable holds the JSON pydantic-settings could not parse (its message names only a field)."""
    found = _FOR_FIELD.search(str(exc))
    field = found.group(1) if found else ""
    candidates = [
        name
        for name in environ
        if name.upper() == variable(field) or name.upper().startswith(variable(field) + DELIMITER)
    ]
    for name in sorted(candidates):
        try:
            json.loads(environ[name])
        except ValueError as err:
            if environ[name].lstrip()[:1] in ("{", "[", '"'):
                reason = err.msg if isinstance(err, json.JSONDecodeError) else "invalid"
                return f"{name.upper()}: not valid JSON ({reason})"
    return f"{variable(field)}*: a value could not be parsed (JSON expected)"


def placeholder_paths(
    value: Any, path: tuple[str, ...] = (), *, in_value: bool = False
) -> Iterator[tuple[str, ...]]:
    """Field paths of ``value`` (a settings model, recursively) whose text is a template placeholder.

    Inside a JSON value (a mapping or a list) the path stays that of the variable holding the JSON."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from placeholder_paths(
                getattr(value, name), path if in_value else (*path, name), in_value=in_value
            )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and is_placeholder(key):
                yield path
            yield from placeholder_paths(item, path, in_value=True)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from placeholder_paths(item, path, in_value=True)
    elif isinstance(value, SecretStr):
        if is_placeholder(value.get_secret_value()):
            yield path
    elif isinstance(value, str) and is_placeholder(value):
        yield path
