"""Slack's message limits and the product's copy, in one place so renderers and tests agree."""

from __future__ import annotations

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_VALUE = 2000
# Slack rejects messages whose blocks add up to roughly 13k characters (msg_blocks_too_long), below the
# documented 40k for text: stay well under it.
MAX_BLOCKS_CHARS = 11_000
MAX_FALLBACK_TEXT = 3000
MAX_PLAIN_TEXT = 39_000  # chat.postMessage truncates text at 40,000 characters

WORKING_REACTION = "hourglass_flowing_sand"

USAGE = (
    "*Search the claims shared in this workspace*\n"
    "`/claims mariupol` words (all must match)\n"
    '`/claims "safe corridor"` an exact phrase\n'
    "`/claims tanks OR artillery` either word · `/claims tanks -training` leave a word out · "
    "`/claims kill*` words starting so\n"
    "`/claims source:Konashenkov` claims by a source\n"
    "`/claims who Konashenkov` a source's card: roles, other names, channels, latest claims\n"
    "`/claims chart killed mariupol` a chart of the figures a search finds, posted here\n"
    "`/claims export since:7d` a CSV of what a search finds, every field, posted here\n"
    "`/claims since:7d` shared in the last 7 days (also `24h`, `2w`)\n"
    "`/claims in:#news` shared in a channel (`in:news` too)\n"
    "Not supported: parentheses, NOT and NEAR (use `-word`), `*` inside a word\n"
    "`/claims include:hidden mariupol` also beliefs, intentions and other attributions threads leave out\n"
    "*Daily digest of this channel*\n"
    "`/claims digest on 09:00` every day at 09:00 in your time zone\n"
    "`/claims digest off` stop it\n"
    "`/claims digest` show the current setting"
)

CHART_USAGE = (
    "Usage: `/claims chart QUERY` charts the figures the claims matching QUERY give, one line per source "
    "(e.g. `/claims chart servicemen killed`). To search for the word chart: `/claims \"chart\"`"
)
EXPORT_USAGE = (
    "Usage: `/claims export QUERY` posts a CSV of the claims matching QUERY here, with their sources and "
    "links (e.g. `/claims export since:7d`). To search for the word export: `/claims \"export\"`"
)
WHO_USAGE = "Usage: `/claims who NAME` (a source's name or part of it, e.g. `/claims who Konashenkov`)"

MENTION_HELP = (
    "Share a link to a news article in a channel I'm in and I reply in its thread with who claims what. "
    "Mention me with a link (`@claimbot https://…`) to summarise it anywhere. "
    "Search past claims with `/claims` (try `/claims help`)."
)
