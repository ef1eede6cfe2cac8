"""One HTTP/1.1 keep-alive connection on asyncio streams, failing with httpx's exceptions.

Used by :class:`bcx.exstream.pool.PooledTransport`. A request is sent whole and its response read whole
(Exstream replies are bounded documents), so a connection is either busy inside :meth:`Http11Connection.
exchange` or idle in the pool — there is no half-read stream to track. Responses are parsed by httptools
(llhttp, in C: h11 in pure Python cost a quarter of the client's CPU per call). Timeouts follow httpx's
meaning: ``connect`` for opening (TCP and TLS), ``write`` per write, ``read`` per read.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import ssl

import httptools
import httpx

READ_SIZE = 64 * 1024


_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_ILLEGAL_IN_VALUE = re.compile(rb"[\r\n\0]")


def serialize_request(method: bytes, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes) -> bytes:
    """The request's bytes; ``headers`` as httpx built them (Host, Content-Length or chunked, …)."""
    lines = [method + b" " + target + b" HTTP/1.1"]
    chunked = False
    for name, value in headers:
        if _TOKEN.fullmatch(name) is None or _ILLEGAL_IN_VALUE.search(value) is not None:
            raise httpx.LocalProtocolError(f"illegal header {name!r}")
        if name.lower() == b"transfer-encoding" and value.lower() == b"chunked":
            chunked = True
        lines.append(name + b": " + value)
    head = b"\r\n".join(lines) + b"\r\n\r\n"
    if chunked:
        # httpx announced a streamed body; it has been read whole, so it travels as one chunk.
        return head + (b"%x\r\n%b\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n"
    return head + body


class ResponseReader:
    """httptools callbacks collecting one response (1xx interim responses skipped)."""

    def __init__(self, *, head_only: bool) -> None:
        self.head_only = head_only
        self.parser = httptools.HttpResponseParser(self)
        self.status = 0
        self.reason = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.headers_done = False
        self.done = False
        self.delimited = False  # Content-Length or chunked: the body's end is known without EOF
        self.keep_alive = False
        self.trailing = False  # bytes after the response: the connection's framing cannot be trusted

    def on_message_begin(self) -> None:
        self.trailing = self.done

    def on_status(self, status: bytes) -> None:
        if not self.done:
            self.reason += status

    def on_header(self, name: bytes, value: bytes) -> None:
        if self.done:
            return
        self.headers.append((name, value))
        lowered = name.lower()
        if lowered == b"content-length" or (lowered == b"transfer-encoding" and b"chunked" in value.lower()):
            self.delimited = True

    def on_headers_complete(self) -> None:
        if self.done:
            return
        self.status = self.parser.get_status_code()
        self.headers_done = self.status >= 200
        # llhttp forgets this once the message is complete, so ask while the headers are fresh.
        self.keep_alive = self.parser.should_keep_alive()
        if self.status in (204, 304):
            self.delimited = True  # never a body
        if self.head_only and self.headers_done:
            self.done = True

    def on_body(self, body: bytes) -> None:
        if not self.done:
            self.chunks.append(body)

    def on_message_complete(self) -> None:
        if self.done:
            return
        if self.status < 200:  # 100 Continue and friends: the real response follows
            self.reason, self.headers, self.chunks, self.delimited = b"", [], [], False
            return
        self.done = True


class Http11Connection:
    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, origin: tuple[str, str, int]
    ) -> None:
        self.origin = origin
        self._reader = reader
        self._writer = writer
        self._keep_alive = True
        self.idle_since = 0.0

    @classmethod
    async def open(
        cls,
        origin: tuple[str, str, int],
        *,
        ssl_context: ssl.SSLContext,
        timeout_s: float | None,
        request: httpx.Request,
    ) -> Http11Connection:
        """A new connection to ``origin`` (scheme, host, port); TLS for https."""
        scheme, host, port = origin
        tls = ssl_context if scheme == "https" else None
        try:
            async with asyncio.timeout(timeout_s):
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=tls, server_hostname=host if tls else None, limit=READ_SIZE
                )
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(f"connecting to {host}:{port} timed out", request=request) from exc
        except OSError as exc:  # ssl.SSLError is an OSError
            raise httpx.ConnectError(f"{type(exc).__name__}: {exc}", request=request) from exc
        return cls(reader, writer, origin)

    def reusable(self) -> bool:
        """The last exchange completed with keep-alive, and the server has not closed its end since."""
        return self._keep_alive and not self._reader.at_eof() and not self._writer.is_closing()

    async def exchange(
        self, request: httpx.Request, *, write_timeout_s: float | None, read_timeout_s: float | None
    ) -> httpx.Response:
        """Send ``request`` and return its complete response; the connection is reusable afterwards if
        :meth:`reusable` says so (a failed exchange leaves it unusable)."""
        self._keep_alive = False
        body = await request.aread()
        data = serialize_request(
            request.method.encode("ascii"), request.url.raw_path, request.headers.raw, body
        )
        await self._write(data, write_timeout_s, request)
        reader = ResponseReader(head_only=request.method == "HEAD")
        await self._read_response(reader, read_timeout_s, request)
        self._keep_alive = reader.delimited and not reader.trailing and reader.keep_alive
        return httpx.Response(
            reader.status,
            headers=reader.headers,
            stream=httpx.ByteStream(b"".join(reader.chunks)),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": reader.reason},
            request=request,
        )

    async def _write(self, data: bytes, timeout_s: float | None, request: httpx.Request) -> None:
        try:
            self._writer.write(data)
            if self._writer.transport.get_write_buffer_size() > READ_SIZE:
                async with asyncio.timeout(timeout_s):
                    await self._writer.drain()
        except TimeoutError as exc:
            raise httpx.WriteTimeout("writing the request timed out", request=request) from exc
        except OSError as exc:
            raise httpx.WriteError(f"{type(exc).__name__}: {exc}", request=request) from exc

    async def _read_response(
        self, reader: ResponseReader, timeout_s: float | None, request: httpx.Request
    ) -> None:
        while not reader.done:
            data = await self._read(timeout_s, request)
            if not data:
                if reader.headers_done and not reader.delimited:
                    return  # a body delimited by the server closing the connection: complete
                detail = "a complete response" if reader.headers_done else "a response"
                # Without any response this is the usual shape of a keep-alive connection the server
                # closed just as it was reused.
                message = f"server disconnected without sending {detail}"
                raise httpx.RemoteProtocolError(message, request=request)
            try:
                reader.parser.feed_data(data)
            except httptools.HttpParserUpgrade as exc:
                raise httpx.RemoteProtocolError("unexpected protocol upgrade", request=request) from exc
            except httptools.HttpParserError as exc:
                raise httpx.RemoteProtocolError(f"malformed response: {exc}", request=request) from exc

    async def _read(self, timeout_s: float | None, request: httpx.Request) -> bytes:
        try:
            async with asyncio.timeout(timeout_s):
                return await self._reader.read(READ_SIZE)
        except TimeoutError as exc:
            raise httpx.ReadTimeout("reading the response timed out", request=request) from exc
        except OSError as exc:
            raise httpx.ReadError(f"{type(exc).__name__}: {exc}", request=request) from exc

    async def aclose(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError):  # the peer went away first: closed is closed
            await self._writer.wait_closed()
