"""Every fetch verifies the site's certificate, through the one TLS context all fetches share."""

from __future__ import annotations

import http.server
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.reading.fetch import Unreachable, fetch, guarded_client, tls_context


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<html><body><p>Hello.</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        return None


@pytest.fixture(scope="module")
def self_signed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An HTTPS server on 127.0.0.1 whose certificate no authority signed (made by the openssl CLI)."""
    folder: Path = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/article"
    finally:
        server.shutdown()
        server.server_close()


def _causes(exc: BaseException | None) -> Iterator[BaseException]:
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


def test_a_self_signed_site_is_refused_on_every_fetch(
    self_signed_site: str, fetch_settings: Settings
) -> None:
    for _ in range(2):  # the second fetch reuses the shared context: still verifying
        with pytest.raises(Unreachable) as caught:
            fetch(self_signed_site, fetch_settings)
        assert "could not connect to 127.0.0.1" in caught.value.reason
        assert any("CERTIFICATE_VERIFY_FAILED" in str(cause) for cause in _causes(caught.value))


def test_fetches_share_one_verifying_context(fetch_settings: Settings) -> None:
    context = tls_context()
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert tls_context() is context
    with guarded_client(fetch_settings) as first, guarded_client(fetch_settings) as second:
        pools = [client._transport._pool for client in (first, second)]  # type: ignore[attr-defined]
    assert all(pool._ssl_context is context for pool in pools)
