"""Which BigCommerce webhook scopes the enabled use cases need. Pure: the table itself is the flows'
declarations (each flow's ``scopes``, :mod:`bcx.manifest`), passed in by the caller.

Scope names are the ones of the official callback catalogue (``reference/bigcommerce/webhooks.v3.yml``
and ``webhook-callbacks/list.txt``); ``store/order/transaction/created|updated`` is absent from both but
documented on BigCommerce's events page (``docs/integrations/webhooks/events/index.mdx``, see
``../shared/docs/bigcommerce.md`` §1.2) and carries ``order_id`` the enricher reads. Explicit scopes, no
wildcards: a ``store/customer/*`` subscription would also deliver events no use case reads (payment
instruments, addresses), each one costing the enricher API calls against the store's shared rate limit.

The B2B scopes (``store/company/*``) need an API account with the B2B Edition scope; enable
``account-statements`` and ``onboarding``'s company welcome packs only on B2B Edition stores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bcx.errors import ConfigurationError

#: use case (consumer group ``bcx-<name>``) → the scopes whose events it needs enriched
ScopeTable = Mapping[str, tuple[str, ...]]


def check_use_cases(use_cases: Iterable[str], table: ScopeTable) -> tuple[str, ...]:
    """The use cases, de-duplicated in order; :class:`ConfigurationError` naming any unknown one."""
    chosen = tuple(dict.fromkeys(u.strip() for u in use_cases if u.strip()))
    unknown = [u for u in chosen if u not in table]
    if unknown:
        raise ConfigurationError(
            f"unknown use case(s) {', '.join(unknown)}; known: {', '.join(sorted(table))}"
        )
    return chosen


def wanted_scopes(use_cases: Iterable[str], table: ScopeTable) -> dict[str, tuple[str, ...]]:
    """Every scope the use cases need → the use cases needing it (scopes sorted, use cases in given order)."""
    needed: dict[str, list[str]] = {}
    for use_case in check_use_cases(use_cases, table):
        for scope in table[use_case]:
            needed.setdefault(scope, []).append(use_case)
    return {scope: tuple(needed[scope]) for scope in sorted(needed)}
