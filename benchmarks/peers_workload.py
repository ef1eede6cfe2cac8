"""The peers benchmark's workload and its judge: input records, paced producing, and checks from the outputs.

Every input record is JSON ``{"id", "k", "s", "d", "t", "ph"}``: a unique id, its key, its sequence
number within the key, the seconds its simulated call takes (50–150 ms, seeded), the intended send time
(epoch seconds) and the phase. A consumer under test sleeps ``d`` and writes the same JSON, with the
same key, to the output topic. Everything measured about a run is read back here from that topic
(``read_committed``, as a downstream consumer sees it): which ids arrived, how often, in which order per
key, and when: observed by this process (a result counts only once it is visible downstream) and, on
topics created with ``message.timestamp.type=LogAppendTime``, appended by the broker (its own clock).
"""

from __future__ import annotations

import itertools
import json
import math
import random
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import TIMESTAMP_LOG_APPEND_TIME, Consumer, Producer, TopicPartition


@dataclass(frozen=True)
class Record:
    id: int
    key: str
    seq: int
    call_s: float


def workload(n: int, keys: int, *, zipf: float | None, seed: int, prefix: str) -> list[Record]:
    """``n`` records over ``keys`` keys: round-robin (each key ``n/keys`` times) or Zipf-skewed (exponent)."""
    rng = random.Random(seed)
    if zipf is None:
        chosen = [i % keys for i in range(n)]
        rng.shuffle(chosen)  # same-key records spread through the topic, as real traffic is
    else:
        weights = [1 / (rank + 1) ** zipf for rank in range(keys)]
        chosen = rng.choices(range(keys), weights=weights, k=n)
    seqs: dict[int, int] = defaultdict(int)
    records = []
    for i, k in enumerate(chosen):
        records.append(Record(i, f"{prefix}{k}", seqs[k], round(rng.uniform(0.05, 0.15), 4)))
        seqs[k] += 1
    return records


def payload(record: Record, intended: float, phase: str) -> bytes:
    return json.dumps(
        {"id": record.id, "k": record.key, "s": record.seq, "d": record.call_s, "t": intended, "ph": phase},
        separators=(",", ":"),
    ).encode()


def produce(
    bootstrap: str, topic: str, records: list[Record], phase: str, rate: float | None = None
) -> float:
    """Produce ``records``; at ``rate``/s each at its intended time (late ones go at once, never skipped).

    Returns the start time. Latency counts from the intended time, so a producer that falls behind
    adds to latency instead of hiding it (no coordinated omission)."""
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "acks": "all"})
    producer.list_topics(topic, timeout=10)  # connected first: the schedule must not start with a burst
    start = time.time()
    for i, record in enumerate(records):
        intended = start if rate is None else start + i / rate
        if rate is not None and (wait := intended - time.time()) > 0:
            time.sleep(wait)
        value, key = payload(record, intended, phase), record.key.encode()
        while True:
            try:
                producer.produce(topic, value, key=key)
                break
            except BufferError:  # its queue full (over 100,000 records): wait for deliveries, then retry
                producer.poll(0.05)
        producer.poll(0)
    producer.flush(60)
    return start


@dataclass
class Seen:
    id: int
    key: str
    seq: int
    call_s: float
    intended: float
    phase: str
    observed: float
    partition: int
    offset: int
    appended: float = math.nan  # the broker's append time (LogAppendTime topics only; NaN otherwise)


@dataclass
class Collector:
    """Reads the output topic from the start, in a thread, until stopped; keeps every result it sees."""

    bootstrap: str
    topic: str
    partitions: int
    results: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Collector:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        consumer = Consumer(
            {
                "bootstrap.servers": self.bootstrap,
                "group.id": f"bench-judge-{uuid.uuid4().hex[:8]}",
                "enable.auto.commit": False,
                "isolation.level": "read_committed",
                "fetch.wait.max.ms": 10,
            }
        )
        consumer.assign([TopicPartition(self.topic, p, 0) for p in range(self.partitions)])
        try:
            while not self._stop.is_set():
                # consume(n, timeout) waits out its timeout unless n arrive: poll returns at the first
                # record, so a result is observed when it becomes visible, not up to 50 ms later
                first = consumer.poll(0.05)
                if first is None:
                    continue
                now = time.time()
                batch = [first, *consumer.consume(999, 0)]
                seen = [self._parse(m, now) for m in batch if m.error() is None]
                with self.lock:
                    self.results.extend(seen)
        finally:
            consumer.close()

    @staticmethod
    def _parse(msg: Any, now: float) -> Seen:
        v = json.loads(msg.value())
        kind, ms = msg.timestamp()
        appended = ms / 1000 if kind == TIMESTAMP_LOG_APPEND_TIME else math.nan
        return Seen(
            v["id"], v["k"], v["s"], v["d"], v["t"], v["ph"], now, msg.partition(), msg.offset(), appended
        )

    def ids(self, phase: str) -> set[int]:
        with self.lock:
            return {s.id for s in self.results if s.phase == phase}

    def wait_for(self, phase: str, n: int, *, stall_s: float, alive: Callable[[], bool]) -> bool:
        """Until ``n`` distinct ids of ``phase`` arrived; False when nothing new came for ``stall_s``."""
        count, last_change = -1, time.monotonic()
        while True:
            now_count = len(self.ids(phase))
            if now_count >= n:
                return True
            if now_count != count:
                count, last_change = now_count, time.monotonic()
            if time.monotonic() - last_change > stall_s or not alive():
                return False
            time.sleep(0.02)

    def stop(self, settle_s: float = 1.0) -> list[Seen]:
        time.sleep(settle_s)  # late duplicates (replays at shutdown) still count
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)
        with self.lock:
            return list(self.results)


@dataclass(frozen=True)
class Verdict:
    expected: int
    distinct: int
    lost: int
    duplicates: int
    keys_out_of_order: int
    last_observed: float
    p50_ms: float
    p99_ms: float
    overhead_p50_ms: float  # end-to-end minus the record's own call time

    @property
    def order(self) -> str:
        return "kept" if self.keys_out_of_order == 0 else f"broken ({self.keys_out_of_order} keys)"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


def judge(results: list[Seen], phase: str, expected: list[Record]) -> Verdict:
    """Loss, duplicates, per-key order and latency of one phase, from the results alone."""
    mine = sorted((s for s in results if s.phase == phase), key=lambda s: (s.partition, s.offset))
    first: dict[int, Seen] = {}
    by_key: dict[str, list[int]] = defaultdict(list)
    for s in mine:
        if s.id not in first:
            first[s.id] = s
            by_key[s.key].append(s.seq)  # a key's results share one partition: offsets give their order
    wanted = {r.id for r in expected}
    broken = sum(1 for seqs in by_key.values() if any(b < a for a, b in itertools.pairwise(seqs)))
    latencies = [(s.observed - s.intended) * 1000 for s in first.values() if s.id in wanted]
    overheads = [(s.observed - s.intended - s.call_s) * 1000 for s in first.values() if s.id in wanted]
    return Verdict(
        expected=len(wanted),
        distinct=len(wanted & first.keys()),
        lost=len(wanted - first.keys()),
        duplicates=len(mine) - len(first),
        keys_out_of_order=broken,
        last_observed=max((s.observed for s in first.values()), default=0.0),
        p50_ms=percentile(latencies, 0.5),
        p99_ms=percentile(latencies, 0.99),
        overhead_p50_ms=percentile(overheads, 0.5),
    )
