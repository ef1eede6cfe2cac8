"""Pages and channel checkout settings in the simulator: strictly valid under the official specs, with the
semantics bcx's policy publisher relies on (merge on PUT, unique names, per-channel settings)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from bcx.bigcommerce.models import PageInput
from bcx.bigcommerce.models.checkout import ChannelCheckoutSettings
from simulators.bigcommerce.app import create_app
from simulators.bigcommerce.config import SimulatorConfig
from simulators.bigcommerce.webhooks import payloads
from tests.simulators.bigcommerce.strict import request_errors, strict_errors
from tests.simulators.bigcommerce.support import STORE, client_for

REST = {"X-Auth-Token": "sim-access-token"}
CONFIG = SimulatorConfig(orders=5, customers=5, companies=1)
CHECKOUT = "/checkouts/settings/channels/{channelId}"


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(CONFIG)) as test_client:
        yield test_client


def _check(spec: str, path: str, method: str, status: str, body: Any) -> None:
    errors = strict_errors(spec, path, method, status, body)
    assert errors == [], errors[:5]


class TestCheckoutSettingsContract:
    def test_read_and_write_answer_the_documented_body(self, client: TestClient) -> None:
        """GET and PUT of a channel's checkout settings validate strictly against ChannelCheckoutsSettings."""
        url = f"/stores/{STORE}/v3/checkouts/settings/channels/2"
        read = client.get(url, headers=REST)
        assert read.status_code == 200
        _check("checkouts.v3.yml", CHECKOUT, "get", "200", read.json())
        change = {"is_order_terms_and_conditions_enabled": True, "order_terms_and_conditions_type": "link"}
        assert request_errors("checkouts.v3.yml", CHECKOUT, "put", change) == []
        written = client.put(url, headers=REST, json=change)
        assert written.status_code == 200
        _check("checkouts.v3.yml", CHECKOUT, "put", "200", written.json())

    def test_put_changes_only_the_fields_in_the_body(self, client: TestClient) -> None:
        """Settings left out of the body keep their values; the ones sent are overwritten."""
        url = f"/stores/{STORE}/v3/checkouts/settings/channels/1"
        before = client.get(url, headers=REST).json()["data"]
        after = client.put(url, headers=REST, json={"order_terms_and_conditions_link": "/t/"}).json()["data"]
        assert after == {**before, "order_terms_and_conditions_link": "/t/"}

    @pytest.mark.parametrize(
        ("channel", "body"),
        [(9, {}), (1, {"is_order_terms_and_conditions_enabled": "yes"}), (1, {"not_a_setting": "x"})],
    )
    def test_unknown_channel_wrong_type_or_unknown_field_is_422(
        self, client: TestClient, channel: int, body: dict[str, Any]
    ) -> None:
        """An unknown channel, a mistyped value or an undeclared field is refused with 422."""
        response = client.put(
            f"/stores/{STORE}/v3/checkouts/settings/channels/{channel}", headers=REST, json=body
        )
        assert response.status_code == 422

    def test_channels_have_separate_settings(self, client: TestClient) -> None:
        """Changing channel 2 leaves channel 1 as it was."""
        base = f"/stores/{STORE}/v3/checkouts/settings/channels"
        before = client.get(f"{base}/1", headers=REST).json()
        client.put(f"{base}/2", headers=REST, json={"order_terms_and_conditions_textarea": "two"})
        assert client.get(f"{base}/1", headers=REST).json() == before


class TestPagesContract:
    def test_create_update_and_read_validate_strictly(self, client: TestClient) -> None:
        """POST, PUT by id and GET by channel of a policy page validate strictly against pages.v3."""
        base = f"/stores/{STORE}/v3/content/pages"
        new = {"type": "page", "name": "Conditions générales (fr-CA)", "channel_id": 2, "body": "<p>x</p>"}
        created = client.post(base, headers=REST, params={"include": "body"}, json=new)
        assert created.status_code == 201
        _check("pages.v3.yml", "/content/pages", "post", "201", created.json())
        page = created.json()["data"]
        assert page["url"] == "/conditions-g-n-rales-fr-ca/"
        updated = client.put(
            f"{base}/{page['id']}", headers=REST, params={"include": "body"}, json={"body": "v2"}
        )
        _check("pages.v3.yml", "/content/pages/{pageId}", "put", "200", updated.json())
        listed = client.get(base, headers=REST, params={"channel_id": "2", "include": "body"})
        _check("pages.v3.yml", "/content/pages", "get", "200", listed.json())
        assert [p["body"] for p in listed.json()["data"]] == ["v2"]

    def test_names_stay_unique_and_channels_must_exist(self, client: TestClient) -> None:
        """Renaming onto another page's name is a conflict; a page on an unknown channel is refused."""
        base = f"/stores/{STORE}/v3/content/pages"
        assert client.put(f"{base}/1", headers=REST, json={"name": "Privacy Policy"}).status_code == 409
        bad = {"type": "page", "name": "Elsewhere", "channel_id": 9, "body": ""}
        assert client.post(base, headers=REST, json=bad).status_code == 422


class TestClientCalls:
    def test_typed_checkout_calls_send_only_the_changed_fields(self) -> None:
        """The client reads typed settings and its write leaves every unsent setting untouched."""
        app = create_app(CONFIG)

        async def scenario() -> tuple[ChannelCheckoutSettings, ChannelCheckoutSettings]:
            async with client_for(app) as client:
                before = await client.get_channel_checkout_settings(STORE, 1)
                change = ChannelCheckoutSettings(order_terms_and_conditions_textarea="Terms v1")
                after = await client.update_channel_checkout_settings(STORE, 1, change)
            return before, after

        before, after = asyncio.run(scenario())
        assert after.order_terms_and_conditions_textarea == "Terms v1"
        assert after.model_dump(exclude={"order_terms_and_conditions_textarea"}) == before.model_dump(
            exclude={"order_terms_and_conditions_textarea"}
        )

    def test_typed_page_calls_filter_by_channel(self) -> None:
        """A page created on channel 2 is listed for channel 2 only."""
        app = create_app(CONFIG)

        async def scenario() -> tuple[int, list[int], list[int]]:
            async with client_for(app) as client:
                page = await client.create_page(
                    STORE, PageInput(type="page", name="AGB (de-DE)", channel_id=2, body="<p>AGB</p>")
                )
                two = [p.id for p in await client.list_pages(STORE, channel_id=2)]
                one = [p.id for p in await client.list_pages(STORE, channel_id=1)]
            return page.id, two, one

        created, two, one = asyncio.run(scenario())
        assert two == [created]
        assert created not in one


class TestChannelWebhooks:
    @pytest.mark.parametrize(
        ("event", "scope", "data"),
        [
            (payloads.page_created(1, 11), "store/channel/1/page/created", {"page_id": 11}),
            (payloads.page_updated(2, 12), "store/channel/2/page/updated", {"page_id": 12}),
            (payloads.checkout_settings_updated(2), "store/channel/2/settings/checkout/updated", {}),
        ],
    )
    def test_channel_events_have_the_documented_shape(
        self, event: tuple[str, dict[str, Any]], scope: str, data: dict[str, Any]
    ) -> None:
        """Channel events name the channel in the scope and carry only the resource id (channels.mdx)."""
        body = payloads.callback(event[0], store_id=1, store_hash="abc", data=event[1], created_at=1)
        assert (body["scope"], body["data"]) == (scope, data)
        assert json.loads(json.dumps(body))["producer"] == "stores/abc"
