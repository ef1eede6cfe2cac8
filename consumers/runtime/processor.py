"""What a use case gives the runtime: a decoder of raw records and a processor of decoded values.

A processor does the work for one record (typically: routing facts → :class:`DocumentStep` per document)
and returns once every result it publishes has been acknowledged; the runtime then marks the record
done. It signals failures by raising (:mod:`consumers.runtime.errors`, or any adapter error, which
:mod:`consumers.runtime.classify` maps). It never commits, retries, sleeps or dead-letters: the runtime
does. Records of one key reach it one at a time, in offset order; other keys run concurrently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from consumers.runtime.records import SourceRecord

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)

Decoder = Callable[[SourceRecord], T]


@dataclass(frozen=True, slots=True)
class RecordContext:
    """The record being processed and which attempt this is (1 for the first, across retry-topic hops)."""

    record: SourceRecord
    attempt: int
    group: str


class Processor(Protocol[T_contra]):
    async def process(self, value: T_contra, ctx: RecordContext) -> None: ...
