"""The catalogs: same keys and placeholders in every language, every key the code uses."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from handlers.categories import CATEGORIES
from handlers.core.texts import CATALOGS, DEFAULT_LANGUAGE, language_from_code, placeholders, t

CORE = Path(__file__).resolve().parents[2] / "handlers" / "core"
PREFIXES = (
    "welcome", "menu.", "help.", "cancel.", "lang.", "error.", "question.", "crisis.",
    "form.", "value.", "kind.", "status.", "category.", "field.", "ticket.", "tickets.",
    "worker.", "officer.", "history.", "pending.",
)  # fmt: skip


def test_every_language_has_the_same_keys_and_placeholders() -> None:
    reference = CATALOGS[DEFAULT_LANGUAGE]
    for lang, catalog in CATALOGS.items():
        assert set(catalog) == set(reference), lang
        for key, text in catalog.items():
            assert placeholders(text) == placeholders(reference[key]), (lang, key)


def test_every_category_field_and_choice_has_texts() -> None:
    for catalog in CATALOGS.values():
        for category in CATEGORIES.values():
            assert category.label_key in catalog
            for spec in category.fields:
                assert category.field_label_key(spec.name) in catalog
                assert category.field_prompt_key(spec.name) in catalog
                for choice in spec.choices:
                    assert category.choice_label_key(spec.name, choice) in catalog


def test_every_literal_key_in_the_core_exists() -> None:
    catalog = CATALOGS[DEFAULT_LANGUAGE]
    literals = [
        (path.name, node.value)
        for path in CORE.rglob("*.py")
        if "texts" not in path.parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    missing = [
        (name, value)
        for name, value in literals
        if value.startswith(PREFIXES)
        and " " not in value
        and not value.endswith((".", "_"))
        and value not in catalog
    ]
    assert len(literals) > 100  # the scan really read the flows
    assert missing == []


def test_parameters_are_escaped_but_catalog_markup_is_kept() -> None:
    text = t("en", "question.answer", question="<script>", answer="a & b")
    assert "<b>&lt;script&gt;</b>" in text
    assert "a &amp; b" in text


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        ("zh-hans", "zh-CN"),
        ("zh-TW", "zh-CN"),
        ("zh", "zh-CN"),
        ("en-GB", "en"),
        ("EN", "en"),
        ("ru", "zh-CN"),
        (None, "zh-CN"),
    ],
)
def test_language_from_messenger_code(code: str | None, lang: str) -> None:
    assert language_from_code(code) == lang


def test_english_uses_latin_spacing_and_punctuation() -> None:
    # Ideographic spaces and full-width punctuation look broken between Latin words.
    wide = re.compile("[\u3000-\u303f\uff00-\uffef]")
    assert [key for key, text in CATALOGS["en"].items() if wide.search(text)] == []


def test_every_key_of_the_console_and_the_admin_errors_exists() -> None:
    """Templates' `_("key")`, the console pages' and use cases' literal keys."""
    root = CORE.parents[1]
    used = {
        found
        for template in (root / "bot" / "web" / "templates").glob("*.html")
        for found in re.findall(r"""_\(\s*["']([a-z_.]+)["']""", template.read_text("utf-8"))
    }
    sources = [*(root / "bot" / "web").rglob("*.py"), *(root / "handlers").glob("*.py")]
    used |= {
        node.value
        for path in sources
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith(("web.", "admin.error.", "error."))
        and " " not in node.value
    }
    # A prefix a template completes (`"web.case.status_" ~ status`) is no key.
    keys = {key for key in used if not key.endswith((".", "_"))}
    assert len(keys) > 100
    assert sorted(keys - set(CATALOGS[DEFAULT_LANGUAGE])) == []
