"""FAQ matcher speed and memory against plain rapidfuzz, at 100 to 12,000 entries.

Knowledge bases larger than the bundled sample are generated deterministically from
its Chinese entries (each copy gets its own region and trade, so no two entries are
equal). Queries are the labelled evaluation questions of the test suite. Each
measurement runs in a fresh process so that peak memory (max RSS) belongs to it alone.

    python benchmarks/faq_match.py            # 100, 1,000, 10,000 and 12,000 entries
    python benchmarks/faq_match.py --sizes 100 1000
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from rapidfuzz import fuzz, process

from faq.loader import load_knowledge_base
from faq.matcher import Matcher

if TYPE_CHECKING:
    from collections.abc import Callable

REPO = Path(__file__).resolve().parents[1]
EVAL_SET = REPO / "tests" / "faq" / "eval_set.yaml"
REGIONS = ("东城", "西城", "南湖", "北岸", "高新区", "开发区", "港区", "新城", "老城", "江北")
TRADES = (
    "制造业", "建筑业", "物流业", "快递业", "外卖平台", "环卫", "家政", "餐饮",
    "纺织", "电子厂", "汽修", "保安", "网约车", "零售", "酒店", "医护",
    "教育", "化工", "矿山",
)  # fmt: skip
QUERY_ROUNDS = 3  # every evaluation question is asked this many times per measurement


def generate_kb(size: int, directory: Path) -> Path:
    """A knowledge base of `size` entries derived from the sample's Chinese entries."""
    sample = yaml.safe_load((REPO / "faq" / "sample_kb" / "zh-CN.yaml").read_text("utf-8"))
    base = sample["entries"]
    entries = []
    for number in range(size):
        source = base[number % len(base)]
        copy = number // len(base)
        if copy == 0:
            entries.append(source)
            continue
        place = f"{REGIONS[copy % len(REGIONS)]}{TRADES[(copy // len(REGIONS)) % len(TRADES)]}"
        entries.append(
            {
                "id": f"{source['id']}-{copy}",
                "question": f"{place}职工：{source['question']}",
                "alternates": [f"{place}{text}" for text in source.get("alternates", [])],
                "keywords": source.get("keywords", []),
                "answer": f"（{place}）{source['answer']}",
            }
        )
    path = directory / f"kb-{size}.yaml"
    path.write_text(
        yaml.safe_dump({"language": "zh-CN", "entries": entries}, allow_unicode=True), "utf-8"
    )
    return path


def queries() -> list[str]:
    return [str(q["q"]) for q in yaml.safe_load(EVAL_SET.read_text("utf-8"))["questions"]]


def measure(method: str, kb_path: Path) -> dict[str, float]:
    """Runs in a worker process: load, then time every query."""
    started = time.perf_counter()
    kb = load_knowledge_base(kb_path)
    ask: Callable[[str], object]
    if method == "workerbot":
        ask = Matcher(kb, answer_score=36, suggest_score=20).match
    else:
        choices = [text for entry in kb.entries for text in (entry.question, *entry.alternates)]

        def ask(text: str) -> object:
            return process.extractOne(text, choices, scorer=fuzz.WRatio, score_cutoff=50)

    load_seconds = time.perf_counter() - started
    ask("预热")
    timings = []
    for _ in range(QUERY_ROUNDS):
        for text in queries():
            began = time.perf_counter()
            ask(text)
            timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return {
        "load_s": load_seconds,
        "p50_ms": statistics.median(timings),
        "p99_ms": timings[int(len(timings) * 0.99) - 1],
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "entries": len(kb.entries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000, 12000])
    parser.add_argument("--worker", nargs=2, metavar=("METHOD", "KB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.worker[0], Path(args.worker[1]))))
        return

    print(f"{len(queries()) * QUERY_ROUNDS} queries per row; peak memory is the process's max RSS")
    print()
    print("| entries | method | load (s) | p50 (ms) | p99 (ms) | peak memory (MB) |")
    print("|---:|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            kb_path = generate_kb(size, Path(scratch))
            for method, label in (
                ("workerbot", "workerbot Matcher"),
                ("wratio", "rapidfuzz WRatio"),
            ):
                done = subprocess.run(  # noqa: S603 - this script, this interpreter
                    [sys.executable, __file__, "--worker", method, str(kb_path)],
                    capture_output=True, text=True, check=True, cwd=REPO,
                )  # fmt: skip
                row = json.loads(done.stdout)
                print(
                    f"| {int(row['entries']):,} | {label} | {row['load_s']:.2f} "
                    f"| {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['max_rss_mb']:.0f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
