"""Read and validate knowledge base YAML: one file, or a directory of `*.yaml` files.

Validation collects every problem before giving up, so whoever edits the knowledge base
fixes all of them in one go instead of one per run.

Besides `entries`, a file may hold `alternates`: more ways to ask entries of any file of
the folder, by entry id (`{annual-leave: [年休假怎么算]}`). The console writes the
questions it learns there, in a file of its own, so the files people edit by hand stay as
they wrote them. An id that no file defines is a problem like any other.
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from faq import cache
from faq.cache import DEFAULT_CACHE_DIR
from faq.schema import ENTRY_ID, LANGUAGES, Entry, KnowledgeBase, KnowledgeBaseError

_FILE_KEYS = frozenset({"language", "entries", "alternates"})
_ENTRY_KEYS = frozenset({"id", "language", "question", "alternates", "keywords", "answer", "tags"})
_LIST_KEYS = ("alternates", "keywords", "tags")


if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:
    # libyaml's parser when PyYAML has it: several times faster on large knowledge bases.
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):
    """Safe loader that refuses duplicate mapping keys (PyYAML silently keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def load_knowledge_base(path: Path, cache_dir: Path | None = DEFAULT_CACHE_DIR) -> KnowledgeBase:
    """Load a knowledge base file or directory; raise `KnowledgeBaseError` listing all problems.

    The entries are a pure function of the files' bytes: a knowledge base read and found
    valid before is taken from `cache_dir` (`faq.cache`) without parsing YAML again,
    which is most of the loading time of a large one. Problems are never cached: a
    broken knowledge base is read and reported every time.
    """
    problems: list[str] = []
    files = _knowledge_base_files(path, problems)
    read = [(file, _read(file, problems)) for file in files]
    contents = [(file, data) for file, data in read if data is not None]
    if problems:
        _parse(path, contents, problems)  # the other files' problems are listed too
        raise KnowledgeBaseError(problems)
    key = cache.digest([_code_digest(), *(data for _, data in contents)])

    def parse() -> cache.Arrays:
        entries = _parse(path, contents, problems)
        if problems:
            raise KnowledgeBaseError(problems)
        document = json.dumps([_as_row(entry) for entry in entries], ensure_ascii=False)
        return {"entries": np.frombuffer(document.encode("utf-8"), dtype=np.uint8)}

    arrays = cache.load_or_build(cache_dir, "kb", key, parse)
    try:
        rows = json.loads(arrays["entries"].tobytes())
        return KnowledgeBase(entries=tuple(_from_row(row) for row in rows), digest=key)
    except (ValueError, KeyError, TypeError):
        # A sound checksum over content this code cannot read: never trusted.
        rows = json.loads(parse()["entries"].tobytes())
        return KnowledgeBase(entries=tuple(_from_row(row) for row in rows), digest=key)


def _parse(path: Path, contents: list[tuple[Path, bytes]], problems: list[str]) -> list[Entry]:
    entries: list[Entry] = []
    first_seen: dict[str, str] = {}
    additions: list[tuple[str, str, tuple[str, ...]]] = []
    for file, data in contents:
        entries.extend(_load_file(file, data, first_seen, problems, additions))
    entries = _with_additions(entries, additions, problems)
    if not problems and not entries:
        problems.append(f"{path}: the knowledge base has no entries")
    return entries


def _as_row(entry: Entry) -> list[object]:
    return [
        entry.id,
        entry.language,
        entry.question,
        entry.answer,
        entry.alternates,
        entry.keywords,
        entry.tags,
    ]


def _from_row(row: list[Any]) -> Entry:
    entry_id, language, question, answer, alternates, keywords, tags = row
    return Entry(
        id=entry_id,
        language=language,
        question=question,
        answer=answer,
        alternates=tuple(alternates),
        keywords=tuple(keywords),
        tags=tuple(tags),
    )


@functools.cache
def _code_digest() -> str:
    """The code that reads and validates entries: a change to it is a new cache key."""
    folder = Path(__file__).parent
    return cache.source_digest(folder / "loader.py", folder / "schema.py")


def _read(file: Path, problems: list[str]) -> bytes | None:
    try:
        return file.read_bytes()
    except OSError as error:
        problems.append(f"{file}: cannot be read ({error.strerror})")
        return None


def _knowledge_base_files(path: Path, problems: list[str]) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())
        if not files:
            problems.append(f"{path}: directory holds no *.yaml knowledge base files")
        return files
    if not path.exists():
        problems.append(f"{path}: no such file or directory")
        return []
    return [path]


def _with_additions(
    entries: list[Entry], additions: list[tuple[str, str, tuple[str, ...]]], problems: list[str]
) -> list[Entry]:
    """`entries` with the `alternates` sections' questions appended (each once)."""
    index = {entry.id: position for position, entry in enumerate(entries)}
    for where, entry_id, questions in additions:
        position = index.get(entry_id)
        if position is None:
            problems.append(f"{where}: no entry has the id '{entry_id}'")
            continue
        entry = entries[position]
        known = {entry.question, *entry.alternates}
        added = tuple(dict.fromkeys(q for q in questions if q not in known))
        entries[position] = replace(entry, alternates=entry.alternates + added)
    return entries


def _check_additions(
    value: object, file: Path, problems: list[str]
) -> list[tuple[str, str, tuple[str, ...]]]:
    where = f"{file}: 'alternates'"
    if not isinstance(value, dict):
        problems.append(
            f"{where} must be a mapping of entry id to a list of questions, "
            f"found {_type_name(value)}"
        )
        return []
    found = []
    for entry_id, questions in value.items():
        checked = _check_text_list(questions, "alternates", f"{where} of '{entry_id}'", problems)
        if checked is not None:
            found.append((where, str(entry_id), checked))
    return found


