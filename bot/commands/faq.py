"""`workerbot faq match` and `workerbot faq check`: the knowledge base from the terminal.

`faq match --json -` is the contract outside tools evaluate the matcher through: one
question per stdin line in, one JSON object per line out, in the same order.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.settings import Settings
from faq.loader import load_knowledge_base
from faq.matcher import Match, Matcher
from faq.schema import KnowledgeBase, KnowledgeBaseError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from bot.commands import Subcommands


def register(subcommands: Subcommands) -> None:
    faq = subcommands.add_parser(
        "faq", help="knowledge base: answer questions, validate files", description=__doc__
    )
    actions = faq.add_subparsers(dest="faq_command", metavar="ACTION", required=True)

    match = actions.add_parser(
        "match",
        help="match questions against the knowledge base",
        description="Match a question, or with '-' one question per stdin line.",
    )
    match.add_argument(
        "--kb",
        type=Path,
        default=None,
        metavar="PATH",
        help="knowledge base file or directory (default: WORKERBOT_FAQ_PATH, else the "
        "bundled sample)",
    )
    match.add_argument(
        "--json",
        action="store_true",
        help='one JSON object per line: {"query", "id", "score", "suggestions"}',
    )
    match.add_argument(
        "text",
        nargs="?",
        default="-",
        metavar="TEXT | -",
        help="the question; '-' (the default) reads one question per line from stdin",
    )
    match.set_defaults(run=run_match)

    check = actions.add_parser(
        "check",
        help="validate a knowledge base file or directory",
        description="Validate a knowledge base; exit 1 listing every problem found.",
    )
    check.add_argument("path", type=Path, metavar="PATH")
    check.set_defaults(run=run_check)


def run_match(args: argparse.Namespace) -> int:
    settings = Settings()
    kb_path: Path = args.kb if args.kb is not None else settings.faq_path
    kb = _load(kb_path, settings.cache_dir)
    if kb is None:
        return 1
    matcher = Matcher(
        kb,
        answer_score=settings.faq_answer_score,
        suggest_score=settings.faq_suggest_score,
        cache_dir=settings.cache_dir,
    )
    questions = _stdin_lines() if args.text == "-" else iter([args.text])
    out = _utf8(sys.stdout)
    for question in questions:
        result = matcher.match(question)
        out.write(_as_json(result) if args.json else _as_text(result))
        out.write("\n")
        out.flush()  # a tool feeding questions one by one reads each answer at once
    return 0


def run_check(args: argparse.Namespace) -> int:
    kb = _load(args.path, cache_dir=None)  # every file read and checked again
    if kb is None:
        return 1
    per_language = ", ".join(f"{lang} {count}" for lang, count in kb.languages().items())
    count = len(kb.entries)
    print(f"{args.path}: OK, {count} entr{'y' if count == 1 else 'ies'} ({per_language})")
    return 0


def _load(path: Path, cache_dir: Path | None) -> KnowledgeBase | None:
    try:
        return load_knowledge_base(path, cache_dir)
    except KnowledgeBaseError as error:
        count = len(error.problems)
        print(f"{path}: {count} problem{'s' if count != 1 else ''}:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return None


def _as_json(result: Match) -> str:
    return json.dumps(
        {
            "query": result.query,
            "id": result.entry.id if result.entry is not None else None,
            "score": result.score,
            "suggestions": [entry.id for entry in result.suggestions],
        },
        ensure_ascii=False,
    )


def _as_text(result: Match) -> str:
    lines = [f"? {result.query}"]
    if result.entry is not None:
        lines.append(f"answer: {result.entry.id} (score {result.score:.1f})")
        lines.append(f"  {result.entry.question}")
        lines.extend(f"  {line}" for line in result.entry.answer.splitlines())
        others = result.suggestions[1:]
        if others:
            lines.append("see also: " + ", ".join(entry.id for entry in others))
    else:
        if result.band == "suggest":
            lines.append(f"not sure (score {result.score:.1f}); did you mean:")
        elif result.suggestions:
            lines.append(f"no match (score {result.score:.1f}); closest entries:")
        else:
            lines.append("no match")
        lines.extend(
            f"  {number}. {entry.id}: {entry.question}"
            for number, entry in enumerate(result.suggestions, start=1)
        )
    return "\n".join(lines) + "\n"


def _stdin_lines() -> Iterator[str]:
    for line in _utf8(sys.stdin):
        yield line.rstrip("\r\n")


def _utf8(stream: TextIO) -> TextIO:
    """Chinese text must not depend on the terminal's locale."""
    if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower() not in {"utf-8", "utf8"}:
        stream.reconfigure(encoding="utf-8", errors="replace")
    return stream
