"""The heap a process on the stream runtime settles once started: frozen, with a larger first generation."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from consumers.stream.heap import FIRST_GENERATION, settle_heap


@pytest.fixture
def restored_gc() -> Iterator[None]:
    """The test process's own collector as it was (the test runs on pytest's main thread)."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored_gc")
def test_the_main_thread_freezes_start_up_and_raises_the_first_generation() -> None:
    _, second, third = gc.get_threshold()
    assert settle_heap() is True
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (FIRST_GENERATION, second, third)


@pytest.mark.usefixtures("restored_gc")
def test_start_up_garbage_is_collected_before_the_freeze() -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self

    gc.disable()  # no collection may free the cycle before settle_heap does
    try:
        cycle = Node()
        alive = weakref.ref(cycle)
        del cycle
        assert alive() is not None  # unreachable, but only the cycle collector frees it
        settle_heap()
        assert alive() is None  # collected, not frozen for the process's life
    finally:
        gc.enable()


@pytest.mark.usefixtures("restored_gc")
def test_a_runtime_started_in_a_thread_leaves_the_process_heap_alone() -> None:
    before = (gc.get_freeze_count(), gc.get_threshold())
    done: list[bool] = []
    thread = threading.Thread(target=lambda: done.append(settle_heap()))
    thread.start()
    thread.join()
    assert done == [False]
    assert (gc.get_freeze_count(), gc.get_threshold()) == before
