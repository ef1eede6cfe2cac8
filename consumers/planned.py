"""Flows declared before their consumer exists (``build=None``): their hook scopes, consumer groups,
input topics and routing rules are part of the system already, so they are declared once here and checked
like built flows; they are neither deployed nor runnable. A flow moves from here to its own package's
``flow.py`` when its consumer lands (docs/adding-a-flow.md). Every flow of the eight has landed; the
tuple stays as the place the next one is declared first."""

from __future__ import annotations

from bcx.manifest import Flow

PLANNED: tuple[Flow, ...] = ()
