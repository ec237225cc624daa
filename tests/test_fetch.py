"""bot.reading.fetch against a real local HTTP server: the address guard, limits, redirects, types and
charsets."""

from __future__ import annotations

import logging
import re
import socket
import uuid

import httpx
import pytest

from bot.config import Settings
from bot.reading.charsets import decode, looks_binary
from bot.reading.fetch import (
    BlockedAddress,
    BlockedPort,
    FetchError,
    FetchTimeout,
    HttpStatus,
    InvalidUrl,
    TooLarge,
    TooManyRedirects,
    Unreachable,
    UnsupportedContentType,
    UnsupportedScheme,
    address_problem,
    fetch,
    guarded_client,
)
from bot.reading.urls import normalize_url
from tests.plugins.web import PageServer

SEED = "seed-russian-losses.html"
PUBLIC_IP = "93.184.215.14"


@pytest.fixture
def guarded_settings() -> Settings:
    """The production default: private addresses refused."""
    return Settings(_env_file=None, allow_private_urls=False, fetch_timeout=2.0)


def probe(path: str) -> str:
    """A path with a unique query, so this test's requests can be told apart on the shared server."""
    separator = "&" if "?" in path else "?"
    return f"{path}{separator}probe={uuid.uuid4().hex}"


# --------------------------------------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.3.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("100.64.0.1", "shared (carrier-grade NAT)"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.251", "multicast"),
        ("240.0.0.1", "private"),
        ("255.255.255.255", "private"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.1.2.3", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("2002:7f00:1::", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 wrapping 169.254.169.254
        ("::127.0.0.1", "reserved"),  # IPv4-compatible (deprecated) form
    ],
)
def test_address_problem_names_every_special_range(address: str, problem: str) -> None:
    assert address_problem(address) == problem


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.215.14", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(address) is None


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://127.0.0.1/", "loopback (127.0.0.1)"),
        ("http://10.0.0.5/admin", "private (10.0.0.5)"),
        ("http://169.254.169.254/latest/meta-data/", "link-local (169.254.169.254)"),
        ("http://[::1]:8080/", "loopback (::1)"),
        ("http://[fc00::1]/", "private (fc00::1)"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://100.64.0.1/", "carrier-grade NAT"),
        ("http://0.0.0.0:80/", "unspecified"),
        ("http://localhost/", "localhost resolves to a loopback address"),
        ("http://2130706433/", "loopback address (127.0.0.1)"),  # 127.0.0.1 as one decimal number
        ("http://0x7f.0.0.1/", "loopback address (127.0.0.1)"),  # hex octet
    ],
)
def test_guard_refuses_private_targets(url: str, fragment: str, guarded_settings: Settings) -> None:
    with pytest.raises(BlockedAddress) as caught:
        fetch(url, guarded_settings)
    assert fragment in caught.value.reason
    assert "\n" not in caught.value.reason
    assert caught.value.url == url


def test_guard_refuses_local_server_before_any_request(
    page_server: PageServer, guarded_settings: Settings
) -> None:
    path = probe(SEED)
    with pytest.raises(BlockedAddress, match="loopback"):
        fetch(page_server.url(path), guarded_settings)
    assert page_server.requests_to(path) == []


def test_connect_time_guard_blocks_even_without_the_pre_check(
    page_server: PageServer, guarded_settings: Settings
) -> None:
    """The client's own network backend refuses the address, so a rebinding DNS answer can't get through."""
    path = probe(SEED)
    with (
        guarded_client(guarded_settings) as client,
        pytest.raises(BlockedAddress, match="localhost resolves"),
    ):
        client.get(page_server.url(path).replace("127.0.0.1", "localhost"))
    assert page_server.requests_to(path) == []


def test_connect_time_guard_connects_when_allowed(page_server: PageServer, fetch_settings: Settings) -> None:
    with guarded_client(fetch_settings) as client:
        response = client.get(page_server.url(SEED).replace("127.0.0.1", "localhost"))
    assert response.status_code == 200


