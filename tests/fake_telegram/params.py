"""Reading Bot API parameters the way Telegram does, from any of its request encodings.

Telegram takes parameters from the query string, a JSON body, a urlencoded form or a
multipart form; in the forms every value is a string and JSON-typed parameters
(reply_markup, entities, allowed_updates...) are JSON text. Files arrive as multipart parts,
named after the parameter or referenced as ``attach://<part name>``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.fake_telegram.faults import bad_request

if TYPE_CHECKING:
    from collections.abc import Mapping

_INT_RE = re.compile(r"-?\d+")


@dataclass(frozen=True)
class Upload:
    """A file uploaded in a multipart request."""

    filename: str
    content: bytes
    content_type: str


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """All parameters of a request (query string first, body over it) and its uploaded files."""
    params: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    if request.method != "POST" or not request.can_read_body:
        return params, files
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise bad_request("can't parse JSON request body") from exc
        if not isinstance(body, dict):
            raise bad_request("JSON request body must be an object")
        params.update(body)
        return params, files
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            files[key] = Upload(
                filename=value.filename or key,
                content=value.file.read(),
                content_type=value.content_type,
            )
        else:
            params[key] = value
    return params, files


class Params:
    """Typed access to one call's parameters, failing with Telegram's 400 descriptions."""

    def __init__(self, raw: Mapping[str, Any], files: Mapping[str, Upload]) -> None:
        self.raw = raw
        self.files = files

    def has(self, name: str) -> bool:
        value = self.raw.get(name)
        return (value is not None and value != "") or name in self.files

    def str_(self, name: str, *, empty: str | None = None) -> str | None:
        value = self.raw.get(name)
        if value is None or value == "":
            if empty is not None:
                raise bad_request(empty)
            return None
        if isinstance(value, bool | dict | list):
            raise bad_request(f'field "{name}" must be of type String')
        return str(value)

    def required_str(self, name: str, empty: str) -> str:
        value = self.str_(name, empty=empty)
        assert value is not None  # str_ raises when empty is given
        return value

    def int_(self, name: str) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad_request(f'field "{name}" must be of type Integer')
        if isinstance(value, int):
            return value
        if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
            return int(value)
        raise bad_request(f'field "{name}" must be of type Integer')

    def required_int(self, name: str, empty: str) -> int:
        value = self.int_(name)
        if value is None:
            raise bad_request(empty)
        return value

    def bool_(self, name: str) -> bool:
        value = self.raw.get(name)
        if value is None or value == "":
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        text = str(value).strip().lower()
        if text in {"true", "1"}:
            return True
        if text in {"false", "0"}:
            return False
        raise bad_request(f'field "{name}" must be of type Boolean')

    def json_(self, name: str, error: str) -> Any:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, dict | list):
            return value
        try:
            return json.loads(str(value))
        except ValueError as exc:
            raise bad_request(error) from exc

    def file(self, name: str) -> str | Upload | None:
        """A file parameter: an upload, or the string sent (a file_id or a URL)."""
        if name in self.files:
            return self.files[name]
        value = self.str_(name)
        if value is None:
            return None
        if value.startswith("attach://"):
            part = value.removeprefix("attach://")
            if part not in self.files:
                raise bad_request(f'file of the field "{name}" is not found in the request')
            return self.files[part]
        return value
