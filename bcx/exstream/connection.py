"""One HTTP/1.1 keep-alive connection on asyncio streams, framed by h11, failing with httpx's exceptions.

Used by :class:`bcx.exstream.pool.PooledTransport`. A request is sent whole and its response read whole
(Exstream replies are bounded documents), so a connection is either busy inside :meth:`Http11Connection.
exchange` or idle in the pool — there is no half-read stream to track. Timeouts follow httpx's meaning:
``connect`` for opening (TCP and TLS), ``write`` per write, ``read`` per read.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl

import h11
import httpx

READ_SIZE = 64 * 1024


class Http11Connection:
    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, origin: tuple[str, str, int]
    ) -> None:
        self.origin = origin
        self._reader = reader
        self._writer = writer
        self._h11 = h11.Connection(h11.CLIENT)
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
        """Idle, both sides done, and the server has not closed its end while we were not looking."""
        return (
            self._h11.our_state is h11.IDLE
            and self._h11.their_state is h11.IDLE
            and not self._reader.at_eof()
            and not self._writer.is_closing()
        )

    async def exchange(
        self, request: httpx.Request, *, write_timeout_s: float | None, read_timeout_s: float | None
    ) -> httpx.Response:
        """Send ``request`` and return its complete response; the connection is reusable afterwards if
        :meth:`reusable` says so."""
        body = await request.aread()
        head = h11.Request(method=request.method, target=request.url.raw_path, headers=request.headers.raw)
        try:
            data = self._h11.send(head) or b""
            if body:
                data += self._h11.send(h11.Data(data=body)) or b""
            data += self._h11.send(h11.EndOfMessage()) or b""
        except h11.LocalProtocolError as exc:
            raise httpx.LocalProtocolError(str(exc), request=request) from exc
        await self._write(data, write_timeout_s, request)
        response, content = await self._read_response(read_timeout_s, request)
        if self._h11.our_state is h11.DONE and self._h11.their_state is h11.DONE:
            self._h11.start_next_cycle()
        return httpx.Response(
            response.status_code,
            headers=response.headers.raw_items(),
            stream=httpx.ByteStream(content),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": response.reason},
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
        self, timeout_s: float | None, request: httpx.Request
    ) -> tuple[h11.Response, bytes]:
        response: h11.Response | None = None
        chunks: list[bytes] = []
        while True:
            try:
                event = self._h11.next_event()
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(str(exc), request=request) from exc
            if event is h11.NEED_DATA:
                self._h11.receive_data(await self._read(timeout_s, request, started=response is not None))
            elif isinstance(event, h11.Response):
                response = event
            elif isinstance(event, h11.Data):
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                assert response is not None  # h11 yields Response before EndOfMessage
                return response, b"".join(chunks)
            elif isinstance(event, h11.ConnectionClosed):
                raise httpx.RemoteProtocolError(
                    "server disconnected without sending a complete response", request=request
                )
            # h11.InformationalResponse (1xx) carries nothing bcx uses: keep reading.

    async def _read(self, timeout_s: float | None, request: httpx.Request, *, started: bool) -> bytes:
        try:
            async with asyncio.timeout(timeout_s):
                data = await self._reader.read(READ_SIZE)
        except TimeoutError as exc:
            raise httpx.ReadTimeout("reading the response timed out", request=request) from exc
        except OSError as exc:
            raise httpx.ReadError(f"{type(exc).__name__}: {exc}", request=request) from exc
        if not data and not started:
            # The usual shape of a keep-alive connection the server closed as we reused it.
            raise httpx.RemoteProtocolError("server disconnected without sending a response", request=request)
        return data

    async def aclose(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError):  # the peer went away first: closed is closed
            await self._writer.wait_closed()
