"""What the conversation core needs to know about the deployment.

`bot.settings.Settings` satisfies this protocol; tests may pass any object with these
attributes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class CoreConfig(Protocol):
    @property
    def default_language(self) -> str: ...

    @property
    def timezone(self) -> str: ...

    @property
    def crisis_hotlines(self) -> Mapping[str, str]:
        """Emergency numbers to show a person in danger, per language."""
        ...

    @property
    def auto_close_days(self) -> int:
        """Days after which a resolved ticket closes unless the worker reopens it."""
        ...

    @property
    def reopen_window_days(self) -> int:
        """Days after resolving during which the worker may reopen a ticket."""
        ...

    @property
    def web_base_url(self) -> str | None:
        """The console's public address, for the sign-in links /web sends; None if unset."""
        ...

    @property
    def retention_days(self) -> int:
        """Days after closing after which a ticket's personal data is purged."""
        ...
