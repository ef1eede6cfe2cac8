"""What a use case gives the runtime: a decoder of raw records and a processor of decoded values.

A processor does the work for one record (a document flow: routing facts → the document pipeline's
``DocumentStep`` per document; the enricher: API reads → snapshots) and returns once everything it
publishes has been acknowledged; the runtime then marks the record done. It signals failures by raising
(:mod:`consumers.stream.errors`, or any adapter error, which the executor's classifier maps). It never
commits, retries, sleeps or dead-letters: the runtime does. Records of one key reach it one at a time, in
offset order; other keys run concurrently.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from consumers.stream.records import SourceRecord

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)

Decoder = Callable[[SourceRecord], T]
GiveUpHook = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RecordContext:
    """The record being processed and which attempt this is (1 for the first, across retry-topic hops).

    A pipeline step that failed registers what must happen if the runtime gives the record up
    (:meth:`on_give_up`; the document step publishes its document's FAILED result there). Every hook of the
    record's last attempt runs once the record is dead-lettered, so each failed document of one record gets
    its own terminal result. Hooks of an attempt that is retried are dropped: the retry registers its own.
    """

    record: SourceRecord
    attempt: int
    group: str
    give_up_hooks: list[GiveUpHook] = field(default_factory=list, compare=False, repr=False)

    def on_give_up(self, hook: GiveUpHook) -> None:
        self.give_up_hooks.append(hook)


class Processor(Protocol[T_contra]):
    async def process(self, value: T_contra, ctx: RecordContext) -> None: ...
