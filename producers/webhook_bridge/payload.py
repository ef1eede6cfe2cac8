"""Parsing a BigCommerce callback body: tolerant of every documented payload family, strict about essentials.

Required: a JSON object with ``scope`` (``store/…``), ``producer`` (``stores/{store_hash}``) and an integer
``created_at`` (unix seconds; a string of digits is tolerated). Optional: ``store_id`` (string or integer;
channel-scoped events omit it), ``hash``, ``data`` (an object; absent means ``{}``). Extra fields are ignored.

The resource an event is about (the Kafka key's ``type:id``) is found per family:

- store events: ``data.type`` + ``data.id``;
- ``data.type`` without ``id`` (``store/order/transaction/*``): ``data.{type}_id``;
- ``data.type`` names a resource (anything but ``store``) and neither id is usable: 422
  ``invalid_resource_id``: keying it by the store would put an unidentifiable record on the wire;
- inventory-location events (``store/inventory/…``): ``variant_id``, ``product_id`` or ``location_id``;
- channel, B2B, metafield events (no ``type``/``id``): the most specific noun of the
  scope that has a ``{noun}_id`` in ``data`` (``store/company/user/created`` → ``user_id``), then
  ``metafield_id``, ``variant_id``, ``product_id``, ``location_id``, ``uuid``;
- nothing identifies a resource and no ``data.type`` claims one (``store/information/updated`` has
  ``type: store``, ``store/app/uninstalled`` no data): the store itself, ``{first noun or "store"}:{hash}``.

The Kafka key joins ``store_hash:resource_type:resource_id`` with colons, so a colon in the type or the id
is refused (422) rather than escaped: BigCommerce's types are nouns and its ids integers or UUIDs.
Numbers outside a double's range (``1e400``) are malformed JSON (400): Python would read them as infinity
and write ``Infinity``, which is not JSON.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, NamedTuple

from producers.webhook_bridge.errors import PayloadRejected

_SCOPE = re.compile(r"^store(/[A-Za-z0-9_.{}-]+)+$")
_PRODUCER = re.compile(r"^stores/([A-Za-z0-9_-]{1,64})$")
_CHANNEL_ID = re.compile(r"^(\d+|\{[a-z_]+\})$")
MAX_TEXT = 256
# created_at must fit a datetime (year ≤ 9999) and Avro timestamp-millis
MAX_CREATED_AT = 253_402_300_799
_INVENTORY_ID_KEYS = ("variant_id", "product_id", "location_id")
_FALLBACK_ID_KEYS = ("metafield_id", "variant_id", "product_id", "location_id", "uuid")


class Callback(NamedTuple):
    """The parts of a callback the bridge uses; ``data_json`` is ``data`` re-serialised losslessly.

    Immutable; a tuple rather than a frozen dataclass because it is built once per request and a frozen
    dataclass's ``__init__`` costs several times more."""

    scope: str
    producer: str
    store_hash: str
    store_id: str | None
    hash: str | None
    created_at: int
    data_json: str
    resource_type: str
    resource_id: str


def _reject(reason: str, detail: str = "") -> PayloadRejected:
    return PayloadRejected(422, reason, detail)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400: would be written back as Infinity
        raise ValueError("number out of range")
    return value


# Built once: json.loads/json.dumps with any non-default option build a new decoder/encoder per call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite)
# ensure_ascii keeps lone surrogates (legal in JSON text, illegal in UTF-8) as escapes: lossless;
# allow_nan=False: never write NaN/Infinity even if one got past the decoder
_DATA_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def _load(body: bytes) -> Any:
    try:
        # what json.loads does with bytes (UTF-8/16/32 detection), with the prebuilt decoder
        return _DECODER.decode(body.decode(json.detect_encoding(body), "surrogatepass"))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, NaN, huge ints, deep nesting
        raise PayloadRejected(400, "malformed_json", type(exc).__name__) from None


