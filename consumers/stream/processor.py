"""What a use case gives the runtime: a decoder of raw records and a processor of decoded values.

A processor does the work for one record (a document flow: routing facts → the document pipeline's
``DocumentStep`` per document; the enricher: API reads → snapshots) and returns once everything it
publishes has been acknowledged; the runtime then marks the record done. It signals failures by raising
(:mod:`consumers.stream.errors`, or any adapter error, which the executor's classifier maps). It never
commits, retries, sleeps or dead-letters: the runtime does. Records of one key reach it one at a time, in
offset order; other keys run concurrently.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

from consumers.stream.records import SourceRecord

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)

Decoder = Callable[[SourceRecord], T]
GiveUpHook = Callable[[], Awaitable[None]]


class RecordContext:
    """The record being processed and which attempt this is (1 for the first, across retry-topic hops).

    A pipeline step that failed registers what must happen if the runtime gives the record up
    (:meth:`on_give_up`; the document step publishes its document's FAILED result there). Every hook of the
    record's last attempt runs once the record is dead-lettered, so each failed document of one record gets
    its own terminal result. Hooks of an attempt that is retried are dropped: the retry registers its own.

    A slotted class rather than a frozen dataclass: one is made per attempt, and the dataclass set each
    field through ``object.__setattr__`` and built a hook list most records never use (0.36 µs by timeit;
    this 0.09 µs). Its fields are read-only properties."""

    __slots__ = ("_attempt", "_group", "_hooks", "_record")

    def __init__(self, record: SourceRecord, attempt: int, group: str) -> None:
        self._record = record
        self._attempt = attempt
        self._group = group
        self._hooks: list[GiveUpHook] | None = None

    @property
    def record(self) -> SourceRecord:
        return self._record

    @property
    def attempt(self) -> int:
        return self._attempt

    @property
    def group(self) -> str:
        return self._group

    @property
    def give_up_hooks(self) -> Sequence[GiveUpHook]:
        return self._hooks if self._hooks is not None else ()

    def on_give_up(self, hook: GiveUpHook) -> None:
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)

    def __repr__(self) -> str:
        r = self._record
        where = f"{r.topic}[{r.partition}]@{r.offset}"
        return f"RecordContext({where}, attempt={self._attempt}, group={self._group})"


class Processor(Protocol[T_contra]):
    async def process(self, value: T_contra, ctx: RecordContext) -> None: ...
