"""SSRF-safe HTTP GET of a link a user shared.

A Slack user can paste any URL, so the fetcher must never become a way to reach the machine it runs on or
its network (cloud metadata at 169.254.169.254, databases on 10.x, admin pages on localhost), nor a way to
tie up a worker. Address checks:

* before every hop (the first request and each redirect) the URL's scheme, credentials and port are
  checked and its host is resolved and every address checked, so a refusal comes with a clear reason and
  no request is sent;
* at connect time, a custom httpcore network backend resolves the host once more, checks every address
  and connects to the checked IP itself. A DNS answer that changes between the two (DNS rebinding) cannot
  slip a private address past the first check.

The address rule is relaxed only by ``Settings.allow_private_urls`` (tests and the demo serve pages from
127.0.0.1), which also lets such private addresses use any port; public addresses keep the port allow list.

Limits: each socket operation gets ``fetch_timeout`` and the whole fetch ``fetch_total_timeout`` (enforced
on every read, so a server dripping a byte a second cannot hold a worker); bodies are cut off at
``fetch_max_bytes`` while streaming, counted both on the wire and after decompression, which we do
ourselves in bounded pieces so a gzip bomb never expands in memory.

Every refusal is a typed :class:`FetchError` whose ``reason`` is one line fit to show the user.
"""

from __future__ import annotations

import codecs
import contextvars
import functools
import ipaddress
import logging
import re
import socket
import ssl
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpcore
import httpx

from bot.config import Settings
from bot.errors import BotError
from bot.reading.charsets import codec_of, decode, looks_binary, meta_charset
from bot.reading.urls import DEFAULT_PORTS

