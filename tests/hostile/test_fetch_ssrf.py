"""Hostile links against the address guard: every spelling of a private address, names that resolve
privately, DNS rebinding, redirects, schemes, ports and credentials.

Each test aims at the local ``page_server`` where it can (its port allowed, so only the rule under test
can stop the fetch) and proves both that the server saw no request and that no TCP connection was even
attempted. A positive control shows the same routes do reach the server when the guard is relaxed.
"""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from bot.config import Settings
from bot.reading.fetch import (
    BlockedAddress,
    BlockedPort,
    CredentialsInUrl,
    FetchError,
    Resolver,
    UnsupportedScheme,
    fetch,
    guarded_client,
)
from tests.plugins.web import PageServer

PUBLIC_IP = "93.184.215.14"  # a public address literal: no DNS, and never connected to (mock transports)


@dataclass
class ScriptedResolver(Resolver):
    """Scripted DNS: host -> one answer per lookup (the last repeats); IP literals are parsed as usual."""

    answers: dict[str, list[list[str]]]
    lookups: list[str] = field(default_factory=list)

    def resolve(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        script = self.answers.get(host)
        if script is None:
            return super().resolve(host, port)
        return list(script.pop(0) if len(script) > 1 else script[0])


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[Any, ...]]]:
    """Every TCP connection attempt in this test (httpcore connects through socket.create_connection)."""
    attempts: list[tuple[Any, ...]] = []
    original = socket.create_connection

    def spy(address: tuple[Any, ...], *args: Any, **kwargs: Any) -> socket.socket:
        attempts.append(address)
        return original(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", spy)
    yield attempts


def probe() -> str:
    return f"/ssrf-{uuid.uuid4().hex}"


def assert_untouched(page_server: PageServer, path: str, connections: list[tuple[Any, ...]]) -> None:
    assert page_server.requests_to(path) == []
    assert connections == []


def one_line(error: FetchError) -> None:
    assert error.reason and "\n" not in error.reason


# Every way of writing "this machine" that a URL parser, getaddrinfo or the kernel accepts.
LOCAL_FORMS = [
    "localhost",
    "127.0.0.1",
    "127.1",  # short form: 127.0.0.1
    "0x7f.1",  # hex first octet
    "0x7f000001",  # one hex number
    "2130706433",  # one decimal number
    "017700000001",  # one octal number
    "0.0.0.0",  # unspecified: Linux connects it to this host
    "0",  # 0.0.0.0 as one number
    "[::1]",
    "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6, reaches the IPv4 listener
    "[::ffff:7f00:1]",  # the same in hex
    "[0:0:0:0:0:ffff:127.0.0.1]",
    "[::]",
]

# Other special networks: nothing listens there in tests; the point is that no connection is attempted.
OTHER_FORMS = [
    ("169.254.169.254", "link-local"),  # cloud metadata
    ("[fd00:ec2::254]", "private"),  # AWS metadata over IPv6 (unique-local)
    ("10.0.0.1", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("[fd12:3456::1]", "private"),  # unique-local
    ("[fe80::1]", "link-local"),
    ("[fec0::1]", "site-local"),
    ("224.0.0.1", "multicast"),
    ("[ff02::1]", "multicast"),
    ("240.0.0.1", "private"),  # reserved (class E); Python files it under is_private
    ("255.255.255.255", "private"),  # broadcast
    ("192.0.2.1", "private"),  # documentation (TEST-NET-1)
    ("[64:ff9b::a9fe:a9fe]", "link-local"),  # NAT64 wrapping 169.254.169.254
    ("[2002:a9fe:a9fe::]", "link-local"),  # 6to4 wrapping 169.254.169.254
]


# --------------------------------------------------------------------------------------------- addresses


@pytest.mark.parametrize("host", LOCAL_FORMS)
def test_every_spelling_of_this_host_is_refused(
    host: str,
    page_server: PageServer,
    guarded_fetch_settings: Settings,
    connections: list[tuple[Any, ...]],
) -> None:
    path = probe()
    url = f"http://{host}:{page_server.port}{path}"
    with pytest.raises(BlockedAddress) as caught:
        fetch(url, guarded_fetch_settings)
    assert any(word in caught.value.reason for word in ("loopback", "unspecified"))
    one_line(caught.value)
    assert_untouched(page_server, path, connections)


@pytest.mark.parametrize("host", ["127.1", "0x7f.1", "2130706433", "[::ffff:127.0.0.1]", "0.0.0.0"])
def test_positive_control_these_spellings_do_reach_the_server_when_allowed(
    host: str, page_server: PageServer, fetch_settings: Settings
) -> None:
    """Without this, the refusals above could pass because the forms simply never worked."""
    path = probe()
    with pytest.raises(FetchError):  # a 404 page: what matters is that the request arrived
        fetch(f"http://{host}:{page_server.port}{path}", fetch_settings)
    assert len(page_server.requests_to(path)) == 1


@pytest.mark.parametrize(("host", "problem"), OTHER_FORMS)
def test_special_networks_are_refused(
    host: str,
    problem: str,
    page_server: PageServer,
    guarded_fetch_settings: Settings,
    connections: list[tuple[Any, ...]],
) -> None:
    path = probe()
    with pytest.raises(BlockedAddress, match=problem) as caught:
        fetch(f"http://{host}{path}", guarded_fetch_settings)
    one_line(caught.value)
    assert_untouched(page_server, path, connections)


# --------------------------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        (["127.0.0.1"], "loopback"),
        (["169.254.169.254"], "link-local"),
        (["10.1.2.3"], "private"),
        ([PUBLIC_IP, "127.0.0.1"], "loopback"),  # one bad answer among good ones is enough
        (["::ffff:127.0.0.1"], "loopback"),
    ],
)
def test_a_name_that_resolves_privately_is_refused(
    answers: list[str],
    problem: str,
    page_server: PageServer,
    guarded_fetch_settings: Settings,
    connections: list[tuple[Any, ...]],
) -> None:
    resolver = ScriptedResolver({"metadata.internal.example": [answers]})
    path = probe()
    with pytest.raises(BlockedAddress, match=f"metadata.internal.example resolves to a {problem}"):
        fetch(
            f"http://metadata.internal.example:{page_server.port}{path}",
            guarded_fetch_settings,
            resolver=resolver,
        )
    assert_untouched(page_server, path, connections)


