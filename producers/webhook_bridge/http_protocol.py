"""uvicorn's httptools protocol with a bound on the request head (request line and headers).

llhttp, the parser behind httptools, has no header size limit and uvicorn adds none, so an 8 MB header
value would be read into memory and handed to the app. This protocol counts the bytes received while a
request's head is incomplete (httptools buffers a header until it ends, so counting its callbacks alone
would bound nothing) and the head's parts as the parser reports them. Past ``max_header_bytes`` it answers
``431`` with the bridge's JSON error body and closes the connection: memory stays within the bound plus one
read. The endpoint checks the same bound (for any other server).
"""

from __future__ import annotations

import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_BODY = json.dumps({"error": "headers_too_large"}).encode()
_RESPONSE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: application/json\r\n"
    b"content-length: " + str(len(_BODY)).encode() + b"\r\n"
    b"connection: close\r\n\r\n" + _BODY
)


class HeadTooLarge(Exception):
    """Raised from a parser callback: llhttp stops and uvicorn's ``data_received`` answers (see below)."""


class BoundedHeadProtocol(HttpToolsProtocol):
    """Subclass with ``max_header_bytes`` set (:func:`bounded_protocol`)."""

    max_header_bytes = 16384

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0  # the head's parts, as parsed
        self._received_in_head = 0  # bytes received since the head began, parsed or buffered
        self._in_head = False  # a request began and its headers are not complete yet
        self._head_too_large = False

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self._in_head or self._head_too_large:
            return
        self._received_in_head += len(data)
        if self._received_in_head > self.max_header_bytes:
            self._head_too_large = True
            self.send_400_response("")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        self._in_head = True

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._received_in_head = 0
        super().on_headers_complete()

    def _count(self, size: int) -> None:
        self._head_bytes += size
        if self._head_bytes > self.max_header_bytes:
            self._head_too_large = True
            raise HeadTooLarge

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def send_400_response(self, msg: str) -> None:
        # uvicorn turns any parser-callback exception into a 400; ours is the head bound
        if not self._head_too_large:
            super().send_400_response(msg)
            return
        self.transport.write(_RESPONSE)
        self.transport.close()


def bounded_protocol(max_header_bytes: int) -> type[BoundedHeadProtocol]:
    """The protocol class to pass as ``uvicorn.Config(http=…)``."""
    return type("BoundedHeadProtocol", (BoundedHeadProtocol,), {"max_header_bytes": max_header_bytes})
