"""The use-case scope table and HooksSettings."""

from __future__ import annotations

import re

import pytest
import yaml

from bcx.errors import ConfigurationError
from bcx.hooks.scopes import wanted_scopes
from bcx.hooks.settings import HookOptions, HooksSettings
from bcx.settings import load_settings
from consumers.registry import scopes_by_flow
from tests.deploy.support import ROOT
from tests.support.required import reference

#: documented on BigCommerce's events page but without an example body in the reference set
DOCUMENTED_ELSEWHERE = {
    "store/order/transaction/created",
    "store/order/transaction/updated",
    "store/company/created",
    "store/company/updated",
    "store/company/statusUpdated",
}
#: channel events (docs/integrations/webhooks/events/channels.mdx): the policy publisher's drift triggers,
#: one set per catalogue channel
CHANNEL_EVENT = re.compile(r"^store/channel/\d+/(page/created|page/updated|settings/checkout/updated)$")


class TestScopes:
    def test_every_scope_is_an_official_callback(self) -> None:
        """Each scope in the table has an official example callback or is a documented exception."""
        callbacks = reference("bigcommerce", "webhook-callbacks", "list.txt")
        names = callbacks.read_text(encoding="utf-8").split()
        official = {name.removesuffix(".json").replace("_", "/") for name in names}
        used = {scope for scopes in scopes_by_flow().values() for scope in scopes}
        assert {s for s in used - DOCUMENTED_ELSEWHERE if not CHANNEL_EVENT.match(s)} <= official

    def test_policy_drift_scopes_cover_every_catalogue_channel(self) -> None:
        """The policy publisher subscribes page and checkout events on channel 2 as well as channel 1."""
        wanted = wanted_scopes(["policy-publisher"], scopes_by_flow())
        for channel in (1, 2):
            assert f"store/channel/{channel}/page/updated" in wanted
            assert f"store/channel/{channel}/settings/checkout/updated" in wanted

    def test_wanted_scopes_merge_use_cases(self) -> None:
        """A scope needed by two use cases appears once, naming both."""
        wanted = wanted_scopes(["order-documents", "order-exceptions", "returns"], scopes_by_flow())
        assert wanted["store/order/statusUpdated"] == ("order-documents", "order-exceptions")
        assert wanted["store/order/refund/created"] == ("returns",)
        assert list(wanted) == sorted(wanted)

    def test_deployed_flows_subscribe_the_company_scopes(self) -> None:
        """The deployed hooks ConfigMap's flows include onboarding, so sync subscribes company scopes."""
        docs = list(
            yaml.safe_load_all((ROOT / "deploy/k8s/base/configmaps.yaml").read_text(encoding="utf-8"))
        )
        (hooks,) = [d for d in docs if d["metadata"]["name"] == "bcx-hooks"]
        enabled = hooks["data"]["BCX_HOOKS__USE_CASES"].split(",")
        wanted = wanted_scopes(enabled, scopes_by_flow())
        assert wanted["store/company/created"] == ("onboarding",)
        assert wanted["store/company/statusUpdated"] == ("onboarding",)
        assert "store/shipment/created" in wanted

    def test_unknown_use_case_is_a_configuration_error(self) -> None:
        """An unknown use case is refused with the known ones listed."""
        with pytest.raises(ConfigurationError, match="known: catalogs, customer-profiles"):
            wanted_scopes(["invoices"], scopes_by_flow())


class TestSettings:
    @pytest.fixture(autouse=True)
    def _a_store(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """``bcx hooks`` refuses to start without BigCommerce credentials."""
        monkeypatch.setenv("BCX_BIGCOMMERCE__STORES", '[{"store_hash": "s1", "access_token": "t"}]')

    def test_environment_configures_hooks(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """BCX_HOOKS__* set destination, secrets and comma-separated use cases; per-store secrets win."""
        monkeypatch.setenv("BCX_HOOKS__DESTINATION", "https://hooks.example.com/webhooks/bigcommerce")
        monkeypatch.setenv("BCX_HOOKS__SECRET", "default-secret")
        monkeypatch.setenv("BCX_HOOKS__STORE_SECRETS", '{"s2": "store-two-secret"}')
        monkeypatch.setenv("BCX_HOOKS__USE_CASES", "order-documents, returns")
        settings = load_settings(HooksSettings)
        assert settings.hooks.use_cases == ("order-documents", "returns")
        assert settings.hooks.endpoint("s1").headers() == {"X-Bcx-Webhook-Secret": "default-secret"}
        assert settings.hooks.endpoint("s2").headers() == {"X-Bcx-Webhook-Secret": "store-two-secret"}
        assert "default-secret" not in repr(settings)

    def test_use_cases_accept_json(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A JSON list of use cases is accepted too."""
        monkeypatch.setenv("BCX_HOOKS__USE_CASES", '["retention"]')
        assert load_settings(HooksSettings).hooks.use_cases == ("retention",)

    def test_bad_values_are_refused_without_echoing_them(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A misspelt use case or a destination with credentials fails naming the variable, not the value."""
        monkeypatch.setenv("BCX_HOOKS__DESTINATION", "https://user:hunter2@hooks.example.com/x")
        with pytest.raises(ConfigurationError, match="BCX_HOOKS__DESTINATION") as caught:
            load_settings(HooksSettings)
        assert "hunter2" not in str(caught.value)
        monkeypatch.delenv("BCX_HOOKS__DESTINATION")
        monkeypatch.setenv("BCX_HOOKS__USE_CASES", "order-documents,Order_Documents")
        with pytest.raises(ConfigurationError, match="BCX_HOOKS__USE_CASES"):
            load_settings(HooksSettings)

    def test_endpoint_needs_a_destination(self) -> None:
        """Without a destination no endpoint can be built, and the error names the variable."""
        with pytest.raises(ConfigurationError, match="BCX_HOOKS__DESTINATION"):
            HookOptions().endpoint("s1")
