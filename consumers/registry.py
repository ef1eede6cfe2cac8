"""Every flow, from the declarations (:mod:`bcx.manifest`): built ones in their packages' ``flow.py``,
planned ones in :mod:`consumers.planned`. Add a built flow's ``FLOW`` to :data:`FLOWS` when it lands.

``bcx consume <name>`` runs a built flow; ``bcx consume --module pkg.mod:build`` an unlisted factory
(tests, development). Hook scopes, routing's use-case names and the demo are derived from here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, cast

from bcx.errors import ConfigurationError
from bcx.manifest import Flow
from consumers.account_statements.flow import FLOW as ACCOUNT_STATEMENTS
from consumers.catalogs.flow import FLOW as CATALOGS
from consumers.customer_profiles.flow import FLOW as CUSTOMER_PROFILES
from consumers.onboarding.flow import FLOW as ONBOARDING
from consumers.order_documents.flow import FLOW as ORDER_DOCUMENTS
from consumers.order_exceptions.flow import FLOW as ORDER_EXCEPTIONS
from consumers.planned import PLANNED
from consumers.policy_publisher.flow import FLOW as POLICY_PUBLISHER
from consumers.retention.flow import FLOW as RETENTION
from consumers.returns.flow import FLOW as RETURNS

if TYPE_CHECKING:  # the runtime (Kafka, Exstream) loads only when a consumer is built
    from consumers.runtime.app import UseCaseFactory

#: the flows with a consumer, in the order the demo starts them
FLOWS: tuple[Flow, ...] = (
    ORDER_DOCUMENTS,
    POLICY_PUBLISHER,
    RETURNS,
    ACCOUNT_STATEMENTS,
    ORDER_EXCEPTIONS,
    ONBOARDING,
    RETENTION,
    CATALOGS,
    # last: the first flow declaring a scope is the one `bcx routing explain` attributes it to
    CUSTOMER_PROFILES,
)


def all_flows() -> tuple[Flow, ...]:
    """Built flows first, then planned ones (the order scopes are attributed to a flow in)."""
    return (*FLOWS, *PLANNED)


def flow_named(name: str) -> Flow:
    for flow in all_flows():
        if flow.name == name:
            return flow
    raise ConfigurationError(f"unknown flow {name!r} (known: {', '.join(f.name for f in all_flows())})")


def use_case_names() -> frozenset[str]:
    """The names routing rules may use (``order_documents``, …): every declared flow's."""
    return frozenset(flow.use_case for flow in all_flows())


def scopes_by_flow() -> dict[str, tuple[str, ...]]:
    """Flow name → the webhook scopes it needs (flows without scopes left out)."""
    return {flow.name: flow.scopes for flow in all_flows() if flow.scopes}


def use_case_for_scope(scope: str) -> str | None:
    """The routing name of the first declared flow that subscribes ``scope`` (``bcx routing explain``)."""
    return next((flow.use_case for flow in all_flows() if scope in flow.scopes), None)


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
    return cast("UseCaseFactory", factory)


def factory_for(use_case: str) -> UseCaseFactory:
    built = {flow.name: flow for flow in FLOWS}
    flow = built.get(use_case)
    if flow is None or flow.build is None:
        planned = any(p.name == use_case for p in PLANNED)
        known = ", ".join(sorted(built)) or "none yet"
        what = "is planned, not built yet" if planned else "is unknown"
        raise ConfigurationError(f"use case {use_case!r} {what} (runnable: {known})")
    return cast("UseCaseFactory", flow.build)
