"""User-facing texts: one catalog per language, with the same keys in each.

`t(lang, key, **params)` looks a text up and fills its `{placeholders}`. Catalog text may
use the small HTML subset of `handlers.messages.Outgoing` (<b>, <i>); every parameter is
HTML-escaped, because parameters are where a person's own words end up. A parameter that
is already safe HTML (a fragment rendered by `t` itself) is passed wrapped in `Safe`.
"""

from __future__ import annotations

import html
import string
from collections.abc import Mapping

from handlers.core.texts import en, zh_cn

LANGUAGES: tuple[str, ...] = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"

CATALOGS: Mapping[str, Mapping[str, str]] = {"zh-CN": zh_cn.TEXTS, "en": en.TEXTS}

LANGUAGE_NAMES: Mapping[str, str] = {"zh-CN": "中文", "en": "English"}


class Safe(str):
    """A text fragment that is already valid, escaped HTML (for example from `t`)."""

    __slots__ = ()


def escape(value: object) -> str:
    """Text a person typed, made safe for the HTML subset; keeps `Safe` fragments."""
    if isinstance(value, Safe):
        return value
    return html.escape(str(value), quote=False)


def language_from_code(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Our language for a messenger's language code: zh-hans, zh-TW -> zh-CN; en-GB -> en."""
    if default not in CATALOGS:
        default = DEFAULT_LANGUAGE
    if not code:
        return default
    lowered = code.strip().lower()
    if lowered.startswith("zh"):
        return "zh-CN"
    if lowered.startswith("en"):
        return "en"
    return default


def has(lang: str, key: str) -> bool:
    return key in CATALOGS.get(lang, CATALOGS[DEFAULT_LANGUAGE])


def t(lang: str, key: str, **params: object) -> Safe:
    """The text `key` in `lang` (default language if unknown) with escaped parameters."""
    catalog = CATALOGS.get(lang, CATALOGS[DEFAULT_LANGUAGE])
    template = catalog[key]
    if not params:
        return Safe(template)
    return Safe(template.format_map({name: escape(value) for name, value in params.items()}))


def placeholders(template: str) -> frozenset[str]:
    """Names of the `{placeholders}` in a catalog text."""
    return frozenset(
        name for _, name, _, _ in string.Formatter().parse(template) if name is not None
    )