def test_connect_time_guard_refuses_a_private_name_without_the_pre_check(
    page_server: PageServer, guarded_fetch_settings: Settings, connections: list[tuple[Any, ...]]
) -> None:
    resolver = ScriptedResolver({"metadata.internal.example": [["127.0.0.1"]]})
    path = probe()
    with (
        guarded_client(guarded_fetch_settings, resolver=resolver) as client,
        pytest.raises(BlockedAddress, match="loopback"),
    ):
        client.get(f"http://metadata.internal.example:{page_server.port}{path}")
    assert resolver.lookups == ["metadata.internal.example"]
    assert_untouched(page_server, path, connections)


def test_dns_rebinding_is_refused_at_connect_time(
    page_server: PageServer,
    guarded_fetch_settings: Settings,
    connections: list[tuple[Any, ...]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Public on the first lookup (the pre-check passes), 127.0.0.1 on the second (the connection)."""
    caplog.set_level(logging.WARNING, logger="bot.reading.fetch")
    resolver = ScriptedResolver({"news.rebind.example": [[PUBLIC_IP], ["127.0.0.1"]]})
    path = probe()
    url = f"http://news.rebind.example:{page_server.port}{path}"
    with pytest.raises(BlockedAddress) as caught:
        fetch(url, guarded_fetch_settings, resolver=resolver)
    assert caught.value.reason == "news.rebind.example resolves to a loopback address (127.0.0.1)"
    assert caught.value.url == url
    assert resolver.lookups == ["news.rebind.example", "news.rebind.example"]
    assert_untouched(page_server, path, connections)
    messages = [r.getMessage() for r in caplog.records if r.name == "bot.reading.fetch"]
    assert any("connect-time guard refused news.rebind.example" in m for m in messages)
    assert any(m.startswith(f"fetch refused {url}") for m in messages)


def test_positive_control_the_guard_connects_to_the_address_the_resolver_gave(
    page_server: PageServer, fetch_settings: Settings, connections: list[tuple[Any, ...]]
) -> None:
    """The connection goes to the checked address, not to a fresh lookup of the name by the socket layer."""
    resolver = ScriptedResolver({"metadata.internal.example": [["127.0.0.1"]]})
    page = fetch(
        f"http://metadata.internal.example:{page_server.port}/seed-russian-losses.html",
        fetch_settings,
        resolver=resolver,
    )
    assert page.status == 200
    assert connections == [("127.0.0.1", page_server.port)]


# --------------------------------------------------------------------------------------------- redirects


def _public_site(location: str, seen: list[str]) -> httpx.Client:
    """A public site (a public IP literal served by a mock transport) that redirects every request."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": location})

    return httpx.Client(transport=httpx.MockTransport(handler))


