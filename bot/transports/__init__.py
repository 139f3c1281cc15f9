"""Transports: the only code that speaks a messenger's API.

`MESSENGERS` names every messenger the runtime knows, with the rule its person ids follow,
so commands that take an id (`officer add --messenger-id`) serve any messenger. A new
messenger declares its `Messenger` beside its transport and adds it here.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.transports.base import Messenger
from bot.transports.telegram import TELEGRAM
from bot.transports.terminal import TERMINAL
from bot.transports.web import WEB

MESSENGERS: Mapping[str, Messenger] = {m.platform: m for m in (TELEGRAM, TERMINAL, WEB)}
