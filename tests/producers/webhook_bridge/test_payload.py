"""Parsing callbacks: every documented payload family, strict essentials, and no crash on any input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from producers.webhook_bridge.errors import PayloadRejected
from producers.webhook_bridge.payload import parse_callback, resource_of
from tests.producers.webhook_bridge.samples import (
    STORE,
    callback,
    encode,
    example_body,
    example_files,
    require_examples,
)

# The resource each official example is about: (resource_type, resource_id).
EXPECTED_RESOURCE = {
    "store_cart_abandoned.json": ("cart", "09346904-4175-44fd-be53-f7e598531b6c"),
    "store_cart_lineItem_created.json": ("cart_line_item", "743bfd94-d5dd-47c5-9c19-6eec32ca6119"),
    "store_customer_address_created.json": ("customer", "60"),
    "store_information_updated.json": ("store", STORE),
    "store_order_statusUpdated.json": ("order", "250"),
    "store_product_inventory_updated.json": ("product", "167"),
    "store_sku_inventory_updated.json": ("sku", "461"),
    "store_shipment_created.json": ("shipment", "12"),
    "store_subscriber_created.json": ("subscriber", "5"),
}


class TestOfficialExamples:
    @pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
    def test_every_example_parses(self, path: Path) -> None:
        """Each official example body parses, keeps its scope and data verbatim, and names the store."""
        parsed = parse_callback(example_body(path))
        document = json.loads(example_body(path))
        assert parsed.scope == document["scope"]
        assert parsed.store_hash == STORE
        assert json.loads(parsed.data_json) == document["data"]
        assert parsed.created_at == document["created_at"]
        assert parsed.resource_id

    @pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED_RESOURCE.items()))
    def test_resource_of_examples(self, name: str, expected: tuple[str, str]) -> None:
        """The resource (the key's type and id) of representative examples is the documented one."""
        require_examples()
        path = next(p for p in example_files() if p.name == name)
        parsed = parse_callback(example_body(path))
        assert (parsed.resource_type, parsed.resource_id) == expected


class TestPayloadFamilies:
    @pytest.mark.parametrize(
        ("scope", "data", "expected"),
        [
            ("store/channel/2/order/created", {"order_id": 250}, ("order", "250")),
            ("store/channel/2/cart/abandoned", {"cart_id": "c-1"}, ("cart", "c-1")),
            ("store/channel/2/page/updated", {"page_id": 7}, ("page", "7")),
            ("store/channel/2/script/created", {"uuid": "u-1"}, ("script", "u-1")),
            ("store/order/metafield/created", {"metafield_id": 9, "resource_id": "270"}, ("metafield", "9")),
            ("store/company/created", {"company_id": 11}, ("company", "11")),
            ("store/company/user/created", {"company_id": 11, "user_id": 4}, ("user", "4")),
            ("store/company/address/updated", {"company_id": 11, "address_id": 3}, ("address", "3")),
            ("store/quote/created", {"quote_id": 8, "quote_uuid": "q"}, ("quote", "8")),
            (
                "store/customer/channel/login/access/updated",
                {"customer_id": 32, "channel_ids": [1]},
                ("customer", "32"),
            ),
            ("store/inventory/location/updated", {"location_id": 2, "variant_id": 509}, ("variant", "509")),
            ("store/inventory/location/created", {"location_id": 2}, ("location", "2")),
            (
                "store/order/transaction/created",
                {"type": "transaction", "order_id": "250", "transaction_id": "t-9"},
                ("transaction", "t-9"),
            ),
            ("store/app/uninstalled", {}, ("app", STORE)),
            ("store/information/updated", {"type": "store"}, ("store", STORE)),
        ],
    )
    def test_family(self, scope: str, data: dict[str, Any], expected: tuple[str, str]) -> None:
        """Channel, metafield, B2B, inventory, transaction and store-level payloads find their resource."""
        assert resource_of(scope, data, STORE) == expected

    def test_integer_store_id_and_extra_fields(self) -> None:
        """An integer store_id (old docs) becomes a string and unknown top-level fields are ignored."""
        parsed = parse_callback(encode(callback(store_id=11111, extra={"x": 1})))
        assert parsed.store_id == "11111"

    def test_channel_events_without_store_id(self) -> None:
        """Channel-scoped events omit store_id; the callback is still accepted without one."""
        body = callback("store/channel/1/order/created", data={"order_id": 3})
        del body["store_id"]
        assert parse_callback(encode(body)).store_id is None

    def test_missing_data_is_an_empty_object(self) -> None:
        """A callback without data (store/app/uninstalled) is about the store itself."""
        body = callback("store/app/uninstalled")
        del body["data"]
        parsed = parse_callback(encode(body))
        assert (parsed.data_json, parsed.resource_type, parsed.resource_id) == ("{}", "app", STORE)

    def test_data_json_keeps_unicode_losslessly(self) -> None:
        """Non-ASCII and lone-surrogate escapes in data survive as JSON text decoding to the same value."""
        body = encode(callback(data={}))[:-1] + b',"data":{"n":"\\u00e9\\ud800"}}'
        parsed = parse_callback(body)
        assert json.loads(parsed.data_json) == {"n": "\u00e9\ud800"}
        parsed.data_json.encode("utf-8")


class TestRejections:
    @pytest.mark.parametrize("body", [b"", b"{", b"not json", b"\xff\xfe\x00", b'{"a": NaN}', b"[" * 100_000])
    def test_malformed_json_is_400(self, body: bytes) -> None:
        """Bodies that are not strict JSON are refused as malformed (400)."""
        with pytest.raises(PayloadRejected) as info:
            parse_callback(body)
        assert (info.value.status, info.value.reason) == (400, "malformed_json")

    @pytest.mark.parametrize(
        ("mutation", "reason"),
        [
            ({"scope": None}, "missing_scope"),
            ({"scope": "order/created"}, "invalid_scope"),
            ({"scope": "store/order created"}, "invalid_scope"),
            ({"producer": None}, "missing_producer"),
            ({"producer": "store/abc"}, "invalid_producer"),
            ({"producer": "stores/a:b"}, "invalid_producer"),
            ({"created_at": None}, "missing_created_at"),
            ({"created_at": "yesterday"}, "invalid_created_at"),
            ({"created_at": -1}, "invalid_created_at"),
            ({"created_at": 10**15}, "invalid_created_at"),
            ({"created_at": True}, "invalid_created_at"),
            ({"data": [1, 2]}, "invalid_data"),
            ({"store_id": {"id": 1}}, "invalid_store_id"),
            ({"hash": "x" * 300}, "invalid_hash"),
            ({"data": {"type": "order", "id": "a\nb"}}, "invalid_resource_id"),
        ],
    )
    def test_missing_or_invalid_field_is_422(self, mutation: dict[str, Any], reason: str) -> None:
        """A JSON object missing a required field, or with an invalid one, is refused precisely."""
        body = {k: v for k, v in {**callback(), **mutation}.items() if v is not None}
        with pytest.raises(PayloadRejected) as info:
            parse_callback(encode(body))
        assert (info.value.status, info.value.reason) == (422, reason)

    @pytest.mark.parametrize("body", [b"[]", b'"x"', b"1", b"null"])
    def test_non_object_is_422(self, body: bytes) -> None:
        """Valid JSON that is not an object is not a callback (422 not_an_object)."""
        with pytest.raises(PayloadRejected) as info:
            parse_callback(body)
        assert (info.value.status, info.value.reason) == (422, "not_an_object")

    def test_created_at_digit_string_is_tolerated(self) -> None:
        """A created_at sent as a string of digits is read as unix seconds."""
        assert parse_callback(encode(callback(created_at="1561479335"))).created_at == 1561479335


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
near_callbacks = st.fixed_dictionaries(
    {},
    optional={
        "scope": st.one_of(st.text(max_size=40), st.just("store/order/created"), json_values),
        "producer": st.one_of(st.just("stores/abc123"), st.text(max_size=20), json_values),
        "created_at": st.one_of(st.integers(), st.text(max_size=14), json_values),
        "store_id": json_values,
        "hash": json_values,
        "data": st.one_of(st.dictionaries(st.text(max_size=12), json_values, max_size=5), json_values),
    },
)


class TestParserProperties:
    @settings(max_examples=400, deadline=None)
    @given(st.binary(max_size=300))
    def test_arbitrary_bytes_never_crash(self, body: bytes) -> None:
        """Any byte string either parses or is refused with a 4xx PayloadRejected, never another exception."""
        status = 200
        try:
            parse_callback(body)
        except PayloadRejected as exc:
            status = exc.status
        assert status in (200, 400, 422)

    @settings(max_examples=400, deadline=None)
    @given(near_callbacks)
    def test_near_callbacks_parse_or_422(self, document: dict[str, Any]) -> None:
        """Objects shaped almost like callbacks parse into Avro-safe text, or are refused with 422."""
        try:
            parsed = parse_callback(json.dumps(document).encode())
        except PayloadRejected as exc:
            status = exc.status
            assert status == 422, exc.reason  # noqa: PT017 - a property over many inputs, not one raise
            return
        for text in (parsed.scope, parsed.resource_type, parsed.resource_id, parsed.data_json):
            text.encode("utf-8")
        assert json.loads(parsed.data_json) == (document.get("data") or {})