def _text(value: Any, field: str, *, required: bool) -> str | None:
    """A short, valid-Unicode string (Avro strings are UTF-8); ints are accepted for id-like fields."""
    if value is None:
        if required:
            raise _reject(f"missing_{field}")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _reject(f"invalid_{field}", f"{field} must be a string")
    text = str(value)
    if not text or len(text) > MAX_TEXT or not text.isprintable():
        raise _reject(f"invalid_{field}", f"{field} must be 1-{MAX_TEXT} printable characters")
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _reject(f"invalid_{field}", f"{field} is not valid Unicode") from None
    return text


def _created_at(value: Any) -> int:
    if value is None:
        raise _reject("missing_created_at")
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CREATED_AT:
        raise _reject("invalid_created_at", "created_at must be unix seconds")
    return value


def _id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    text = _text(value, "resource_id", required=True) or ""
    if ":" in text:
        raise _reject("invalid_resource_id", "resource_id must not contain ':'")
    return text


def _type(value: str) -> str:
    text = _text(value, "resource_type", required=True) or value
    if ":" in text:
        raise _reject("invalid_resource_type", "resource_type must not contain ':'")
    return text


def _nouns(scope: str) -> list[str]:
    """The resource nouns of a scope: ``store/channel/1/cart/converted`` → ``["cart"]``."""
    parts = scope.split("/")[1:-1]
    if len(parts) >= 2 and parts[0] == "channel" and _CHANNEL_ID.match(parts[1]):
        parts = parts[2:]
    return parts


def resource_of(scope: str, data: dict[str, Any], store_hash: str) -> tuple[str, str]:
    """``(resource_type, resource_id)`` by the rules in the module docstring."""
    type_ = data.get("type")
    type_ = type_ if isinstance(type_, str) and type_ else None
    if type_ is not None:
        type_ = _type(type_)
        found = _id(data.get("id"))
        if found is None:
            found = _id(data.get(f"{type_}_id"))
        if found is not None:
            return type_, found
        if type_ != "store":
            raise _reject("invalid_resource_id", "data.type names a resource but data has no usable id")
        return type_, store_hash
    nouns = _nouns(scope)
    if nouns and nouns[0] == "inventory":  # inventory-location: the stock is about a variant or product
        for key in _INVENTORY_ID_KEYS:
            found = _id(data.get(key))
            if found is not None:
                return key.removesuffix("_id"), found
    for noun in reversed(nouns):
        found = _id(data.get(f"{noun}_id"))
        if found is not None:
            return _type(noun), found
    for key in _FALLBACK_ID_KEYS:
        found = _id(data.get(key))
        if found is not None:
            noun = nouns[-1] if key == "uuid" and nouns else key.removesuffix("_id")
            return _type(noun), found
    return _type(nouns[0] if nouns else "store"), store_hash


def parse_callback(body: bytes) -> Callback:
    """The callback in ``body``, or :class:`PayloadRejected` (400 not JSON, 422 missing/invalid fields)."""
    document = _load(body)
    if not isinstance(document, dict):
        raise _reject("not_an_object", "the body must be a JSON object")
    scope = _text(document.get("scope"), "scope", required=True) or ""
    if not _SCOPE.match(scope):
        raise _reject("invalid_scope", "scope must look like store/<resource>/<event>")
    producer = _text(document.get("producer"), "producer", required=True) or ""
    match = _PRODUCER.match(producer)
    if match is None:
        raise _reject("invalid_producer", "producer must be stores/{store_hash}")
    store_hash = match.group(1)
    created_at = _created_at(document.get("created_at"))
    data = document.get("data", {})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise _reject("invalid_data", "data must be an object")
    resource_type, resource_id = resource_of(scope, data, store_hash)
    return Callback(
        scope=scope,
        producer=producer,
        store_hash=store_hash,
        store_id=_text(document.get("store_id"), "store_id", required=False),
        hash=_text(document.get("hash"), "hash", required=False),
        created_at=created_at,
        data_json=_DATA_ENCODER.encode(data),
        resource_type=resource_type,
        resource_id=resource_id,
    )