__all__ = [
    "ACCEPT_ENCODING",
    "HTML_TYPES",
    "SYSTEM_RESOLVER",
    "TEXT_TYPES",
    "BlockedAddress",
    "BlockedPort",
    "CredentialsInUrl",
    "FetchError",
    "FetchTimeout",
    "FetchedPage",
    "HttpStatus",
    "InvalidUrl",
    "Resolver",
    "TooLarge",
    "TooManyRedirects",
    "Undecodable",
    "Unreachable",
    "UnsupportedContentType",
    "UnsupportedScheme",
    "address_problem",
    "check_host",
    "fetch",
    "guarded_client",
]

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = frozenset({"http", "https"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Only the codings we decompress ourselves, in bounded pieces (see _Inflater). Not br or zstd: their Python
# bindings (optional for httpx, absent here) cannot bound the output of one call on every version.
ACCEPT_ENCODING = "gzip, deflate"
_INFLATE_PIECE = 64 * 1024  # most decompressed bytes produced by one step
_MAX_CODINGS = 2  # "gzip, gzip" is odd but legal; longer lists are refused (each layer is a zlib state)

# Ranges that ipaddress does not flag by itself on every Python version we support.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


# --------------------------------------------------------------------------------------------- errors


class FetchError(BotError):
    """A link could not be fetched; ``reason`` is one short line fit to show the user."""

    def __init__(self, reason: str, url: str | None = None) -> None:
        super().__init__(reason, url)
        self.url = url


class InvalidUrl(FetchError):
    """The text is not a usable absolute URL."""


class UnsupportedScheme(FetchError):
    """Only http and https are fetched (no file:, ftp:, gopher:, data: ...)."""


class BlockedAddress(FetchError):
    """The host is, or resolves to, an address inside a private/special network."""


class BlockedPort(FetchError):
    """The URL names a port outside ``Settings.fetch_allowed_ports`` (an internal service, a port scan)."""


class CredentialsInUrl(InvalidUrl):
    """``user:pass@host``: we never send credentials a user pasted, nor log in anywhere on their behalf."""


class TooLarge(FetchError):
    """The body is bigger than ``Settings.fetch_max_bytes``, on the wire or once decompressed."""


class Undecodable(FetchError):
    """The body is compressed in a way we do not read (br, zstd ...), or the compressed data is broken.

    Refused rather than passed on: compressed bytes analysed as a page would be garbage.
    """


class UnsupportedContentType(FetchError):
    """Not an HTML, XHTML or plain-text document."""


class TooManyRedirects(FetchError):
    """More than ``Settings.fetch_max_redirects`` redirects."""


class HttpStatus(FetchError):
    """The server answered with an error status."""

    def __init__(self, reason: str, url: str | None = None, *, status: int) -> None:
        super().__init__(reason, url)
        self.status = status


class FetchTimeout(FetchError):
    """The server did not answer within ``Settings.fetch_timeout``."""


class Unreachable(FetchError):
    """DNS failure, refused connection, TLS failure or a broken HTTP response."""


# --------------------------------------------------------------------------------------------- result


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str
    final_url: str
    status: int
    content_type: str
    encoding: str | None
    body: bytes

    @property
    def is_html(self) -> bool:
        return self.content_type in HTML_TYPES

    def text(self) -> str:
        """The body as text, decoded with the declared charset (header, then <meta>), else UTF-8 or cp1252."""
        return decode(self.body, self.encoding, html=self.content_type in HTML_TYPES)


# --------------------------------------------------------------------------------------------- URLs


def _parse_url(url: str) -> httpx.URL:
    """Parse and check an absolute http(s) URL, raising InvalidUrl / UnsupportedScheme."""
    text = url.strip()
    if not text:
        raise InvalidUrl("the link is empty", url)
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise InvalidUrl(f"not a valid web address ({_short(text)})", url) from exc
    if not parsed.scheme:
        raise InvalidUrl(f"not an absolute web address ({_short(text)})", url)
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise UnsupportedScheme(f"only http and https links are fetched, not {parsed.scheme}:", url)
    if not parsed.host:
        raise InvalidUrl(f"the link has no host name ({_short(text)})", url)
    if parsed.userinfo:
        raise CredentialsInUrl("links with a user name or password are not fetched", url)
    if ":" not in parsed.host and not _HOST_NAME.fullmatch(_ascii_host(parsed)):
        raise InvalidUrl(f"the link has an invalid host name ({_short(parsed.host)})", url)
    return parsed


def _ascii_host(url: httpx.URL) -> str:
    """The host as sent on the wire: IDNA-encoded ("xn--bcher-kva.example"), never Unicode."""
    return url.raw_host.decode("ascii", errors="replace")


# What remains of a host name once httpx has applied IDNA (IPv6 literals are checked apart).
_HOST_NAME = re.compile(r"[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_.])?", re.IGNORECASE)


def _redacted(url: str) -> str:
    """The URL for a log line, with any ``user:password@`` replaced: a pasted secret stays out of logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _short(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------- addresses


def address_problem(address: str) -> str | None:
    """Why an IP address must not be fetched ("private", "loopback", ...), or None when it is public.

    IPv6 forms that embed an IPv4 address (``::ffff:127.0.0.1``, 6to4, NAT64) are judged by that address.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id ("fe80::1%eth0")
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return address_problem(str(embedded))
        if ip.is_site_local:
            return "site-local"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "shared (carrier-grade NAT)"
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    if not ip.is_global:
        return "not public"
    return None


class Resolver:
    """Turns a host name into the IP addresses that are checked and then connected to.

    An object passed to :func:`fetch` and :func:`guarded_client` rather than a call buried in them, so a
    test can make a name resolve to 127.0.0.1, or answer differently on the second lookup (DNS rebinding),
    without /etc/hosts or a network. IP literals in any spelling ("127.1", "0x7f.1", "2130706433") are
    parsed by getaddrinfo, as the socket layer would parse them.
    """

    def resolve(self, host: str, port: int) -> list[str]:
        """Every address of ``host``, in the resolver's order, without duplicates; OSError on failure."""
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        seen: dict[str, None] = {}
        for _family, _type, _proto, _canon, sockaddr in infos:
            seen.setdefault(str(sockaddr[0]), None)
        return list(seen)


SYSTEM_RESOLVER = Resolver()


def _blocked_reason(host: str, addresses: Iterable[str]) -> str | None:
    for address in addresses:
        problem = address_problem(address)
        if problem is not None:
            if host.strip("[]") == address:
                return f"the address is {problem} ({address})"
            return f"{host} resolves to a {problem} address ({address})"
    return None


def check_host(
    host: str, port: int, settings: Settings, *, url: str | None = None, resolver: Resolver | None = None
) -> list[str]:
    """Resolve a host; refuse it if ANY address is not public or the port is not allowed; return addresses.

    Refusing when any one address is bad (not just the first) keeps a host that answers with both a
    public and a private address from being reached through the private one. The address rule comes
    first, so a private target is refused as such whatever its port. The port rule then applies to public
    addresses: private ones got here only because ``allow_private_urls`` let them (a local test server on
    a random port), which does not open other ports on public hosts.
    """
    host = host.strip("[]")
    try:
        addresses = (resolver or SYSTEM_RESOLVER).resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise Unreachable(f"could not resolve the host name {host}", url) from exc
    if not addresses:
        raise Unreachable(f"could not resolve the host name {host}", url)
    if not settings.allow_private_urls:
        reason = _blocked_reason(host, addresses)
        if reason is not None:
            raise BlockedAddress(reason, url)
    if port not in settings.fetch_allowed_ports and any(address_problem(a) is None for a in addresses):
        raise BlockedPort(_port_reason(port, settings), url)
    return addresses


def _port_reason(port: int, settings: Settings) -> str:
    allowed = ", ".join(str(p) for p in sorted(settings.fetch_allowed_ports))
    return f"links to port {port} are not fetched (only {allowed})"


# --------------------------------------------------------------------------------------------- transport

# The monotonic time by which the current fetch must be done; set by _fetch, read by every socket operation
# of a guarded client (same thread: httpx's sync client reads and writes in the caller's thread).
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("fetch_deadline", default=None)


def _within_deadline(timeout: float | None, expired: type[httpcore.TimeoutException]) -> float | None:
    """The per-operation timeout, shortened to what is left of the fetch's total; ``expired`` when none is."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise expired("the total fetch deadline has passed")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write ends by the fetch's deadline.

    httpx's timeouts bound one operation each, so a server sending a byte just before each read timeout
    (in the headers or the body) could otherwise hold a worker for hours.
    """

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _within_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(
            ssl_context, server_hostname, _within_deadline(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolve, check every address, then connect to a checked IP, so DNS rebinding can't bypass the guard.

    TLS still uses the URL's host name for SNI and certificate checks: httpcore takes those from the
    request origin, not from the host passed to ``connect_tcp``.
    """

    def __init__(self, settings: Settings, resolver: Resolver) -> None:
        self._settings = settings
        self._resolver = resolver
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = check_host(host, port, self._settings, resolver=self._resolver)
        except Unreachable as exc:
            raise httpcore.ConnectError(exc.reason) from exc
        except FetchError as exc:
            # Reached only when the per-hop check passed (or was skipped): a DNS answer that changed.
            logger.warning("connect-time guard refused %s:%d: %s", host, port, exc.reason)
            raise
        last_error: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    timeout=_within_deadline(timeout, httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
                return _DeadlineStream(stream)
            except httpcore.ConnectTimeout:
                raise
            except httpcore.ConnectError as exc:
                last_error = exc
        raise httpcore.ConnectError(f"could not connect to {host}") from last_error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The certificate-verifying context every fetch shares. Loading the CA bundle takes ~25 ms, and a
    transport built two per fetch (50 ms of each share's CPU); an SSLContext is safe to share between
    threads and connections, and nothing here changes it after it is made."""
    return httpx.create_ssl_context(trust_env=False)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport with the pool rebuilt around :class:`_GuardedBackend`.

    httpx 0.28 has no public way to pass an httpcore network backend (encode/httpx#3749 proposes one),
    so the pool built by ``HTTPTransport.__init__`` is replaced; ``handle_request`` then works unchanged.
    httpx is pinned in pyproject.toml, and tests/test_fetch.py proves the guard is live.
    """

    def __init__(self, settings: Settings, resolver: Resolver) -> None:
        super().__init__(verify=tls_context(), trust_env=False)
        if not hasattr(self, "_pool"):  # pragma: no cover - guards an httpx upgrade
            raise RuntimeError("httpx.HTTPTransport no longer keeps its pool in _pool")
        self._pool = httpcore.ConnectionPool(
            ssl_context=tls_context(),
            max_connections=10,
            max_keepalive_connections=5,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(settings, resolver),
        )


def guarded_client(settings: Settings, *, resolver: Resolver | None = None) -> httpx.Client:
    """An httpx client whose every connection goes through the address guard; redirects are ours."""
    return httpx.Client(
        transport=_GuardedTransport(settings, resolver or SYSTEM_RESOLVER),
        timeout=httpx.Timeout(settings.fetch_timeout),
        follow_redirects=False,
        trust_env=False,  # an environment proxy would make the proxy, not the target, the checked address
        headers={
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
            "Accept-Encoding": ACCEPT_ENCODING,
        },
    )


# --------------------------------------------------------------------------------------------- fetch


def fetch(
    url: str, settings: Settings, *, client: httpx.Client | None = None, resolver: Resolver | None = None
) -> FetchedPage:
    """GET a user's link within the limits of ``settings``; raise a typed FetchError on any refusal.

    Pass ``client`` to reuse connections across fetches; it should come from :func:`guarded_client` (with
    the same ``resolver``), otherwise only the per-hop check (not the connect-time one) protects against
    private addresses, and the total deadline is checked between body chunks only.
    """
    resolver = resolver or SYSTEM_RESOLVER
    try:
        if client is not None:
            return _fetch(url, settings, client, resolver)
        with guarded_client(settings, resolver=resolver) as own_client:
            return _fetch(url, settings, own_client, resolver)
    except FetchError as exc:
        logger.warning("fetch refused %s: %s", _redacted(exc.url or url), exc.reason)
        raise


def _fetch(url: str, settings: Settings, client: httpx.Client, resolver: Resolver) -> FetchedPage:
    deadline = time.monotonic() + settings.fetch_total_timeout
    token = _DEADLINE.set(deadline)
    try:
        return _follow(url, settings, client, resolver, deadline)
    finally:
        _DEADLINE.reset(token)


def _follow(
    url: str, settings: Settings, client: httpx.Client, resolver: Resolver, deadline: float
) -> FetchedPage:
    current = url
    for hop in range(settings.fetch_max_redirects + 1):
        target = _parse_url(current)
        port = target.port or DEFAULT_PORTS[target.scheme]
        check_host(_ascii_host(target), port, settings, url=current, resolver=resolver)
        headers = {"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING}
        try:
            with client.stream(
                "GET",
                target,
                headers=headers,
                follow_redirects=False,  # every hop is ours to check, whatever the client's default
                timeout=httpx.Timeout(settings.fetch_timeout),
            ) as response:
                if response.status_code in REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise HttpStatus(
                            f"the server answered {response.status_code} without a new address",
                            current,
                            status=response.status_code,
                        )
                    try:
                        current = str(response.url.join(location.strip()))
                    except (httpx.InvalidURL, ValueError) as exc:
                        raise InvalidUrl("the page redirects to an invalid address", current) from exc
                    logger.debug("redirect %d: %s -> %s", hop + 1, response.url, _redacted(current))
                    continue
                return _read(url, response, settings, deadline)
        except FetchError as exc:  # raised by the connect-time guard, which does not know the URL
            if exc.url is None:
                exc.url = current
            raise
        except httpx.TimeoutException as exc:
            if time.monotonic() >= deadline - 0.05:  # the total deadline, not one slow operation
                raise FetchTimeout(_total_timeout_reason(settings), current) from exc
            raise FetchTimeout(
                f"the site did not answer within {settings.fetch_timeout:g} s", current
            ) from exc
        except httpx.TooManyRedirects as exc:  # pragma: no cover - follow_redirects is off
            raise TooManyRedirects("too many redirects", current) from exc
        except httpx.RemoteProtocolError as exc:
            raise Unreachable("the site sent a broken HTTP response", current) from exc
        except httpx.TransportError as exc:
            host = _host_of(current)
            raise Unreachable(f"could not connect to {host}", current) from exc
    raise TooManyRedirects(f"more than {settings.fetch_max_redirects} redirects", url)


def _total_timeout_reason(settings: Settings) -> str:
    return f"the site took more than {settings.fetch_total_timeout:g} s to send the page"


def _host_of(url: str) -> str:
    try:
        return httpx.URL(url).host or url
    except (httpx.InvalidURL, ValueError):
        return url


def _read(url: str, response: httpx.Response, settings: Settings, deadline: float) -> FetchedPage:
    final_url = str(response.url)
    status = response.status_code
    if not 200 <= status < 300 or status == 204:
        raise HttpStatus(
            f"the site answered {status} {response.reason_phrase}".rstrip(), final_url, status=status
        )

    content_type, header_charset = _parse_content_type(response.headers.get("content-type", ""))
    if content_type and content_type not in HTML_TYPES | TEXT_TYPES:
        raise UnsupportedContentType(f"not a web page or text ({content_type})", final_url)

    decoders = _decoders_for(response.headers.get("content-encoding", ""), final_url)

    limit = settings.fetch_max_bytes
    declared = response.headers.get("content-length")
    if declared and declared.strip().isdigit() and int(declared) > limit:
        raise TooLarge(f"the page is too large ({_size(int(declared))}, limit {_size(limit)})", final_url)

    chunks: list[bytes] = []
    size = 0
    raw: Iterable[bytes] = _raw_within_limits(response, settings, deadline, final_url)
    if response.is_stream_consumed:  # read before it got here (a mock transport): httpx decoded it already
        raw, decoders = [response.content], []
    decompressed = " once decompressed" if decoders else ""  # identity bodies hit the raw limit first
    for chunk in _decoded(raw, decoders):
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"the page is larger than {_size(limit)}{decompressed}", final_url)
        chunks.append(chunk)
    body = b"".join(chunks)

    if not content_type:
        content_type = _sniff_type(body)
        if content_type is None:
            raise UnsupportedContentType("not a web page or text (binary data)", final_url)
    encoding = codec_of(header_charset) or (meta_charset(body) if content_type in HTML_TYPES else None)
    return FetchedPage(
        url=url, final_url=final_url, status=status, content_type=content_type, encoding=encoding, body=body
    )


def _raw_within_limits(
    response: httpx.Response, settings: Settings, deadline: float, url: str
) -> Iterator[bytes]:
    """The body as sent, still compressed, cut off at the byte limit and the total deadline.

    The deadline check here covers clients not built by guarded_client; guarded ones also stop a read
    that is still waiting when the deadline passes.
    """
    limit = settings.fetch_max_bytes
    size = 0
    for chunk in response.iter_raw():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"the page is larger than {_size(limit)}", url)
        if time.monotonic() > deadline:
            raise FetchTimeout(_total_timeout_reason(settings), url)
        yield chunk


class _Inflater:
    """gzip or deflate decompression that produces at most _INFLATE_PIECE bytes per step.

    httpx's own decoders inflate a whole network chunk at once: 64 kB of a gzip bomb is 64 MB in memory
    before any limit can look at it. Here the caller's byte limit stops the expansion a piece at a time.
    """

    def __init__(self, coding: str, url: str) -> None:
        self._coding = coding
        self._url = url
        wbits = zlib.MAX_WBITS | 16 if coding == "gzip" else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(wbits)
        self._started = False

    def decode(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            yield from self._feed(chunk)

    def _feed(self, data: bytes) -> Iterator[bytes]:
        while not self._zlib.eof:  # anything after the end of the stream is ignored, as httpx does
            try:
                out = self._zlib.decompress(data, _INFLATE_PIECE)
            except zlib.error as exc:
                if self._coding == "deflate" and not self._started:
                    # "deflate" should be zlib-wrapped, but some servers send the raw stream: retry as raw.
                    self._started = True
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise Undecodable(f"the site sent broken {self._coding} data", self._url) from exc
            self._started = True
            if out:
                yield out
            data = self._zlib.unconsumed_tail
            if not data and len(out) < _INFLATE_PIECE:  # input used up and no output left pending
                return


def _decoders_for(header: str, url: str) -> list[_Inflater]:
    """Decoders for a Content-Encoding header, outermost first; refuse codings we cannot bound."""
    codings = [c.strip().lower() for c in header.split(",") if c.strip() and c.strip().lower() != "identity"]
    if len(codings) > _MAX_CODINGS:
        raise Undecodable(f"the page is compressed {len(codings)} times over", url)
    decoders = []
    for coding in reversed(codings):  # codings are listed in the order they were applied
        name = "gzip" if coding == "x-gzip" else coding
        if name not in {"gzip", "deflate"}:
            raise Undecodable(
                f"the page is compressed in a format we do not read ({_short(coding, 20)})", url
            )
        decoders.append(_Inflater(name, url))
    return decoders


def _decoded(raw: Iterable[bytes], decoders: list[_Inflater]) -> Iterator[bytes]:
    stream: Iterable[bytes] = raw
    for decoder in decoders:
        stream = decoder.decode(stream)
    yield from stream


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.0f} kB"
    return f"{n} bytes"


def _parse_content_type(header: str) -> tuple[str, str | None]:
    """("text/html", "utf-8") from 'text/html; charset="UTF-8"'."""
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media.strip().lower(), charset


_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|article|div|p)\b",
    re.IGNORECASE | re.DOTALL,
)


def _sniff_type(body: bytes) -> str | None:
    """Guess a missing content type: HTML, plain text, or None for binary data."""
    head = body[:2048].removeprefix(codecs.BOM_UTF8)
    if _HTML_START.match(head):
        return "text/html"
    if looks_binary(body):
        return None
    return "text/plain"