def _redirecting_site(location: str, seen: list[str]) -> httpx.Client:
    """A public-looking site (a public IP literal, so no DNS is needed) that redirects every request."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": location})

    # follow_redirects=True on purpose: fetch must still take every hop itself and check it
    return httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)


@pytest.mark.parametrize(
    ("location", "error"),
    [
        ("http://169.254.169.254/latest/meta-data/iam/", BlockedAddress),
        ("http://localhost:6379/", BlockedAddress),  # refused as private, whatever the port
        (f"http://{PUBLIC_IP}:6379/", BlockedPort),
        ("http://[::ffff:10.0.0.1]/", BlockedAddress),
        ("file:///etc/passwd", UnsupportedScheme),
        ("gopher://93.184.215.14/", UnsupportedScheme),
    ],
)
def test_every_redirect_hop_is_rechecked(
    location: str, error: type[FetchError], guarded_settings: Settings
) -> None:
    seen: list[str] = []
    with _redirecting_site(location, seen) as client, pytest.raises(error) as caught:
        fetch("http://93.184.215.14/story", guarded_settings, client=client)
    assert seen == ["http://93.184.215.14/story"]  # the refused hop was never requested
    assert caught.value.url is not None
    assert caught.value.url.split(":")[0] == location.split(":")[0]


# --------------------------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    ("url", "error", "fragment"),
    [
        ("", InvalidUrl, "empty"),
        ("   ", InvalidUrl, "empty"),
        ("not a url", InvalidUrl, "not an absolute web address"),
        ("http://", InvalidUrl, ""),
        ("http://exa mple.com/", InvalidUrl, "invalid host name"),
        ("http://exa<mple.com/", InvalidUrl, ""),
        ("ftp://example.com/file.txt", UnsupportedScheme, "not ftp:"),
        ("file:///etc/passwd", UnsupportedScheme, "not file:"),
        ("javascript:alert(1)", UnsupportedScheme, "not javascript:"),
        ("data:text/html,<p>hi</p>", UnsupportedScheme, "not data:"),
    ],
)
def test_unusable_urls_are_refused(
    url: str, error: type[FetchError], fragment: str, fetch_settings: Settings
) -> None:
    with pytest.raises(error) as caught:
        fetch(url, fetch_settings)
    assert fragment in caught.value.reason
    assert isinstance(caught.value, FetchError)


@pytest.mark.parametrize(
    ("url", "normalized"),
    [
        ("HTTP://Example.COM:80/a/b?utm_source=x&b=1&fbclid=z#frag", "http://example.com/a/b?b=1"),
        ("https://news.example:443", "https://news.example/"),
        ("https://news.example:8443/x", "https://news.example:8443/x"),
        ("https://news.example/x?gclid=1&utm_medium=s&UTM_CAMPAIGN=c", "https://news.example/x"),
        ("https://news.example/x?b=2&a=1", "https://news.example/x?b=2&a=1"),  # order kept: it can matter
        ("https://News.Example./Path/Case", "https://news.example/Path/Case"),  # path case kept
        ("https://[2606:4700::1111]:443/x", "https://[2606:4700::1111]/x"),
    ],
)
def test_normalize_url(url: str, normalized: str) -> None:
    assert normalize_url(url) == normalized
    assert normalize_url(normalized) == normalized


# --------------------------------------------------------------------------------------------- fetching


def test_fetches_a_page(page_server: PageServer, fetch_settings: Settings) -> None:
    url = page_server.url(probe(SEED))
    page = fetch(url, fetch_settings)
    assert page.url == url
    assert page.final_url == url
    assert page.status == 200
    assert page.content_type == "text/html"
    assert page.encoding == "utf-8"
    assert page.body == (page_server.fixtures_dir / SEED).read_bytes()
    assert "“S-300”" in page.text()


def test_sends_the_configured_user_agent(page_server: PageServer, fetch_settings: Settings) -> None:
    path = probe(SEED)
    fetch(page_server.url(path), fetch_settings)
    [request] = page_server.requests_to(path)
    assert request.headers["user-agent"] == fetch_settings.user_agent


def test_a_client_can_be_reused(page_server: PageServer, fetch_settings: Settings) -> None:
    with guarded_client(fetch_settings) as client:
        first = fetch(page_server.url(SEED), fetch_settings, client=client)
        second = fetch(page_server.url("/text"), fetch_settings, client=client)
    assert (first.content_type, second.content_type) == ("text/html", "text/plain")


def test_follows_redirects_and_keeps_the_final_url(page_server: PageServer, fetch_settings: Settings) -> None:
    url = page_server.url(f"/redirect?to=/{SEED}")
    page = fetch(url, fetch_settings)
    assert page.url == url
    assert page.final_url == page_server.url(SEED)


def test_follows_up_to_the_redirect_limit(page_server: PageServer, fetch_settings: Settings) -> None:
    hops = fetch_settings.fetch_max_redirects
    page = fetch(page_server.url(f"/redirect-chain/{hops}"), fetch_settings)
    assert page.final_url == page_server.url("/redirect-chain/0")


def test_refuses_one_redirect_too_many(page_server: PageServer, fetch_settings: Settings) -> None:
    hops = fetch_settings.fetch_max_redirects + 1
    with pytest.raises(TooManyRedirects, match=f"more than {hops - 1} redirects"):
        fetch(page_server.url(f"/redirect-chain/{hops}"), fetch_settings)


def test_redirect_loop_stops(page_server: PageServer, fetch_settings: Settings) -> None:
    with pytest.raises(TooManyRedirects):
        fetch(page_server.url("/redirect-loop"), fetch_settings)


def test_redirect_to_another_scheme_is_refused_even_when_private_urls_are_allowed(
    page_server: PageServer, fetch_settings: Settings
) -> None:
    with pytest.raises(UnsupportedScheme):
        fetch(page_server.url("/redirect?to=file:///etc/passwd"), fetch_settings)


@pytest.mark.parametrize("path", ["/huge", "/huge?length=0"])
def test_size_cap(path: str, page_server: PageServer, fetch_settings: Settings) -> None:
    with pytest.raises(TooLarge, match=r"too large|larger than") as caught:
        fetch(page_server.url(path), fetch_settings)
    assert "1.0 MB" in caught.value.reason


def test_refuses_early_on_content_length(page_server: PageServer, fetch_settings: Settings) -> None:
    with pytest.raises(TooLarge, match=r"too large \(16\.8 MB, limit 1\.0 MB\)"):
        fetch(page_server.url("/huge"), fetch_settings)


def test_a_page_at_the_limit_is_fine(page_server: PageServer, fetch_settings: Settings) -> None:
    size = (page_server.fixtures_dir / SEED).stat().st_size
    exact = fetch_settings.model_copy(update={"fetch_max_bytes": size})
    assert len(fetch(page_server.url(SEED), exact).body) == size
    with pytest.raises(TooLarge):
        fetch(page_server.url(SEED), fetch_settings.model_copy(update={"fetch_max_bytes": size - 1}))


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/binary", "application/octet-stream"),
        ("/as?file=northvale-layoffs.expected.json&type=application/json", "application/json"),
        ("/as?file=binary.bin&type=image/png", "image/png"),
        ("/as?file=seed-russian-losses.html&type=application/pdf", "application/pdf"),
    ],
)
def test_refuses_other_content_types(
    path: str, content_type: str, page_server: PageServer, fetch_settings: Settings
) -> None:
    with pytest.raises(UnsupportedContentType, match=f"not a web page or text \\({content_type}\\)"):
        fetch(page_server.url(path), fetch_settings)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/as?file=seed-russian-losses.html&type=application/xhtml%2Bxml", "application/xhtml+xml"),
        ("/as?file=seed-russian-losses.html&type=TEXT/HTML;%20charset=UTF-8", "text/html"),
        ("/text", "text/plain"),
        ("/as?file=seed-russian-losses.html", "text/html"),  # no Content-Type: sniffed
        ("/as?file=malformed.html", "text/html"),  # sniffed despite the broken markup
        ("/as?file=seed-russian-losses.txt", "text/plain"),  # sniffed
    ],
)
def test_accepts_html_xhtml_and_text(
    path: str, content_type: str, page_server: PageServer, fetch_settings: Settings
) -> None:
    assert fetch(page_server.url(path), fetch_settings).content_type == content_type


def test_sniffing_refuses_binary_without_a_content_type(
    page_server: PageServer, fetch_settings: Settings
) -> None:
    with pytest.raises(UnsupportedContentType, match="binary data"):
        fetch(page_server.url("/as?file=binary.bin"), fetch_settings)


@pytest.mark.parametrize("status", [404, 500, 403, 410, 503])
def test_error_statuses(status: int, page_server: PageServer, fetch_settings: Settings) -> None:
    with pytest.raises(HttpStatus, match=f"the site answered {status}") as caught:
        fetch(page_server.url(f"/status/{status}"), fetch_settings)
    assert caught.value.status == status


def test_timeout(page_server: PageServer, fetch_settings: Settings) -> None:
    quick = fetch_settings.model_copy(update={"fetch_timeout": 0.3})
    with pytest.raises(FetchTimeout, match=re.escape("did not answer within 0.3 s")):
        fetch(page_server.url("/slow?seconds=3"), quick)


def test_unreachable_port(fetch_settings: Settings) -> None:
    with socket.socket() as sock:  # a port nobody listens on once this socket is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(Unreachable, match=re.escape("could not connect to 127.0.0.1")):
        fetch(f"http://127.0.0.1:{port}/", fetch_settings)


def test_unresolvable_host(guarded_settings: Settings) -> None:
    with pytest.raises(Unreachable, match=re.escape("could not resolve the host name no-such-host.invalid")):
        fetch("http://no-such-host.invalid/story", guarded_settings)


def test_failures_are_logged_for_the_operator(
    page_server: PageServer, fetch_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.reading.fetch")
    with pytest.raises(HttpStatus):
        fetch(page_server.url("/status/404"), fetch_settings)
    [record] = [r for r in caplog.records if r.name == "bot.reading.fetch"]
    assert "/status/404" in record.getMessage()
    assert "404" in record.getMessage()


# --------------------------------------------------------------------------------------------- charsets


def test_charset_from_the_header(page_server: PageServer, fetch_settings: Settings) -> None:
    page = fetch(page_server.url("/latin1"), fetch_settings)
    assert page.encoding == "cp1252"  # ISO-8859-1 is read as windows-1252, as browsers do
    assert "Aytré" in page.text()
    assert "Hélène Bréval" in page.text()


def test_charset_fallback_without_any_declaration(page_server: PageServer, fetch_settings: Settings) -> None:
    page = fetch(page_server.url("/as?file=latin1.html&type=text/html"), fetch_settings)
    assert page.encoding is None
    assert "Aytré" in page.text()  # not UTF-8, so cp1252


def test_charset_from_meta() -> None:
    body = '<html><head><meta charset="windows-1251"></head><body><p>Мариуполь</p></body></html>'.encode(
        "cp1251"
    )
    assert "Мариуполь" in decode(body)
    http_equiv = b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-15"><p>\xa4</p>'
    assert "€" in decode(http_equiv)


def test_bom_wins_over_declarations() -> None:
    assert decode("\ufeffcafé".encode(), "cp1252") == "café"


def test_unknown_charset_falls_back() -> None:
    assert decode("café".encode(), "no-such-charset") == "café"


def test_looks_binary() -> None:
    assert looks_binary(b"%PDF-1.7\n...")
    assert looks_binary(b"abc\x00def")
    assert not looks_binary("plain “text”\n".encode())


def test_international_host_names_are_resolved_in_idna_form(guarded_settings: Settings) -> None:
    with pytest.raises(Unreachable, match=re.escape("xn--bcher-kva.invalid")):
        fetch("http://bücher.invalid/artikel", guarded_settings)
