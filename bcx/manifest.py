"""The shape of a process declaration: what a consumer process or a flow says about itself, once.

A flow package exports one :class:`Flow` (``consumers/<package>/flow.py``); the enricher exports a
:class:`ConsumerProcess`. Everything else that used to repeat a flow's name — the consumer registry, the
hook scopes ``bcx hooks sync`` subscribes, the consumer groups and their DLQ/retry/ledger topics in
``deploy/topics.yaml``, routing's use-case names, the demo's process list, the Kubernetes and Compose
entries — is derived from these declarations or checked against them by a test
(``tests/app/test_manifest_consistency.py``). This module only defines the shape: the core imports no flow.

One spelling: ``name`` is kebab case (``order-documents``). The two other spellings are derived, never
written down: the consumer group ``bcx-<name>`` and the routing/ledger name ``name`` with ``_`` for ``-``
(``order_documents``), which idempotency keys and ``documents.results.v1`` already carry, so it stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bcx.settings import ProcessSettings

_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def use_case_name(name: str) -> str:
    """``order-documents`` → ``order_documents``: the spelling of routing rules and idempotency keys."""
    return name.replace("-", "_")


@dataclass(frozen=True, kw_only=True)
class ConsumerProcess:
    """A long-running consumer-group process: ``bcx <argv>``, its group, input topics and settings."""

    name: str
    summary: str
    input_topics: tuple[str, ...]
    argv: tuple[str, ...]
    #: the process's own settings model(s) beyond what every consumer loads; the deploy tests check every
    #: ``BCX_*`` variable a container gets against them
    settings: tuple[type[ProcessSettings], ...] = ()

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"process name {self.name!r} must be kebab case, e.g. order-documents")
        if not self.input_topics:
            raise ValueError(f"process {self.name} declares no input topic")

    @property
    def group(self) -> str:
        """The consumer group (and the prefix of its ``.dlq.v1``/``.retry.v1``/``.ledger.v1`` topics)."""
        return f"bcx-{self.name}"


@dataclass(frozen=True, kw_only=True)
class Flow(ConsumerProcess):
    """A use case: a consumer group deciding documents through routing rules.

    ``build`` is ``build(services: consumers.runtime.Services) -> consumers.runtime.UseCase``; ``None``
    marks a *planned* flow — declared (scopes, group, topics, rules) so hooks, topics and rules agree
    before its consumer exists, but not deployed and not runnable.
    """

    argv: tuple[str, ...] = ()
    #: the BigCommerce webhook scopes whose events the flow needs enriched (``bcx hooks sync``)
    scopes: tuple[str, ...] = ()
    build: Callable[[Any], Any] | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.argv:
            object.__setattr__(self, "argv", ("consume", self.name))

    @property
    def use_case(self) -> str:
        """The routing rules' and idempotency keys' spelling of the name."""
        return use_case_name(self.name)

    @property
    def built(self) -> bool:
        return self.build is not None
