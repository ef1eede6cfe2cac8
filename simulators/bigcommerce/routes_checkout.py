"""Channel checkout settings: ``GET|PUT /v3/checkouts/settings/channels/{channelId}`` (checkouts.v3.yml).

The PUT "will update all settings included in the request body. Any settings excluded will remain
unchanged": the simulator merges, so a client that sends a partial body keeps the rest, and one that sends
a whole stale copy overwrites what others changed since (why bcx reads, modifies and writes). Field types
follow ``ChannelCheckoutsSettings``; an unknown field or a wrong type is answered 422, as is an unknown
channel. The ``*_type`` and ``policy_consent`` enums are not listed in the spec: any string is kept.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulators.bigcommerce.paging import error, json_body, store_of
from simulators.bigcommerce.state import Record

_BOOLEAN = (
    "is_order_terms_and_conditions_enabled",
    "should_redirect_to_storefront_for_auth",
    "order_confirmation_use_custom_checkout_script",
    "custom_checkout_supports_uco_settings",
)
_STRING = (
    "checkout_type",
    "guest_checkout_type",
    "guest_checkout_for_existing_accounts",
    "policy_consent",
    "order_confirmation_contact_email",
    "order_terms_and_conditions_type",
    "order_terms_and_conditions_link",
    "order_terms_and_conditions_textarea",
    "custom_checkout_script_url",
    "custom_order_confirmation_script_url",
    "custom_checkout_sri_hash",
    "custom_order_confirmation_sri_hash",
)


def default_settings(channel_id: int, store_hash: str) -> Record:
    """A channel's settings before anyone changed them: one-page checkout, terms off."""
    return {
        "checkout_type": "one_page",
        "guest_checkout_type": "allow",
        "guest_checkout_for_existing_accounts": "allow",
        "policy_consent": "implicit",
        "order_confirmation_contact_email": f"orders+{channel_id}@{store_hash}.example.com",
        "is_order_terms_and_conditions_enabled": False,
        "order_terms_and_conditions_type": "link",
        "order_terms_and_conditions_link": "",
        "order_terms_and_conditions_textarea": "",
        "should_redirect_to_storefront_for_auth": False,
        "custom_checkout_script_url": "",
        "order_confirmation_use_custom_checkout_script": False,
        "custom_order_confirmation_script_url": "",
        "custom_checkout_supports_uco_settings": False,
        "custom_checkout_sri_hash": "",
        "custom_order_confirmation_sri_hash": "",
    }


def _problems(body: Any) -> dict[str, str]:
    if not isinstance(body, dict):
        return {"body": "must be an object"}
    found: dict[str, str] = {}
    for key, value in body.items():
        if key in _BOOLEAN:
            if not isinstance(value, bool):
                found[key] = "must be a boolean"
        elif key in _STRING:
            if not isinstance(value, str):
                found[key] = "must be a string"
        else:
            found[key] = "is not a checkout setting"
    return found


async def channel_settings(request: Request) -> Response:
    store = store_of(request)
    channel_id = request.path_params["channel_id"]
    if channel_id not in store.config.channel_ids:
        return error(422, "Invalid channelId or invalid request", channelId=f"unknown channel {channel_id}")
    if request.method == "PUT":
        body = await json_body(request)
        problems = _problems(body)
        if problems:
            return error(422, "Invalid channelId or invalid request", **problems)
    with store.lock:
        current = store.checkout_settings.setdefault(
            channel_id, default_settings(channel_id, store.store_hash)
        )
        if request.method == "PUT":
            current.update(body)
        data = dict(current)
    return JSONResponse({"data": data, "meta": {}})


V3_ROUTES = [
    Route("/checkouts/settings/channels/{channel_id:int}", channel_settings, methods=["GET", "PUT"]),
]
