"""PooledTransport and Http11Connection against a scripted loopback server: reuse, limits, framing, errors."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bcx.exstream.client import ExstreamClient, pooled_http_client
from bcx.exstream.connection import ResponseReader, serialize_request
from bcx.exstream.errors import OutcomeUnknownError
from bcx.exstream.pool import PooledTransport
from tests.bcx.exstream.fakes import FakeClock, settings
from tests.bcx.exstream.scripted_server import OK, ScriptedServer


def client(transport: PooledTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=transport)


class TestReuse:
    async def test_sequential_requests_share_one_connection(self) -> None:
        """Keep-alive replies leave the connection in the pool, so sequential calls open it once."""
        transport = PooledTransport(max_connections=4)
        async with ScriptedServer() as server, client(transport) as http:
            for _ in range(5):
                response = await http.post(f"{server.url}/x", content=b'{"a":1}')
                assert response.status_code == 200
                assert response.json() == {}
            assert server.connections == 1
            assert transport.open_connections == 1
            assert transport.idle_connections == 1

    async def test_concurrent_requests_open_one_connection_each(self) -> None:
        """Requests in flight together each get their own connection, all reused afterwards."""

        async def slow(_request: bytes) -> bytes:
            await asyncio.sleep(0.05)
            return OK

        transport = PooledTransport(max_connections=8)
        async with ScriptedServer(slow) as server, client(transport) as http:
            await asyncio.gather(*(http.get(f"{server.url}/x") for _ in range(8)))
            await asyncio.gather(*(http.get(f"{server.url}/x") for _ in range(8)))
            assert server.connections == 8
            assert transport.idle_connections == 8

    async def test_connection_close_reply_is_not_reused(self) -> None:
        """A reply saying ``Connection: close`` retires its connection; the next call opens a new one."""

        async def closing(_request: bytes) -> bytes:
            return b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"

        transport = PooledTransport(max_connections=2)
        async with ScriptedServer(closing) as server, client(transport) as http:
            await http.get(f"{server.url}/x")
            await http.get(f"{server.url}/x")
            assert server.connections == 2
            assert transport.open_connections == 0

    async def test_connection_the_server_closed_while_idle_is_replaced(self) -> None:
        """An idle connection the server has since closed is dropped on checkout, not used and failed."""
        transport = PooledTransport(max_connections=2)
        async with ScriptedServer(close_after_reply=True) as server, client(transport) as http:
            await http.get(f"{server.url}/x")
            await asyncio.sleep(0.01)  # let the server's close reach the client's socket
            response = await http.get(f"{server.url}/x")
            assert response.status_code == 200
            assert server.connections == 2

    async def test_idle_connections_expire(self) -> None:
        """A connection idle longer than keepalive_expiry_s is closed instead of reused."""
        clock = FakeClock()
        transport = PooledTransport(max_connections=2, keepalive_expiry_s=5.0, clock=clock)
        async with ScriptedServer() as server, client(transport) as http:
            await http.get(f"{server.url}/x")
            clock.now += 6.0
            await http.get(f"{server.url}/x")
            assert server.connections == 2
            assert transport.open_connections == 1


class TestLimits:
    async def test_requests_beyond_max_connections_wait_for_a_free_one(self) -> None:
        """With one connection allowed, concurrent calls queue and all complete over that one connection."""

        async def slow(_request: bytes) -> bytes:
            await asyncio.sleep(0.01)
            return OK

        transport = PooledTransport(max_connections=1)
        async with ScriptedServer(slow) as server, client(transport) as http:
            responses = await asyncio.gather(*(http.get(f"{server.url}/x") for _ in range(5)))
            assert [r.status_code for r in responses] == [200] * 5
            assert server.connections == 1

    async def test_pool_timeout_when_no_connection_frees_up(self) -> None:
        """A call that cannot get a connection within the pool timeout fails with httpx.PoolTimeout."""
        release = asyncio.Event()

        async def held(_request: bytes) -> bytes:
            await release.wait()
            return OK

        transport = PooledTransport(max_connections=1)
        async with ScriptedServer(held) as server, client(transport) as http:
            first = asyncio.create_task(http.get(f"{server.url}/x"))
            await asyncio.sleep(0.01)
            with pytest.raises(httpx.PoolTimeout):
                await http.get(f"{server.url}/x", timeout=httpx.Timeout(5.0, pool=0.01))
            release.set()
            assert (await first).status_code == 200

    async def test_a_cancelled_waiter_does_not_strand_the_next_one(self) -> None:
        """When a queued call is cancelled, the freed connection still goes to the call queued after it."""
        release = asyncio.Event()

        async def held(_request: bytes) -> bytes:
            await release.wait()
            return OK

        transport = PooledTransport(max_connections=1)
        async with ScriptedServer(held) as server, client(transport) as http:
            first = asyncio.create_task(http.get(f"{server.url}/x"))
            await asyncio.sleep(0.01)
            cancelled = asyncio.create_task(http.get(f"{server.url}/x"))
            waiting = asyncio.create_task(http.get(f"{server.url}/x"))
            await asyncio.sleep(0.01)
            cancelled.cancel()
            release.set()
            assert (await first).status_code == 200
            assert (await waiting).status_code == 200
            with pytest.raises(asyncio.CancelledError):
                await cancelled
            assert server.connections == 1

    async def test_idle_connection_to_another_origin_is_evicted_for_room(self) -> None:
        """At the limit, an idle connection to a different origin is closed to open the one needed."""
        transport = PooledTransport(max_connections=1)
        async with ScriptedServer() as a, ScriptedServer() as b, client(transport) as http:
            await http.get(f"{a.url}/x")
            await http.get(f"{b.url}/x")
            assert (a.connections, b.connections) == (1, 1)
            assert transport.open_connections == 1

    def test_max_connections_must_be_positive(self) -> None:
        """A pool without connections is a configuration error."""
        with pytest.raises(ValueError, match="max_connections"):
            PooledTransport(max_connections=0)


class TestFailures:
    async def test_refused_connection_is_a_connect_error(self) -> None:
        """Nothing listening: httpx.ConnectError, which bcx treats as 'not sent'."""
        async with ScriptedServer() as server:
            url = server.url
        transport = PooledTransport(max_connections=1)
        async with client(transport) as http:
            with pytest.raises(httpx.ConnectError):
                await http.get(f"{url}/x")
            assert transport.open_connections == 0

    async def test_silent_server_is_a_read_timeout(self) -> None:
        """No reply within the read timeout: httpx.ReadTimeout, and the connection is discarded."""
        never = asyncio.Event()

        async def silent(_request: bytes) -> bytes:
            await never.wait()
            return OK

        transport = PooledTransport(max_connections=1)
        async with ScriptedServer(silent) as server, client(transport) as http:
            with pytest.raises(httpx.ReadTimeout):
                await http.get(f"{server.url}/x", timeout=httpx.Timeout(5.0, read=0.02))
            assert transport.open_connections == 0

    async def test_disconnect_without_reply_is_a_remote_protocol_error(self) -> None:
        """The server closing without answering surfaces as httpx.RemoteProtocolError."""

        async def hang_up(_request: bytes) -> bytes | None:
            return None

        async with ScriptedServer(hang_up) as server, client(PooledTransport(max_connections=1)) as http:
            with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
                await http.post(f"{server.url}/x", content=b"{}")

    async def test_disconnect_after_a_generate_was_sent_is_outcome_unknown(self) -> None:
        """Through ExstreamClient, a POST whose connection dies unanswered may have been processed."""
        token = b'{"access_token":"t","token_type":"Bearer","expires_in":900}'

        async def reply(request: bytes) -> bytes | None:
            if b"oauth2/token" in request.split(b"\r\n", 1)[0]:
                return (
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%b"
                    % (
                        len(token),
                        token,
                    )
                )
            return None

        async with ScriptedServer(reply) as server:
            exstream = ExstreamClient(
                settings(base_url=server.url, token_url=f"{server.url}/otdsws/oauth2/token")
            )
            async with exstream:
                with pytest.raises(OutcomeUnknownError):
                    await exstream.generate(communication_id="c", driver_data_source="d", driver_data={})

    async def test_truncated_body_is_a_remote_protocol_error(self) -> None:
        """A reply shorter than its Content-Length is an error, never a silently short document."""

        async def short(_request: bytes) -> bytes:
            return b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\nconnection: close\r\n\r\nabc"

        async with ScriptedServer(short) as server, client(PooledTransport(max_connections=1)) as http:
            with pytest.raises(httpx.RemoteProtocolError, match="complete response"):
                await http.get(f"{server.url}/x")

    async def test_malformed_reply_is_a_remote_protocol_error(self) -> None:
        """Bytes that are not HTTP surface as httpx.RemoteProtocolError."""

        async def garbage(_request: bytes) -> bytes:
            return b"SMTP ready\r\n\r\n"

        async with ScriptedServer(garbage) as server, client(PooledTransport(max_connections=1)) as http:
            with pytest.raises(httpx.RemoteProtocolError, match="malformed"):
                await http.get(f"{server.url}/x")

    async def test_unsupported_scheme_is_refused(self) -> None:
        """Only http and https are spoken."""
        async with client(PooledTransport(max_connections=1)) as http:
            with pytest.raises(httpx.UnsupportedProtocol):
                await http.get("ftp://127.0.0.1/x")


class TestFraming:
    async def test_chunked_reply_is_reassembled(self) -> None:
        """A chunked reply arrives as one body and the connection stays reusable."""

        async def chunked(_request: bytes) -> bytes:
            return b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"

        transport = PooledTransport(max_connections=1)
        async with ScriptedServer(chunked) as server, client(transport) as http:
            assert (await http.get(f"{server.url}/x")).content == b"abcde"
            assert (await http.get(f"{server.url}/x")).content == b"abcde"
            assert server.connections == 1

    async def test_body_delimited_by_close_is_complete(self) -> None:
        """A reply without length or chunking ends when the server closes: complete, not reused."""

        async def until_close(_request: bytes) -> bytes:
            return b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nwhole body"

        transport = PooledTransport(max_connections=1)
        async with ScriptedServer(until_close) as server, client(transport) as http:
            assert (await http.get(f"{server.url}/x")).content == b"whole body"
            assert transport.open_connections == 0

    async def test_request_bytes_are_what_httpx_built(self) -> None:
        """Method, path with query, httpx's headers and the body reach the server unchanged."""
        async with ScriptedServer() as server, client(PooledTransport(max_connections=1)) as http:
            await http.post(f"{server.url}/a%20b?x=1", content=b'{"k":"v"}', headers={"communicationId": "c"})
            request = server.requests[0]
            assert request.startswith(b"POST /a%20b?x=1 HTTP/1.1\r\n")
            assert b"\r\ncommunicationId: c\r\n" in request
            assert b"\r\nContent-Length: 9\r\n" in request
            assert request.endswith(b'\r\n\r\n{"k":"v"}')

    async def test_gzip_reply_is_decoded(self) -> None:
        """Content-Encoding is left to httpx, so a gzip reply reads as its plain bytes."""
        import gzip

        packed = gzip.compress(b'{"ok":true}')

        async def gz(_request: bytes) -> bytes:
            head = b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: %d\r\n\r\n" % len(packed)
            return head + packed

        async with ScriptedServer(gz) as server, client(PooledTransport(max_connections=1)) as http:
            assert (await http.get(f"{server.url}/x")).json() == {"ok": True}

    def test_streamed_body_is_sent_as_one_chunk(self) -> None:
        """A body httpx announced as chunked is framed as one chunk and the terminator."""
        data = serialize_request(
            b"POST", b"/x", [(b"Host", b"h"), (b"Transfer-Encoding", b"chunked")], b"abc"
        )
        assert data.endswith(b"\r\n\r\n3\r\nabc\r\n0\r\n\r\n")

    def test_header_injection_is_refused(self) -> None:
        """A header value carrying CR/LF (or a malformed name) never reaches the wire."""
        with pytest.raises(httpx.LocalProtocolError):
            serialize_request(b"GET", b"/", [(b"X-A", b"v\r\nX-Evil: 1")], b"")
        with pytest.raises(httpx.LocalProtocolError):
            serialize_request(b"GET", b"/", [(b"X A", b"v")], b"")

    def test_interim_responses_are_skipped(self) -> None:
        """A 100 Continue before the real reply is not mistaken for it."""
        reader = ResponseReader(head_only=False)
        reader.parser.feed_data(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok"
        )
        assert (reader.done, reader.status, reader.chunks, reader.keep_alive) == (True, 201, [b"ok"], True)

    def test_bytes_after_the_reply_make_the_connection_untrusted(self) -> None:
        """Unsolicited bytes after a complete reply mark the framing as broken (not reused)."""
        reader = ResponseReader(head_only=False)
        reader.parser.feed_data(OK + b"HTTP/1.1 200 OK\r\n")
        assert reader.done
        assert reader.trailing


