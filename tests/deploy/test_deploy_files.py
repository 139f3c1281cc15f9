"""deploy/: the environment file, the systemd unit and the nginx site agree with the bot and
with each other. (The nginx site itself runs in tests/replicas/.)"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
ENV_EXAMPLE = DEPLOY / "workerbot.env.example"
# Read by the unit's command line, not by the bot's settings.
UNIT_ONLY = {"WORKERBOT_WEBHOOK_URL"}
# Commented lines that show an example rather than the default.
EXAMPLES = {"WORKERBOT_CRISIS_HOTLINES", "WORKERBOT_CACHE_DIR", "WORKERBOT_WEB_BASE_URL"}


def example_variables() -> dict[str, str]:
    """Every WORKERBOT_ variable the example sets or shows commented out, with its value."""
    found = re.findall(r"^#? ?(WORKERBOT_[A-Z_]+)=(.*)$", ENV_EXAMPLE.read_text(), re.MULTILINE)
    return dict(found)


def test_the_environment_example_documents_every_setting_and_nothing_else() -> None:
    settings = {f"WORKERBOT_{name.upper()}" for name in Settings.model_fields}
    shown = set(example_variables())
    assert settings - shown == set(), "settings missing from deploy/workerbot.env.example"
    assert shown - settings == UNIT_ONLY, "variables the bot does not read"


def test_the_example_is_accepted_and_its_commented_lines_show_the_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    defaults = Settings(_env_file=None)
    for name, value in example_variables().items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)
    assert settings.database_url.startswith("postgresql+asyncpg://")
    commented = re.findall(r"^# (WORKERBOT_[A-Z_]+)=", ENV_EXAMPLE.read_text(), re.MULTILINE)
    for variable in set(commented) - EXAMPLES:
        name = variable.removeprefix("WORKERBOT_").lower()
        assert getattr(settings, name) == getattr(defaults, name), variable


def test_the_unit_serves_the_webhook_where_nginx_sends_it() -> None:
    unit = (DEPLOY / "workerbot@.service").read_text()
    site = (DEPLOY / "nginx-workerbot.conf").read_text()
    exec_start = re.search(r"^ExecStart=(.*)$", unit, re.MULTILINE)
    assert exec_start is not None
    assert "--webhook ${WORKERBOT_WEBHOOK_URL}" in exec_start.group(1)
    listen = re.search(r"--listen 127\.0\.0\.1:808%i", exec_start.group(1))
    assert listen is not None, "replica N listens on 808N, as the upstream lists them"
    webhook_path = urlsplit(example_variables()["WORKERBOT_WEBHOOK_URL"]).path
    assert f"location = {webhook_path} {{" in site
    upstream = re.search(r"upstream workerbot_webhook \{(.*?)\}", site, re.DOTALL)
    assert upstream is not None
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", upstream.group(1)) == ["8081", "8082", "8083"]
