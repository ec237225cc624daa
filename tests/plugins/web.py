"""Fixtures for the web area: a real HTTP server on 127.0.0.1 serving tests/fixtures/.

Fetch tests and end-to-end tests talk to it over real sockets, so redirects, streaming, timeouts and
charsets are exercised the way a news site would exercise them. Routes besides the fixture files:

=============================  ==============================================================
``/<file>``                    a file from tests/fixtures/ (type from its extension)
``/redirect?to=URL``           302 to URL (``&status=301`` etc. for another redirect code)
``/redirect-chain/N``          N redirect hops, then the seed article page
``/redirect-loop``             redirects to itself forever
``/huge``                      16 MB of HTML, streamed, with Content-Length
``/huge?length=0``             the same without Content-Length (read until the connection closes)
``/binary``                    binary.bin as application/octet-stream
``/status/CODE``               an error page with that status (404, 500, ...)
``/slow?seconds=S``            sleeps S seconds (default 5) before answering
``/text``                      the seed article as text/plain
``/latin1``                    latin1.html with ``charset=iso-8859-1`` in the header only
``/as?file=F&type=T``          fixture F with Content-Type T (no ``type``: no Content-Type header)
``/endless``                   HTML streamed without end or Content-Length, until the client hangs up
``/drip?interval=S``           headers, then one byte of body every S seconds (default 1) forever
``/drip-headers?interval=S``   the status line, then one byte of a header every S seconds forever
``/compressed?file=F&as=C``    fixture F (default: the seed page) compressed as C: gzip, x-gzip,
                               deflate (zlib), raw-deflate (sent as "deflate"), gzip-gzip ("gzip, gzip"),
                               broken-gzip (a gzip header, then junk); or labelled C (br, zstd, ...)
                               while the body is plain gzip, so only the label can tell a reader
``/bomb?as=C&size=N``          N bytes of HTML (default 1 GiB) gzip- or deflate-compressed on the fly
                               (about 1 kB on the wire per MB), streamed until the client hangs up
=============================  ==============================================================

Every request is recorded in ``page_server.requests`` so a test can prove a refused fetch never
reached the server; the streaming routes also count in ``page_server.bytes_sent(path)`` the bytes
they managed to hand to the socket before the client went away.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import socket
import threading
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.config import Settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HUGE_BYTES = 16 * 1024 * 1024
SLOW_DEFAULT_SECONDS = 5.0
BOMB_DEFAULT_BYTES = 1024**3
STREAM_CHUNK = 16 * 1024

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".bin": "application/octet-stream",
}


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    path: str  # with query string, as sent
    headers: dict[str, str]


@dataclass
class PageServer:
    """What the ``page_server`` fixture returns; keep this API stable, end-to-end tests rely on it."""

    base_url: str  # "http://127.0.0.1:PORT/"
    fixtures_dir: Path = FIXTURES
    requests: list[RecordedRequest] = field(default_factory=list)
    _sent: dict[str, int] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stopping: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def port(self) -> int:
        return int(self.base_url.rstrip("/").rsplit(":", 1)[1])

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server: ``url("seed-russian-losses.html")``."""
        return self.base_url + path.lstrip("/")

    def requests_to(self, path_prefix: str) -> list[RecordedRequest]:
        """Requests whose path starts with ``path_prefix`` (a leading "/" is optional)."""
        prefix = "/" + path_prefix.lstrip("/")
        with self._lock:
            return [request for request in self.requests if request.path.startswith(prefix)]

    def bytes_sent(self, path_prefix: str) -> int:
        """Body bytes the streaming routes wrote to the socket for requests under ``path_prefix``."""
        prefix = "/" + path_prefix.lstrip("/")
        with self._lock:
            return sum(size for path, size in self._sent.items() if path.startswith(prefix))

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _count(self, path: str, size: int) -> None:
        with self._lock:
            self._sent[path] = self._sent.get(path, 0) + size


