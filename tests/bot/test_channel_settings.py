"""Parsing `/claims digest ...` times."""

import pytest

from bot.features.channel_settings import ChannelCommandError, parse_digest_args, parse_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", (9, 0)),
        ("9", (9, 0)),
        ("18:30", (18, 30)),
        ("9am", (9, 0)),
        ("12am", (0, 0)),
        ("12pm", (12, 0)),
        ("6:15pm", (18, 15)),
        ("0:05", (0, 5)),
    ],
)
def test_times(text: str, expected: tuple[int, int]) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "9:7", "noon", "13pm", "9:60", ""])
def test_bad_times_say_how_to_write_one(text: str) -> None:
    with pytest.raises(ChannelCommandError, match="09:00"):
        parse_time(text)


def test_digest_arguments() -> None:
    assert parse_digest_args([]) == (None, 9, 0)
    assert parse_digest_args(["off"]) == (False, 9, 0)
    assert parse_digest_args(["on"]) == (True, 9, 0)
    assert parse_digest_args(["on", "07:45"]) == (True, 7, 45)
    with pytest.raises(ChannelCommandError):
        parse_digest_args(["sometimes"])
