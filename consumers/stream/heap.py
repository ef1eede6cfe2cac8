"""The garbage collector of a process on the stream runtime, settled once start-up is over.

Why: a consumer under load allocates a few container objects per record (its ``SourceRecord``, the
coroutine and context of its attempt, its completion), and CPython's cycle collector runs every 700 net
allocations. Its full collections walk every object the process holds — ~78,000 after bcx's imports and
start-up (pydantic models, the Avro schemas, httpx, prometheus), nearly none of which ever becomes garbage.
In the peers benchmark at window 2,048 (60,000 records) the collector took 0.25–0.52 s, 4–9 µs of the
~33 µs of CPU a record costs (timed with ``gc.callbacks``, an ad-hoc measurement written up in
docs/benchmarks.md). ``gc.freeze()`` moves what start-up made into a generation no collection walks, and
a first generation of 5,000 instead of 700 lets most per-record objects die by reference count before a
collection looks at them: 0.06–0.1 s in the same runs, start-up's own collection included (1–2 µs).

What it costs: an object made during start-up that later becomes part of an unreachable cycle is never
freed (start-up makes its long-lived objects and nothing else), and up to 5,000 objects of cyclic garbage
may wait for the next collection instead of 700.

Only the main thread settles the heap, as only it installs signal handlers: a runtime started in a thread
(the tests, an embedding application) does not own the process.
"""

from __future__ import annotations

import gc
import threading

FIRST_GENERATION = 5000  # CPython's default is 700; the older generations keep theirs (10, 10)


def settle_heap() -> bool:
    """Collect start-up's garbage, freeze what is left, raise the first generation's threshold; True when
    done (the caller is the process's main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    gc.collect()  # start-up's garbage first: what is frozen is never collected
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(FIRST_GENERATION, second, third)
    return True