class _Handler(BaseHTTPRequestHandler):
    server_version = "claimbot-test/1.0"
    protocol_version = "HTTP/1.0"  # one response per connection: /huge?length=0 ends when the socket closes
    pages: PageServer  # set on a subclass per server

    def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        self.pages._record(RecordedRequest("GET", self.path, {k.lower(): v for k, v in self.headers.items()}))
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
        path = parts.path
        # The client may stop reading (size cap, timeout): that is expected, not a server error.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route(path, query)

    def _route(self, path: str, query: dict[str, str]) -> None:
        if path == "/redirect":
            self._redirect(query.get("to", "/"), int(query.get("status", "302")))
        elif path == "/redirect-loop":
            self._redirect("/redirect-loop", 302)
        elif path.startswith("/redirect-chain/"):
            hops = int(path.rsplit("/", 1)[-1] or "0")
            if hops > 0:
                self._redirect(f"/redirect-chain/{hops - 1}", 302)
            else:
                self._file("seed-russian-losses.html", _TYPES[".html"])
        elif path == "/huge":
            self._huge(with_length=query.get("length", "1") != "0")
        elif path == "/binary":
            self._file("binary.bin", "application/octet-stream")
        elif path.startswith("/status/"):
            self._status(int(path.rsplit("/", 1)[-1]))
        elif path == "/slow":
            self.pages._stopping.wait(float(query.get("seconds", SLOW_DEFAULT_SECONDS)))
            self._file("seed-russian-losses.html", _TYPES[".html"])
        elif path == "/text":
            self._file("seed-russian-losses.txt", "text/plain; charset=utf-8")
        elif path == "/latin1":
            self._file("latin1.html", "text/html; charset=iso-8859-1")
        elif path == "/as":
            self._file(query.get("file", ""), query.get("type") or None)
        elif path == "/endless":
            self._endless()
        elif path == "/drip":
            self._drip(float(query.get("interval", "1")), in_headers=False)
        elif path == "/drip-headers":
            self._drip(float(query.get("interval", "1")), in_headers=True)
        elif path == "/compressed":
            self._compressed(query.get("file", "seed-russian-losses.html"), query.get("as", "gzip"))
        elif path == "/bomb":
            self._bomb(query.get("as", "gzip"), int(query.get("size", str(BOMB_DEFAULT_BYTES))))
        else:
            name = path.lstrip("/")
            self._file(name, _TYPES.get(Path(name).suffix.lower(), "application/octet-stream"))

    def _send(
        self, status: int, body: bytes, content_type: str | None, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _file(self, name: str, content_type: str | None) -> None:
        # Normalised, not resolved: the sample articles are symlinks into bot/samples/, which the demo serves.
        path = Path(os.path.normpath(FIXTURES / name))
        if not name or FIXTURES not in path.parents or not path.is_file():
            self._status(404)
            return
        self._send(200, path.read_bytes(), content_type)

    def _redirect(self, location: str, status: int) -> None:
        body = f'<a href="{location}">moved</a>'.encode()
        self._send(status, body, "text/html; charset=utf-8", {"Location": location})

    def _status(self, status: int) -> None:
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        body = f"<html><head><title>{status} {phrase}</title></head><body><h1>{phrase}</h1></body></html>"
        self._send(status, body.encode(), "text/html; charset=utf-8")

    def _huge(self, *, with_length: bool) -> None:
        chunk = b"<p>" + b"All work and no play makes a very large page. " * 40 + b"</p>\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if with_length:
            self.send_header("Content-Length", str(HUGE_BYTES))
        self.end_headers()
        sent = 0
        while sent < HUGE_BYTES and not self.pages._stopping.is_set():
            piece = chunk[: HUGE_BYTES - sent]
            self.wfile.write(piece)
            sent += len(piece)

    # ------------------------------------------------------------------ misbehaving servers

    def _small_send_buffer(self) -> None:
        """Keep the kernel from buffering megabytes, so bytes_sent is close to what the client read."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, STREAM_CHUNK)

    def _stream(self, chunks: Iterable[bytes]) -> None:
        """Write chunks until they run out, the client hangs up or the server stops; count what is written."""
        self._small_send_buffer()
        for chunk in chunks:
            if self.pages._stopping.is_set():
                return
            self.wfile.write(chunk)
            self.pages._count(self.path, len(chunk))

    def _endless(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        line = b"<p>" + b"This page never ends. " * 40 + b"</p>\n"
        chunk = (line * (STREAM_CHUNK // len(line) + 1))[:STREAM_CHUNK]
        self._stream(iter(lambda: chunk, None))

    def _drip(self, interval: float, *, in_headers: bool) -> None:
        if in_headers:
            self.wfile.write(b"HTTP/1.0 200 OK\r\nX-Drip: ")
        else:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
        while not self.pages._stopping.wait(interval):
            self.wfile.write(b"a")
            self.pages._count(self.path, 1)

    def _compressed(self, name: str, coding: str) -> None:
        path = Path(os.path.normpath(FIXTURES / name))
        if FIXTURES not in path.parents or not path.is_file():
            self._status(404)
            return
        data = path.read_bytes()
        bodies = {
            "gzip": ("gzip", lambda: gzip.compress(data)),
            "x-gzip": ("x-gzip", lambda: gzip.compress(data)),
            "deflate": ("deflate", lambda: zlib.compress(data)),
            "raw-deflate": ("deflate", lambda: _raw_deflate(data)),
            "gzip-gzip": ("gzip, gzip", lambda: gzip.compress(gzip.compress(data))),
            "broken-gzip": ("gzip", lambda: gzip.compress(data)[:10] + b"\xff" * 200),
        }
        header, make = bodies.get(coding, (coding, lambda: gzip.compress(data)))
        self._send(200, make(), _TYPES.get(path.suffix.lower()), {"Content-Encoding": header})

    def _bomb(self, coding: str, size: int) -> None:
        if coding not in {"gzip", "deflate"}:
            self._status(400)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Encoding", coding)
        self.end_headers()
        self._stream(_compressed_stream(coding, size))


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def _compressed_stream(coding: str, size: int) -> Iterator[bytes]:
    """``size`` bytes of one HTML page, compressed piece by piece (never whole in memory on either side)."""
    compressor = zlib.compressobj(9, wbits=zlib.MAX_WBITS | 16 if coding == "gzip" else zlib.MAX_WBITS)
    yield compressor.compress(b"<html><body><p>")
    block = b"a" * (1024 * 1024)
    for _ in range(size // len(block)):
        out = compressor.compress(block)
        if out:
            yield out
    yield compressor.compress(b"</p></body></html>") + compressor.flush()


@pytest.fixture(scope="session")
def page_server() -> Iterator[PageServer]:
    """A real HTTP server on 127.0.0.1 (random port) serving tests/fixtures/ and the routes above."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    host, port = server.server_address[:2]
    pages = PageServer(base_url=f"http://{host}:{port}/")
    server.RequestHandlerClass = type("_BoundHandler", (_Handler,), {"pages": pages})
    thread = threading.Thread(target=server.serve_forever, name="page-server", daemon=True)
    thread.start()
    try:
        yield pages
    finally:
        pages._stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def fetch_settings() -> Settings:
    """Settings for fetching from ``page_server``: the address guard is relaxed here, explicitly, only here.

    Small limits keep the limit tests fast: 2 s timeouts, 1 MB bodies, 3 redirects.
    """
    return Settings(
        _env_file=None,
        allow_private_urls=True,
        fetch_timeout=2.0,
        fetch_max_bytes=1_000_000,
        fetch_max_redirects=3,
        user_agent="claimbot-tests/1.0",
    )


@pytest.fixture
def guarded_fetch_settings(page_server: PageServer, fetch_settings: Settings) -> Settings:
    """The production address rules (private addresses refused) with ``page_server``'s port allowed.

    With the port allowed, a fetch of the local server can only be stopped by the address guard, which is
    what SSRF tests must prove (not the port rule, which would refuse the random port first).
    """
    return fetch_settings.model_copy(
        update={
            "allow_private_urls": False,
            "fetch_allowed_ports": [*fetch_settings.fetch_allowed_ports, page_server.port],
        }
    )
