"""Secrets are cut out of log text."""

from bot.slack.redaction import redact


def test_tokens_secret_fields_and_known_secrets_are_redacted() -> None:
    line = (
        "body: {'client_id': '1.2', 'client_secret': 'abc123', 'code': 'x'} "
        '{"access_token": "xoxb-1-2-abc", "ok": true} app xapp-1-A0-999 user xoxp-9-9 sig=shhh-secret'
    )
    out = redact(line, ["shhh-secret"])
    for secret in ("abc123", "xoxb-1-2-abc", "xapp-1-A0-999", "xoxp-9-9", "shhh-secret"):
        assert secret not in out
    assert "'client_id': '1.2'" in out and '"ok": true' in out
    oauth = "callback (request: {'code': ['c-123'], 'state': ['s-456']}) GET /oauth?code=c-789&state=s-0"
    out = redact(oauth)
    assert all(v not in out for v in ("c-123", "s-456", "c-789", "s-0")) and "GET /oauth?" in out