@pytest.mark.parametrize("host", LOCAL_FORMS)
def test_a_public_page_redirecting_to_this_host_is_refused(
    host: str,
    page_server: PageServer,
    guarded_fetch_settings: Settings,
    connections: list[tuple[Any, ...]],
) -> None:
    path = probe()
    seen: list[str] = []
    with (
        _public_site(f"http://{host}:{page_server.port}{path}", seen) as client,
        pytest.raises(BlockedAddress),
    ):
        fetch(f"http://{PUBLIC_IP}/story", guarded_fetch_settings, client=client)
    assert seen == [f"http://{PUBLIC_IP}/story"]
    assert_untouched(page_server, path, connections)


def test_a_public_page_redirecting_to_a_private_name_is_refused(
    page_server: PageServer, guarded_fetch_settings: Settings, connections: list[tuple[Any, ...]]
) -> None:
    resolver = ScriptedResolver({"metadata.google.internal": [["169.254.169.254"]]})
    seen: list[str] = []
    location = "http://metadata.google.internal/computeMetadata/v1/"
    with _public_site(location, seen) as client, pytest.raises(BlockedAddress, match="link-local") as caught:
        fetch(f"http://{PUBLIC_IP}/story", guarded_fetch_settings, client=client, resolver=resolver)
    assert caught.value.url == location
    assert connections == []


# --------------------------------------------------------------------------------------------- schemes


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1:{port}{path}",
        "gopher://127.0.0.1:{port}/_GET%20{path}",
        "dict://127.0.0.1:{port}{path}",
        "ws://127.0.0.1:{port}{path}",
        "file://{path}",
        "jar:http://127.0.0.1:{port}{path}!/",
        "netdoc://127.0.0.1:{port}{path}",
    ],
)
def test_other_schemes_are_refused_even_when_private_urls_are_allowed(
    url: str, page_server: PageServer, fetch_settings: Settings, connections: list[tuple[Any, ...]]
) -> None:
    path = probe()
    with pytest.raises(UnsupportedScheme, match="only http and https") as caught:
        fetch(url.format(port=page_server.port, path=path), fetch_settings)
    one_line(caught.value)
    assert_untouched(page_server, path, connections)


# --------------------------------------------------------------------------------------------- ports


def test_default_allowed_ports() -> None:
    assert Settings(_env_file=None).fetch_allowed_ports == [80, 443, 8080, 8443]


def test_allowed_ports_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMBOT_FETCH_ALLOWED_PORTS", "80, 443,8081")
    assert Settings(_env_file=None).fetch_allowed_ports == [80, 443, 8081]


