"""What the ticket use cases refuse, and why.

Every error carries `key`, the text-catalog key a conversation renders for it, so no
use case decides wording.
"""

from __future__ import annotations

from datetime import datetime

from db.models import TicketStatus


class TicketError(Exception):
    """Base of every refusal by the ticket layer; nothing was changed when it is raised."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


class TicketNotFound(TicketError):  # noqa: N818 - the names other modules use
    """No such ticket, or one the actor may not see: the two look the same on purpose."""

    def __init__(self, ticket: int | str) -> None:
        super().__init__(f"ticket {ticket!r} not found", "error.ticket_not_found")
        self.ticket = ticket


class NotAllowed(TicketError):  # noqa: N818 - the names other modules use
    """The actor may see the ticket (or is who they say) but may not do this."""

    def __init__(self, action: str, reason: str) -> None:
        super().__init__(f"{action} not allowed: {reason}", f"error.not_allowed.{reason}")
        self.action = action
        self.reason = reason


class IllegalTransition(TicketError):  # noqa: N818 - the names other modules use
    """The action does not apply in the ticket's current status."""

    def __init__(self, from_status: TicketStatus, action: str) -> None:
        super().__init__(
            f"cannot {action} a ticket that is {from_status.value}", "error.illegal_transition"
        )
        self.from_status = from_status
        self.action = action


class OutsideWindow(TicketError):  # noqa: N818 - the names other modules use
    """Too late: the window for this action (reopening) has passed."""

    def __init__(self, action: str, deadline: datetime) -> None:
        super().__init__(
            f"{action} was possible until {deadline.isoformat()}", "error.outside_window"
        )
        self.action = action
        self.deadline = deadline


class InvalidInput(TicketError):  # noqa: N818 - the names other modules use
    """A value the actor gave is unusable; `reason` is a short code such as "too_long"."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", f"error.invalid.{reason}")
        self.field = field
        self.reason = reason


class CaseNotFound(TicketError):  # noqa: N818 - named like TicketNotFound
    """No such collective case, or one with a ticket the officer may not see."""

    def __init__(self, case: int | str) -> None:
        super().__init__(f"case {case!r} not found", "error.case_not_found")
        self.case = case
