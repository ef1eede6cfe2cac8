"""The use cases ``bcx consume`` can run: name → ``module:function`` building a :class:`UseCase`.

Each entry's function has the signature ``build(services: consumers.runtime.Services) -> UseCase``; its
consumer group is ``bcx-<name>`` (see ``deploy/topics.yaml``). Add a line here when a use case lands.
``bcx consume --module pkg.mod:build`` runs an unlisted one (tests, development).
"""

from __future__ import annotations

import importlib
from typing import cast

from bcx.errors import ConfigurationError
from consumers.runtime.app import UseCaseFactory

USE_CASES: dict[str, str] = {
    "order-documents": "consumers.order_documents.app:build",
}


def load_factory(target: str) -> UseCaseFactory:
    """Import ``module:function``; a configuration error names what could not be found."""
    module_name, sep, attribute = target.partition(":")
    if not sep or not module_name or not attribute:
        raise ConfigurationError(f"use case target must look like package.module:function, not {target!r}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigurationError(f"cannot import use case module {module_name}: {exc}") from exc
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise ConfigurationError(f"{module_name} has no callable {attribute}")
    return cast(UseCaseFactory, factory)


def factory_for(use_case: str) -> UseCaseFactory:
    target = USE_CASES.get(use_case)
    if target is None:
        known = ", ".join(sorted(USE_CASES)) or "none yet"
        raise ConfigurationError(f"unknown use case {use_case!r} (known: {known})")
    return load_factory(target)