@pytest.mark.parametrize("value", ["", "0", "80,70000", "http"])
def test_bad_allowed_ports_are_a_configuration_error(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMBOT_FETCH_ALLOWED_PORTS", value)
    with pytest.raises(ValidationError, match="fetch_allowed_ports"):
        Settings(_env_file=None)


@pytest.mark.parametrize("port", [22, 25, 6379, 9200, 11211, 2375, 65535])
def test_a_port_outside_the_allow_list_is_refused(port: int, connections: list[tuple[Any, ...]]) -> None:
    resolver = ScriptedResolver({"news.example": [[PUBLIC_IP]]})
    with pytest.raises(BlockedPort) as caught:
        fetch(f"http://news.example:{port}/story", Settings(_env_file=None), resolver=resolver)
    assert caught.value.reason == f"links to port {port} are not fetched (only 80, 443, 8080, 8443)"
    one_line(caught.value)
    assert connections == []


def test_a_private_target_is_refused_as_private_whatever_its_port(
    page_server: PageServer, connections: list[tuple[Any, ...]]
) -> None:
    """The user learns the real problem (and the CLI test against page_server's random port relies on it)."""
    path = probe()
    with pytest.raises(BlockedAddress, match="loopback"):
        fetch(page_server.url(path), Settings(_env_file=None))
    assert_untouched(page_server, path, connections)


def test_allowing_private_urls_does_not_open_other_ports_on_public_hosts(
    fetch_settings: Settings, connections: list[tuple[Any, ...]]
) -> None:
    resolver = ScriptedResolver({"news.example": [[PUBLIC_IP]]})
    with pytest.raises(BlockedPort, match="port 6379"):
        fetch("http://news.example:6379/", fetch_settings, resolver=resolver)
    with pytest.raises(BlockedPort, match="port 22"):
        fetch(f"http://{PUBLIC_IP}:22/", fetch_settings)
    assert connections == []


def test_a_redirect_to_a_port_outside_the_allow_list_is_refused() -> None:
    seen: list[str] = []
    with _public_site(f"http://{PUBLIC_IP}:6379/", seen) as client, pytest.raises(BlockedPort) as caught:
        fetch(f"http://{PUBLIC_IP}/story", Settings(_env_file=None), client=client)
    assert seen == [f"http://{PUBLIC_IP}/story"]
    assert caught.value.url == f"http://{PUBLIC_IP}:6379/"


@pytest.mark.parametrize(
    "url", [f"http://{PUBLIC_IP}:8080/a", f"https://{PUBLIC_IP}:8443/a", f"http://{PUBLIC_IP}:80/a"]
)
def test_allowed_ports_are_fetched(url: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=b"<html><p>ok</p></html>")

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        assert fetch(url, Settings(_env_file=None), client=client).status == 200


# --------------------------------------------------------------------------------------------- credentials


@pytest.mark.parametrize("userinfo", ["user:pass", "user", ":pass", "admin:s3cr%40t"])
def test_credentials_in_the_url_are_refused_even_when_private_urls_are_allowed(
    userinfo: str,
    page_server: PageServer,
    fetch_settings: Settings,
    connections: list[tuple[Any, ...]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.reading.fetch")
    path = probe()
    url = f"http://{userinfo}@127.0.0.1:{page_server.port}{path}"
    with pytest.raises(CredentialsInUrl) as caught:
        fetch(url, fetch_settings)
    assert caught.value.reason == "links with a user name or password are not fetched"
    assert_untouched(page_server, path, connections)
    [record] = [r for r in caplog.records if r.name == "bot.reading.fetch"]
    assert f"{userinfo}@" not in record.getMessage()  # the secret stays out of the operator's logs
    assert f"***@127.0.0.1:{page_server.port}{path}" in record.getMessage()


def test_a_redirect_to_a_url_with_credentials_is_refused() -> None:
    seen: list[str] = []
    location = f"http://user:pass@{PUBLIC_IP}/private"
    with _public_site(location, seen) as client, pytest.raises(CredentialsInUrl):
        fetch(f"http://{PUBLIC_IP}/story", Settings(_env_file=None), client=client)
    assert seen == [f"http://{PUBLIC_IP}/story"]
