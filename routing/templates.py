"""Choosing the Exstream communication (and its driver data source) for a document: the first entry whose
selectors all match the store, the locale (or its language) and the customer's segments or group.
"""

from __future__ import annotations

from routing.facts import RoutingFacts
from routing.ruleset import Communication, DocumentSpec


def choose_communication(spec: DocumentSpec, facts: RoutingFacts, locale: str) -> tuple[Communication, str]:
    """The communication to use and a sentence saying why it was chosen."""
    language = locale.split("-")[0]
    segments = set(facts.customer.segments)
    if facts.customer.group_name:
        segments.add(facts.customer.group_name)
    for index, comm in enumerate(spec.communications):
        reasons: list[str] = []
        if comm.stores is not None:
            if facts.store_hash not in comm.stores:
                continue
            reasons.append(f"store {facts.store_hash}")
        if comm.locales is not None:
            if locale not in comm.locales and language not in comm.locales:
                continue
            reasons.append(f"locale {locale}")
        if comm.segments is not None:
            hit = sorted(segments & comm.segments)
            if not hit:
                continue
            reasons.append(f"segment {', '.join(hit)}")
        why = "matches " + " and ".join(reasons) if reasons else "default communication"
        return comm, f"communications[{index}]: {why}"
    raise AssertionError("unreachable: the last communication of a document has no selectors")
