"""Fixtures for the knowledge base tests: the bundled sample, its matcher, KB files."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from bot.settings import Settings
from faq import SAMPLE_KB_PATH
from faq.loader import load_knowledge_base
from faq.matcher import Matcher

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from faq.schema import KnowledgeBase


@pytest.fixture(scope="session")
def sample_kb() -> KnowledgeBase:
    return load_knowledge_base(SAMPLE_KB_PATH)


@pytest.fixture(scope="session")
def matcher(sample_kb: KnowledgeBase) -> Matcher:
    """The matcher as the bot runs it: bundled KB, default thresholds."""
    defaults = Settings.model_fields
    return Matcher(
        sample_kb,
        answer_score=float(defaults["faq_answer_score"].default),
        suggest_score=float(defaults["faq_suggest_score"].default),
    )


@pytest.fixture
def write_kb(tmp_path: Path) -> Callable[..., Path]:
    """Write a knowledge base file under tmp_path and return its path."""

    def write(text: str, name: str = "kb.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
