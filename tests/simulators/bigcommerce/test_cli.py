"""``bcx sim bigcommerce`` and ``bcx sim webhooks`` are wired into the CLI with their options."""

from __future__ import annotations

from bcx_app.cli.main import build_parser


class TestParser:
    def test_serve_command_parses_sizes_limits_and_faults(self) -> None:
        """The simulator command accepts data size, stores, rate limit and fault options."""
        args = build_parser().parse_args(
            [
                "sim",
                "bigcommerce",
                "--orders",
                "100000",
                "--store-hash",
                "a",
                "--store-hash",
                "b",
                "--rate-limit",
                "150",
                "--error-rate",
                "0.1",
                "--port",
                "0",
            ]
        )
        assert (args.orders, args.store_hash, args.rate_limit, args.error_rate) == (
            100000,
            ["a", "b"],
            150,
            0.1,
        )
        assert callable(args.handler)

    def test_webhooks_command_parses_scenarios_and_options(self) -> None:
        """The sender command takes a target, repeated scenarios, the secrets and delivery options."""
        args = build_parser().parse_args(
            [
                "sim",
                "webhooks",
                "--target",
                "http://127.0.0.1:9/h",
                "--scenario",
                "refund",
                "--scenario",
                "all",
                "--client-secret",
                "s",
                "--secret-header",
                "X-S:v",
                "--duplicates",
                "0.5",
                "--reorder",
                "--burst",
                "3",
            ]
        )
        assert args.scenario == ["refund", "all"]
        assert (args.duplicates, args.reorder, args.burst) == (0.5, True, 3)
