"""A loopback HTTP/1.1 server whose replies a test scripts byte for byte, counting its connections."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from types import TracebackType

# One reply per request: bytes to write, or None to close the connection without answering.
Reply = Callable[[bytes], Awaitable[bytes | None]]

OK = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"


async def ok(_request: bytes) -> bytes:
    return OK


class ScriptedServer:
    def __init__(
        self, reply: Reply = ok, *, close_after_reply: bool = False, tls: ssl.SSLContext | None = None
    ) -> None:
        self.tls = tls
        self.reply = reply
        self.close_after_reply = close_after_reply
        self.connections = 0
        self.requests: list[bytes] = []
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> ScriptedServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        try:
            while True:
                request = await read_request(reader)
                if request is None:
                    return
                self.requests.append(request)
                reply = await self.reply(request)
                if reply is None:
                    return
                writer.write(reply)
                await writer.drain()
                if self.close_after_reply or b"connection: close" in reply.lower():
                    return
        except (OSError, asyncio.IncompleteReadError):  # ssl.SSLError included
            return
        finally:
            self._writers.discard(writer)
            writer.close()


async def read_request(reader: asyncio.StreamReader) -> bytes | None:
    """Head and Content-Length body of the next request, or None at end of stream."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return head + (await reader.readexactly(length) if length else b"")