class TestDefaultClient:
    async def test_exstream_client_builds_a_pooled_client_sized_by_settings(self) -> None:
        """The client ExstreamClient owns runs on PooledTransport with a slot per in-flight call plus OTDS."""
        http = pooled_http_client(settings(max_concurrency=10))
        transport = http._transport
        assert isinstance(transport, PooledTransport)
        assert transport.max_connections == 31
        await http.aclose()

    async def test_closing_the_transport_closes_idle_connections(self) -> None:
        """aclose() closes what is idle; nothing stays open."""
        transport = PooledTransport(max_connections=2)
        async with ScriptedServer() as server:
            async with client(transport) as http:
                await http.get(f"{server.url}/x")
                assert transport.idle_connections == 1
            assert transport.open_connections == 0
            assert transport.idle_connections == 0


def self_signed(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a fresh certificate for 127.0.0.1 and a client context trusting only it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    return server, ssl.create_default_context(cafile=str(cert_file))


class TestTls:
    async def test_https_requests_verify_the_server_and_reuse_the_connection(self, tmp_path: Path) -> None:
        """https origins are spoken over TLS with the given context, verified, and kept alive."""
        server_ctx, client_ctx = self_signed(tmp_path)
        transport = PooledTransport(max_connections=1, ssl_context=client_ctx)
        async with ScriptedServer(tls=server_ctx) as server, client(transport) as http:
            url = f"https://127.0.0.1:{server.port}/x"
            assert (await http.get(url)).status_code == 200
            assert (await http.get(url)).status_code == 200
            assert server.connections == 1

    async def test_untrusted_certificate_is_a_connect_error(self, tmp_path: Path) -> None:
        """A server whose certificate the context does not trust is refused before anything is sent."""
        server_ctx, _ = self_signed(tmp_path)
        async with (
            ScriptedServer(tls=server_ctx) as server,
            client(PooledTransport(max_connections=1)) as http,
        ):
            with pytest.raises(httpx.ConnectError):
                await http.get(f"https://127.0.0.1:{server.port}/x")
            assert server.requests == []