def _load_file(
    file: Path,
    data: bytes,
    first_seen: dict[str, str],
    problems: list[str],
    additions: list[tuple[str, str, tuple[str, ...]]],
) -> list[Entry]:
    try:
        # As a file opened as text reads it: any line ending becomes "\n".
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        problems.append(f"{file}: not UTF-8 text")
        return []
    try:
        document = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        problems.append(f"{file}: not valid YAML: {_describe_yaml_error(error)}")
        return []
    if not isinstance(document, dict):
        problems.append(
            f"{file}: expected a mapping with 'language' and 'entries' at the top, "
            f"found {_type_name(document)}"
        )
        return []

    unknown = sorted(str(key) for key in document if key not in _FILE_KEYS)
    if unknown:
        problems.append(f"{file}: unknown top-level key(s) {', '.join(unknown)}")

    file_language: str | None = None
    if "language" in document:
        file_language = _check_language(document["language"], f"{file}", problems)

    if "alternates" in document:
        additions.extend(_check_additions(document["alternates"], file, problems))

    raw_entries = document.get("entries")
    if raw_entries is None:
        problems.append(f"{file}: 'entries' is missing (a list of entries)")
        return []
    if not isinstance(raw_entries, list):
        problems.append(f"{file}: 'entries' must be a list, found {_type_name(raw_entries)}")
        return []

    entries: list[Entry] = []
    for position, raw in enumerate(raw_entries, start=1):
        entry = _check_entry(
            raw,
            file=file,
            position=position,
            file_language=file_language,
            file_declares_language="language" in document,
            first_seen=first_seen,
            problems=problems,
        )
        if entry is not None:
            entries.append(entry)
    return entries


def _check_entry(
    raw: object,
    *,
    file: Path,
    position: int,
    file_language: str | None,
    file_declares_language: bool,
    first_seen: dict[str, str],
    problems: list[str],
) -> Entry | None:
    where = f"{file}: entry {position}"
    if not isinstance(raw, dict):
        problems.append(
            f"{where}: expected a mapping (id, question, answer, ...), found {_type_name(raw)}"
        )
        return None

    entry_id = raw.get("id")
    if isinstance(entry_id, str) and entry_id:
        where = f"{where} (id '{entry_id}')"
    ok = True

    unknown = sorted(str(key) for key in raw if key not in _ENTRY_KEYS)
    if unknown:
        problems.append(
            f"{where}: unknown key(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(_ENTRY_KEYS))}"
        )
        ok = False

    if entry_id is None:
        problems.append(f"{where}: 'id' is missing")
        ok = False
    elif not isinstance(entry_id, str):
        problems.append(f"{where}: 'id' must be text, found {_type_name(entry_id)}")
        ok = False
    elif not ENTRY_ID.fullmatch(entry_id):
        problems.append(
            f"{where}: bad id '{entry_id}': use lower-case letters a-z, digits "
            "and hyphens, starting and ending with a letter or digit"
        )
        ok = False
    elif entry_id in first_seen:
        problems.append(
            f"{where}: duplicate id '{entry_id}', first used at {first_seen[entry_id]}"
        )
        ok = False
    else:
        first_seen[entry_id] = f"{file}: entry {position}"

    language = file_language
    if "language" in raw:
        language = _check_language(raw["language"], where, problems)
        ok = ok and language is not None
    elif not file_declares_language:
        problems.append(
            f"{where}: no language: set 'language' at the top of the file "
            f"or on the entry ({', '.join(LANGUAGES)})"
        )
        ok = False
    elif language is None:
        ok = False  # the file's language is wrong and already reported

    texts: dict[str, str] = {}
    for key in ("question", "answer"):
        value = raw.get(key)
        if value is None:
            problems.append(f"{where}: '{key}' is missing")
            ok = False
        elif not isinstance(value, str):
            problems.append(f"{where}: '{key}' must be text, found {_type_name(value)}")
            ok = False
        elif not value.strip():
            problems.append(f"{where}: '{key}' is empty")
            ok = False
        else:
            texts[key] = value.strip()

    lists: dict[str, tuple[str, ...]] = {}
    for key in _LIST_KEYS:
        checked = _check_text_list(raw.get(key, []), key, where, problems)
        if checked is None:
            ok = False
        else:
            lists[key] = checked

    if not ok or language is None or not isinstance(entry_id, str):
        return None
    return Entry(
        id=entry_id,
        language=language,
        question=texts["question"],
        answer=texts["answer"],
        alternates=lists["alternates"],
        keywords=lists["keywords"],
        tags=lists["tags"],
    )


def _check_language(value: object, where: str, problems: list[str]) -> str | None:
    if isinstance(value, str) and value in LANGUAGES:
        return value
    problems.append(f"{where}: unknown language {value!r}; use one of {', '.join(LANGUAGES)}")
    return None


def _check_text_list(
    value: object, key: str, where: str, problems: list[str]
) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(f"{where}: '{key}' must be a list of texts, found {_type_name(value)}")
        return None
    result: list[str] = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, str):
            problems.append(
                f"{where}: '{key}' item {index} must be text, found {_type_name(item)}"
            )
            return None
        if not item.strip():
            problems.append(f"{where}: '{key}' item {index} is empty")
            return None
        result.append(item.strip())
    return tuple(result)


def _describe_yaml_error(error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "syntax error"
        if mark is not None:
            return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"
        return problem
    return str(error)


def _type_name(value: object) -> str:
    names = {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }
    if value is None:
        return "nothing"
    return names.get(type(value), type(value).__name__)
