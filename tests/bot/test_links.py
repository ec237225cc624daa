"""Which links of a Slack message are summarised."""

from bot.slack.links import article_links, host_matches, message_links, new_links


def test_slack_wrapped_links_are_read_once_each_from_text_and_blocks() -> None:
    text = (
        "look <https://news.example.com/a?utm_source=x|news.example.com/a> and <https://other.example.org/b>"
    )
    blocks = [
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "link", "url": "https://news.example.com/a?utm_source=x"},
                        {"type": "link", "url": "https://third.example.net/c"},
                    ],
                }
            ],
        }
    ]
    assert message_links(text, blocks) == [
        "https://news.example.com/a?utm_source=x",
        "https://other.example.org/b",
        "https://third.example.net/c",
    ]


def test_bare_links_without_trailing_punctuation() -> None:
    assert message_links("read https://example.com/story-1. now") == ["https://example.com/story-1"]


def test_escaped_ampersands_are_unescaped() -> None:
    assert message_links("<https://example.com/a?x=1&amp;y=2>") == ["https://example.com/a?x=1&y=2"]


def test_slack_links_mailto_and_denied_domains_are_ignored() -> None:
    text = (
        "<https://acme.slack.com/archives/C1/p1> <mailto:a@b.c|a@b.c> "
        "<https://www.ads.example/x> <https://news.example.com/keep>"
    )
    assert article_links(text, deny_domains=["ads.example"]) == ["https://news.example.com/keep"]


def test_subdomains_match_a_denied_domain_but_lookalikes_do_not() -> None:
    assert host_matches("www.tracker.io", ["tracker.io"])
    assert not host_matches("nottracker.io", ["tracker.io"])


def test_an_edit_adds_only_links_not_seen_before() -> None:
    before = ["https://example.com/a"]
    after = ["https://example.com/a#top", "https://example.com/b"]
    assert new_links(after, before) == ["https://example.com/b"]
    assert new_links(before, before) == []
