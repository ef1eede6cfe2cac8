"""Typed mapping of BigCommerce API models onto the ``commerce.*`` contract records, one module per topic.

Field by field and explicit (no reflection): a field renamed on either side fails type checking, a value that
does not fit fails the contract's validation; tests run the official spec examples through it.
"""

from __future__ import annotations

import json
from typing import Any


def text(value: Any) -> str | None:
    """A loosely typed BigCommerce value as contract text: ``None`` kept, strings as they are, lists and
    objects (checkbox form fields) as sorted JSON, other scalars as ``str``."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)
