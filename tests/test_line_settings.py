"""LINE settings: both or neither; either channel alone is enough for `run`; no secret in repr."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings

LINE = {"LINE_CHANNEL_SECRET": "s3cr3t-line", "LINE_CHANNEL_ACCESS_TOKEN": "t0ken-line"}


def _load(env, tmp_path, **kw):
    return load_settings(env, dotenv=tmp_path / "none.env", **kw)


def test_line_alone_is_enough_to_run(tmp_path):
    s = _load(LINE, tmp_path, require_token=True)
    assert s.line_enabled and s.token is None
    assert s.line_api_url == "https://api.line.me"
    assert "s3cr3t-line" not in repr(s) and "t0ken-line" not in repr(s)


def test_no_channel_at_all_names_both(tmp_path):
    with pytest.raises(ConfigError, match="LINE_CHANNEL_SECRET"):
        _load({}, tmp_path, require_token=True)


@pytest.mark.parametrize("missing", sorted(LINE))
def test_half_a_line_setup_is_refused(tmp_path, missing):
    env = {k: v for k, v in LINE.items() if k != missing}
    with pytest.raises(ConfigError, match="both"):
        _load(env, tmp_path)


def test_line_api_url_must_be_http(tmp_path):
    with pytest.raises(ConfigError, match="LINE_API_URL"):
        _load({**LINE, "LINE_API_URL": "api.line.me"}, tmp_path)
    assert _load({**LINE, "LINE_API_URL": "http://127.0.0.1:9/"}, tmp_path).line_api_url == (
        "http://127.0.0.1:9"
    )
