"""Hostile servers against the fetcher's limits: endless bodies, slow drips, compression bombs, odd
encodings and redirect loops, each served for real by ``page_server`` over a local socket.

A fetch must end promptly with a typed FetchError, having read about as many bytes as the limit allows.
"""

from __future__ import annotations

import time
import tracemalloc
import uuid

import pytest

from bot.config import Settings
from bot.reading.fetch import (
    ACCEPT_ENCODING,
    FetchTimeout,
    TooLarge,
    TooManyRedirects,
    Undecodable,
    fetch,
)
from tests.plugins.web import PageServer

SEED = "seed-russian-losses.html"


def probe(path: str) -> str:
    separator = "&" if "?" in path else "?"
    return f"{path}{separator}probe={uuid.uuid4().hex}"


@pytest.fixture
def short_deadline(fetch_settings: Settings) -> Settings:
    """Per-operation timeout 2 s, whole fetch 1.5 s: only the total deadline can stop a drip."""
    return fetch_settings.model_copy(update={"fetch_total_timeout": 1.5})


# --------------------------------------------------------------------------------------------- size


def test_an_endless_body_is_cut_off_at_the_limit_while_streaming(
    page_server: PageServer, fetch_settings: Settings
) -> None:
    path = probe("/endless")
    started = time.monotonic()
    with pytest.raises(TooLarge, match=r"larger than 1\.0 MB"):
        fetch(page_server.url(path), fetch_settings)
    assert time.monotonic() - started < 5
    time.sleep(0.2)  # let the server notice the hang-up
    limit = fetch_settings.fetch_max_bytes
    # What the server got into the socket: the limit, one read of 64 kB and the kernel buffers on the way.
    assert limit < page_server.bytes_sent(path) < limit + 2_000_000


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_a_compression_bomb_is_stopped_by_the_limit_on_decompressed_bytes(
    coding: str, page_server: PageServer, fetch_settings: Settings
) -> None:
    """1 GiB of HTML in about 1 MB of gzip: the limit counts decompressed bytes, and memory stays small."""
    path = probe(f"/bomb?as={coding}")
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(TooLarge, match=r"larger than 1\.0 MB once decompressed"):
            fetch(page_server.url(path), fetch_settings)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 5
    # httpx's own decoder inflates a whole 64 kB network read at once: 64 MB from this bomb.
    assert peak < 4 * fetch_settings.fetch_max_bytes
    time.sleep(0.2)
    assert page_server.bytes_sent(path) < 200_000  # a few kB of the 1 MB of gzip were needed


def test_the_limit_on_decompressed_bytes_is_exact(page_server: PageServer, fetch_settings: Settings) -> None:
    size = (page_server.fixtures_dir / SEED).stat().st_size
    url = page_server.url(f"/compressed?file={SEED}&as=gzip")
    assert len(fetch(url, fetch_settings.model_copy(update={"fetch_max_bytes": size})).body) == size
    with pytest.raises(TooLarge, match="once decompressed"):
        fetch(url, fetch_settings.model_copy(update={"fetch_max_bytes": size - 1}))


# --------------------------------------------------------------------------------------------- time


@pytest.mark.parametrize("route", ["/drip", "/drip-headers"])
def test_a_slow_drip_hits_the_total_deadline(
    route: str, page_server: PageServer, short_deadline: Settings
) -> None:
    """A byte every 0.2 s never trips the 2 s read timeout; the 1.5 s total deadline must stop it,
    in the body and in the headers alike (where no body loop could look at a clock)."""
    path = probe(f"{route}?interval=0.2")
    started = time.monotonic()
    with pytest.raises(FetchTimeout) as caught:
        fetch(page_server.url(path), short_deadline)
    elapsed = time.monotonic() - started
    assert caught.value.reason == "the site took more than 1.5 s to send the page"
    assert 1.4 < elapsed < 3


def test_the_total_deadline_defaults_to_30_seconds() -> None:
    assert Settings(_env_file=None).fetch_total_timeout == 30.0


def test_the_total_deadline_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMBOT_FETCH_TOTAL_TIMEOUT", "12.5")
    assert Settings(_env_file=None).fetch_total_timeout == 12.5


def test_a_slow_first_answer_still_hits_the_per_operation_timeout(
    page_server: PageServer, fetch_settings: Settings
) -> None:
    quick = fetch_settings.model_copy(update={"fetch_timeout": 0.3, "fetch_total_timeout": 10.0})
    with pytest.raises(FetchTimeout, match=r"did not answer within 0\.3 s"):
        fetch(page_server.url(probe("/slow?seconds=3")), quick)


# --------------------------------------------------------------------------------------------- encodings


def test_only_decodable_encodings_are_advertised(page_server: PageServer, fetch_settings: Settings) -> None:
    path = probe(SEED)
    fetch(page_server.url(path), fetch_settings)
    [request] = page_server.requests_to(path)
    assert request.headers["accept-encoding"] == ACCEPT_ENCODING == "gzip, deflate"


@pytest.mark.parametrize("coding", ["gzip", "x-gzip", "deflate", "raw-deflate", "gzip-gzip"])
def test_compressed_pages_are_decoded(coding: str, page_server: PageServer, fetch_settings: Settings) -> None:
    page = fetch(page_server.url(f"/compressed?file={SEED}&as={coding}"), fetch_settings)
    assert page.body == (page_server.fixtures_dir / SEED).read_bytes()


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("br", "the page is compressed in a format we do not read (br)"),
        ("zstd", "the page is compressed in a format we do not read (zstd)"),
        ("compress", "the page is compressed in a format we do not read (compress)"),
        ("gzip,%20br", "the page is compressed in a format we do not read (br)"),
        ("gzip,gzip,gzip", "the page is compressed 3 times over"),
        ("broken-gzip", "the site sent broken gzip data"),
    ],
)
def test_undecodable_bodies_are_refused_not_analysed(
    label: str, reason: str, page_server: PageServer, fetch_settings: Settings
) -> None:
    """httpx skips a coding it has no decoder for (br without the brotli package): the compressed bytes
    would then reach the article extractor as if they were the page."""
    with pytest.raises(Undecodable) as caught:
        fetch(page_server.url(probe(f"/compressed?file={SEED}&as={label}")), fetch_settings)
    assert caught.value.reason == reason


# --------------------------------------------------------------------------------------------- redirects


def test_a_redirect_loop_stops_after_the_limit(page_server: PageServer, fetch_settings: Settings) -> None:
    before = len(page_server.requests_to("/redirect-loop"))
    with pytest.raises(TooManyRedirects, match="more than 3 redirects"):
        fetch(page_server.url("/redirect-loop"), fetch_settings)
    assert len(page_server.requests_to("/redirect-loop")) - before == fetch_settings.fetch_max_redirects + 1
