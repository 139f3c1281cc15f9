"""Failures a test can inject into the fake server, and the API errors the fake answers with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ApiError(Exception):
    """An error response in Telegram's envelope: ok false, error_code, description."""

    def __init__(
        self,
        status: int,
        description: str,
        parameters: dict[str, Any] | None = None,
        *,
        html: bool = False,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters
        # Telegram's front end answers some 5xx with an nginx HTML page instead of JSON.
        self.html = html


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass(frozen=True)
class RetryAfter:
    """429 Too Many Requests with parameters.retry_after, as Telegram's flood control sends."""

    seconds: int


@dataclass(frozen=True)
class ServerError:
    """A 5xx. Telegram's front end answers 502/504 with an HTML page, not JSON: ``html``."""

    status: int = 500
    description: str = "Internal Server Error"
    html: bool = False


@dataclass(frozen=True)
class Forbidden:
    description: str = "Forbidden: bot was blocked by the user"


@dataclass(frozen=True)
class BadRequest:
    description: str = "Bad Request: injected failure"


@dataclass(frozen=True)
class Delay:
    """Hold the request this long, then handle it normally (the call still takes effect)."""

    seconds: float


Fault = RetryAfter | ServerError | Forbidden | BadRequest | Delay


def fault_error(fault: RetryAfter | ServerError | Forbidden | BadRequest) -> ApiError:
    if isinstance(fault, RetryAfter):
        return ApiError(
            429,
            f"Too Many Requests: retry after {fault.seconds}",
            {"retry_after": fault.seconds},
        )
    if isinstance(fault, ServerError):
        return ApiError(fault.status, fault.description, html=fault.html)
    if isinstance(fault, Forbidden):
        return ApiError(403, fault.description)
    return ApiError(400, fault.description)


@dataclass(frozen=True)
class RateLimits:
    """Flood control as Telegram applies it to sends; ``None`` leaves a limit off.

    Exceeding one answers 429 with the retry_after that would have avoided it.
    """

    per_chat_per_second: float | None = 1.0
    per_group_per_minute: int | None = 20
    global_per_second: float | None = 30.0


@dataclass
class FaultRule:
    method: str | None
    chat_id: int | None
    times: int
    fault: Fault

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.times <= 0:
            return False
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or self.chat_id == chat_id
