"""Bounded waits for delivery reports: results and errors cross from the poll thread, the bound holds,
and the producer's own future is never touched by an expiry or a cancellation."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

import pytest

from bcx.kafka.errors import ProduceError
from bcx.kafka.producer import Delivered
from producers.webhook_bridge.delivery import DeliveryExpired, DeliveryWaits

STORED = Delivered("t", 1, 42)


def resolve_from_thread(future: concurrent.futures.Future[Delivered], outcome: object) -> None:
    def run() -> None:
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            assert isinstance(outcome, Delivered)
            future.set_result(outcome)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


class TestDeliveryWaits:
    async def test_report_from_another_thread_resolves_the_wait(self) -> None:
        """A delivery report set on another thread is what the wait returns."""
        waits = DeliveryWaits(5.0)
        future: concurrent.futures.Future[Delivered] = concurrent.futures.Future()
        task = asyncio.ensure_future(waits.wait(future))
        await asyncio.sleep(0)
        resolve_from_thread(future, STORED)
        assert await task == STORED

    async def test_failed_delivery_raises_its_error(self) -> None:
        """A failed report raises the producer's error in the waiting handler."""
        waits = DeliveryWaits(5.0)
        future: concurrent.futures.Future[Delivered] = concurrent.futures.Future()
        task = asyncio.ensure_future(waits.wait(future))
        await asyncio.sleep(0)
        resolve_from_thread(future, ProduceError("broker said no", retriable=False, code="X"))
        with pytest.raises(ProduceError, match="broker said no"):
            await task

    async def test_many_reports_in_one_batch_each_reach_their_wait(self) -> None:
        """Reports queued together are each delivered to their own waiter, in any order."""
        waits = DeliveryWaits(5.0)
        futures: list[concurrent.futures.Future[Delivered]] = [concurrent.futures.Future() for _ in range(50)]
        tasks = [asyncio.ensure_future(waits.wait(f)) for f in futures]
        await asyncio.sleep(0)

        def run() -> None:
            for i, f in reversed(list(enumerate(futures))):
                f.set_result(Delivered("t", 0, i))

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
        assert [d.offset for d in await asyncio.gather(*tasks)] == list(range(50))

    async def test_already_delivered_future_returns_at_once(self) -> None:
        """A report that arrived before the wait began is returned."""
        waits = DeliveryWaits(5.0)
        future: concurrent.futures.Future[Delivered] = concurrent.futures.Future()
        future.set_result(STORED)
        assert await waits.wait(future) == STORED

    async def test_no_report_within_the_bound_expires_and_leaves_the_future_alone(self) -> None:
        """Without a report the wait raises DeliveryExpired; the producer's future stays pending, and a
        late report is dropped without error."""
        waits = DeliveryWaits(0.05, sweep_s=0.01)
        future: concurrent.futures.Future[Delivered] = concurrent.futures.Future()
        with pytest.raises(DeliveryExpired):
            await waits.wait(future)
        assert not future.done()
        resolve_from_thread(future, STORED)
        await asyncio.sleep(0.02)
        assert waits.pending() == 0

    async def test_cancelled_wait_does_not_cancel_the_delivery(self) -> None:
        """Cancelling the handler's wait (client gone, shutdown) never cancels the record's delivery."""
        waits = DeliveryWaits(5.0)
        future: concurrent.futures.Future[Delivered] = concurrent.futures.Future()
        task = asyncio.ensure_future(waits.wait(future))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not future.cancelled()
        resolve_from_thread(future, STORED)
        await asyncio.sleep(0)
        assert future.result() == STORED

    async def test_sweeper_stops_when_nothing_is_pending(self) -> None:
        """Once every wait is resolved and swept, no sweeper stays scheduled (an idle bridge does nothing)."""
        waits = DeliveryWaits(0.05, sweep_s=0.01)
        future: concurrent.futures.Future[Delivered] = concurrent.futures.Future()
        future.set_result(STORED)
        await waits.wait(future)
        await asyncio.sleep(0.03)
        assert waits.pending() == 0
        assert not waits.sweeping
