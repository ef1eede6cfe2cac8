"""Status evaluation from /v3/hooks/admin, and the safe printing of URLs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr

from bcx.bigcommerce.models.webhooks import HooksAdmin
from bcx.hooks.plan import Endpoint
from bcx.hooks.render import status_text
from bcx.hooks.status import display_url, domain_of, evaluate_status

DEST = "https://hooks.example.com/webhooks/bigcommerce"
SECRET = "status-secret-value"
ENDPOINT = Endpoint(DEST, "X-Bcx-Webhook-Secret", SecretStr(SECRET))
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WANTED = {"store/order/created": ("order-documents",), "store/order/refund/created": ("returns",)}


def admin_hook(hook_id: int, scope: str, status: str = "active", **overrides: Any) -> dict[str, Any]:
    return {
        "id": hook_id,
        "scope": scope,
        "destination": DEST,
        "headers": {"X-Bcx-Webhook-Secret": SECRET},
        "is_active": status == "active",
        "status": status,
    } | overrides


def admin(hooks: list[dict[str, Any]], blocked: list[dict[str, Any]] | None = None) -> HooksAdmin:
    return HooksAdmin.model_validate(
        {"emails": ["ops@example.com"], "hooks_list": hooks, "blocked_domains": blocked or []}
    )


class TestEvaluate:
    def test_all_needed_hooks_active_is_healthy(self) -> None:
        """Every wanted scope with an active hook of ours and no blocked domain is healthy."""
        report = evaluate_status(
            "s1",
            WANTED,
            admin([admin_hook(1, "store/order/created"), admin_hook(2, "store/order/refund/created")]),
            ENDPOINT,
            NOW,
        )
        assert report.healthy
        assert [r.use_cases for r in report.hooks] == [("order-documents",), ("returns",)]

    def test_deactivated_and_missing_hooks_are_problems(self) -> None:
        """A deactivated needed hook and a needed scope without any hook both make the report unhealthy."""
        report = evaluate_status(
            "s1", WANTED, admin([admin_hook(1, "store/order/created", "deactivated")]), ENDPOINT, NOW
        )
        assert not report.healthy
        assert report.problems == (
            "store/order/created: hook 1 deactivated",
            "store/order/refund/created: no hook (needed by returns)",
        )
        assert [(r.scope, r.status) for r in report.hooks] == [
            ("store/order/created", "deactivated"),
            ("store/order/refund/created", "missing"),
        ]

    def test_an_active_hook_with_a_stale_secret_is_drift(self) -> None:
        """A needed hook that is active but sends another secret value is a problem sync would fix."""
        stale = admin_hook(1, "store/order/created", headers={"X-Bcx-Webhook-Secret": "old"})
        report = evaluate_status("s1", {"store/order/created": ("x",)}, admin([stale]), ENDPOINT, NOW)
        assert report.problems == ("store/order/created: hook 1 has a different headers",)
        assert report.hooks[0].drift == ("headers",)

    def test_our_blocked_domain_reports_when_it_unblocks(self) -> None:
        """Our destination's blocked host is a problem with its unblock time; others are only listed."""
        blocked = [
            {
                "destination": "https://hooks.example.com",
                "time_left": 150,
                "reasons": [{"failure_description": "timeout", "count": 40}],
            },
            {"destination": "erp.example.net", "time_left": 30},
        ]
        hooks = [admin_hook(1, "store/order/created"), admin_hook(2, "store/order/refund/created")]
        report = evaluate_status("s1", WANTED, admin(hooks, blocked), ENDPOINT, NOW)
        ours, other = report.blocked
        assert (ours.ours, ours.unblocks_at, ours.reasons) == (
            True,
            datetime(2026, 3, 1, 12, 2, 30, tzinfo=UTC),
            ("timeout (40x)",),
        )
        assert not other.ours
        assert report.problems == (
            "destination domain hooks.example.com blocked for 150 s (until 2026-03-01T12:02:30+00:00)",
        )

    def test_foreign_hooks_are_listed_but_do_not_count(self) -> None:
        """Another integration's deactivated hook appears in the list without making us unhealthy."""
        foreign = admin_hook(
            7, "store/order/created", "deactivated", destination="https://erp.example.net/in", headers=None
        )
        report = evaluate_status(
            "s1",
            {"store/order/refund/created": ("returns",)},
            admin([foreign, admin_hook(2, "store/order/refund/created")]),
            ENDPOINT,
            NOW,
        )
        assert report.healthy
        assert report.hooks[-1].ours is False


class TestPrinting:
    def test_urls_lose_credentials_and_query(self) -> None:
        """Printed URLs drop userinfo, query strings and fragments, which may carry tokens."""
        assert (
            display_url("https://u:pw@h.example.com:8443/p?token=abc#x") == "https://h.example.com:8443/p?..."
        )
        assert display_url("h.example.com/path?k=v") == "h.example.com/path"
        assert domain_of("HTTPS://Hooks.Example.com/x") == "hooks.example.com"
        assert domain_of("hooks.example.com:443") == "hooks.example.com"

    def test_status_text_never_contains_the_secret(self) -> None:
        """The rendered status names hooks and problems but never a header value."""
        report = evaluate_status(
            "s1", WANTED, admin([admin_hook(1, "store/order/created", "deactivated")]), ENDPOINT, NOW
        )
        text = status_text(report)
        assert SECRET not in text
        assert "PROBLEM store/order/created: hook 1 deactivated" in text
        assert text.endswith("s1: UNHEALTHY")
