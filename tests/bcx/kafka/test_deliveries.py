"""Delivery reports resolved on the awaiting loop in batches, whatever thread served them."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from bcx.kafka.deliveries import DeliveryBatcher


class Err:
    def str(self) -> str:
        return "broker said no"


class Loop(asyncio.SelectorEventLoop):
    """Counts cross-thread hand-offs."""

    handoffs = 0

    def call_soon_threadsafe(  # type: ignore[override]  # counts, then defers to the real one
        self, callback: Any, *args: Any, context: Any = None
    ) -> asyncio.Handle:
        self.handoffs += 1
        return super().call_soon_threadsafe(callback, *args, context=context)


def batcher(errors: list[Any] | None = None) -> DeliveryBatcher[str]:
    return DeliveryBatcher(
        lambda msg: f"stored {msg}",
        lambda err: RuntimeError(err.str()),
        errors.append if errors is not None else None,
    )


class TestDeliveryBatcher:
    def test_reports_served_on_another_thread_resolve_their_futures_in_one_handoff(self) -> None:
        """Three acks served on a poll thread resolve three futures with one wake-up of the loop."""
        loop = Loop()
        deliveries = batcher()

        async def main() -> list[str]:
            pairs = [deliveries.future(asyncio.get_running_loop()) for _ in range(3)]

            def poll_thread() -> None:
                for i, (_, on_delivery) in enumerate(pairs):
                    on_delivery(None, i)
                deliveries.flush()

            threading.Thread(target=poll_thread).start()
            return [await future for future, _ in pairs]

        try:
            assert loop.run_until_complete(main()) == ["stored 0", "stored 1", "stored 2"]
            assert loop.handoffs == 1
        finally:
            loop.close()

    def test_a_refused_record_fails_its_future_and_tells_at_once(self) -> None:
        """An error report fails the future with the translated error and calls ``on_error`` right away
        (before any flush), so a transaction is known doomed at once."""
        errors: list[Any] = []
        deliveries = batcher(errors)

        async def main() -> None:
            future, on_delivery = deliveries.future(asyncio.get_running_loop())
            on_delivery(Err(), None)
            assert len(errors) == 1
            deliveries.flush()
            with pytest.raises(RuntimeError, match="broker said no"):
                await future

        asyncio.run(main())

    def test_a_cancelled_send_is_skipped_and_the_others_still_resolve(self) -> None:
        """A future cancelled by its task (abandoned) is left alone; its neighbours get their acks."""
        deliveries = batcher()

        async def main() -> str:
            loop = asyncio.get_running_loop()
            gone, on_gone = deliveries.future(loop)
            kept, on_kept = deliveries.future(loop)
            gone.cancel()
            on_gone(None, "a")
            on_kept(None, "b")
            assert deliveries.flush() == 2
            return await kept

        assert asyncio.run(main()) == "stored b"
