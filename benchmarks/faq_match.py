"""FAQ start-up and query speed, at the bundled sample and up to 12,000 entries.

Start-up: whole `workerbot faq match` processes answering one question, wall and CPU time and
peak memory (max RSS), each in a fresh process: the code before the start-up work (git
revision `--before`, extracted to a scratch folder, run with this interpreter), then this
code with an empty cache folder (a first start, or a changed knowledge base) and with the
cache filled by an earlier start (every start after). The evaluation set is answered by
the old and the new code, and their figures printed side by side: they must be equal.

Queries: the matcher against plain rapidfuzz, CPU time per query, on knowledge bases generated
deterministically from the sample's Chinese entries (each copy gets its own region and
trade, so no two entries are equal); queries are the labelled evaluation questions.

    python benchmarks/faq_match.py                      # both tables
    python benchmarks/faq_match.py --startup-only --runs 5
    python benchmarks/faq_match.py --queries-only --sizes 100 1000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faq.loader import load_knowledge_base
from faq.matcher import Matcher

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

REPO = Path(__file__).resolve().parents[1]
EVAL_SET = REPO / "tests" / "faq" / "eval_set.yaml"
SAMPLE_KB = REPO / "faq" / "sample_kb"
BEFORE = "0dc105b"  # main before the start-up work: jieba, pypinyin and the index built per start
QUESTION = "医疗互助怎么报销"
REGIONS = ("东城", "西城", "南湖", "北岸", "高新区", "开发区", "港区", "新城", "老城", "江北")
TRADES = (
    "制造业", "建筑业", "物流业", "快递业", "外卖平台", "环卫", "家政", "餐饮",
    "纺织", "电子厂", "汽修", "保安", "网约车", "零售", "酒店", "医护",
    "教育", "化工", "矿山",
)  # fmt: skip
QUERY_ROUNDS = 3  # every evaluation question is asked this many times per measurement


def generate_kb(size: int, directory: Path) -> Path:
    """A knowledge base of `size` entries derived from the sample's Chinese entries."""
    sample = yaml.safe_load((SAMPLE_KB / "zh-CN.yaml").read_text("utf-8"))
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


def questions() -> list[dict[str, str | None]]:
    loaded: list[dict[str, str | None]] = yaml.safe_load(EVAL_SET.read_text("utf-8"))["questions"]
    return loaded


# Start-up ---------------------------------------------------------------------------------


def run_faq_match(
    code: Path, kb: Path, cache_dir: Path, arguments: Sequence[str], stdin: str = ""
) -> tuple[float, float, float, str]:
    """One `workerbot faq match` process of the code in `code`: wall and CPU seconds, peak
    MB, output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKERBOT_")}
    env |= {"PYTHONPATH": str(code), "WORKERBOT_CACHE_DIR": str(cache_dir)}
    # The child reports its own peak (VmHWM, Linux): the peak that wait4 reports would
    # include this process's memory, which the child shares until it starts Python.
    report_peak = (
        "import atexit, runpy, sys; atexit.register(lambda: print(open('/proc/self/status')"
        ".read().split('VmHWM:')[1].split()[0], file=sys.stderr)); "
        f"sys.argv = {['workerbot', 'faq', 'match', '--kb', str(kb), *arguments]!r}; "
        "runpy.run_module('bot', run_name='__main__')"
    )
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - this interpreter, our own command
        [sys.executable, "-c", report_peak],
        cwd=code, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    # Small input: it fits the pipe while the child starts, so write first, then read.
    child.stdin.write(stdin.encode("utf-8"))  # type: ignore[union-attr]
    child.stdin.close()  # type: ignore[union-attr]
    output = child.stdout.read().decode("utf-8")  # type: ignore[union-attr]
    errors = child.stderr.read().decode("utf-8")  # type: ignore[union-attr]
    # wait4, not wait: the child's own CPU time.
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(f"faq match failed ({child.returncode}) in {code}: {errors}")
    peak_kb = int(errors.split()[-1])
    return seconds, usage.ru_utime + usage.ru_stime, peak_kb / 1024, output


def startup(
    runs: int, kbs: list[tuple[str, Path]], before: tuple[str, Path] | None, scratch: Path
) -> None:
    print(f"One question, `workerbot faq match --kb KB {QUESTION}`; median of {runs} processes;")
    if before is not None:
        print(f"before: git revision {before[0]}; ", end="")
    print("CPU: user + system seconds (steadier than wall time when cores are shared)")
    print()
    print("| knowledge base | code | start-up and answer (s) | CPU (s) | peak memory (MB) |")
    print("|---|---|---:|---:|---:|")
    for label, kb in kbs:
        rows = [("after, empty cache (first start)", REPO, False), ("after", REPO, True)]
        if before is not None:
            rows.insert(0, ("before", before[1], True))
        for name, code, warm in rows:
            cache_dir = scratch / f"cache-{label}-{name[:5]}"
            if warm:
                run_faq_match(code, kb, cache_dir, [QUESTION])  # fills caches (jieba's too)
            timings, cpu, peaks = [], [], []
            for run in range(runs):
                folder = cache_dir if warm else scratch / f"empty-{label}-{run}"
                seconds, cpu_seconds, peak, _ = run_faq_match(code, kb, folder, [QUESTION])
                timings.append(seconds)
                cpu.append(cpu_seconds)
                peaks.append(peak)
            print(
                f"| {label} | {name} | {statistics.median(timings):.2f} "
                f"| {statistics.median(cpu):.2f} | {statistics.median(peaks):.0f} |",
                flush=True,
            )


def answer_quality(code: Path, cache_dir: Path) -> str:
    """Right answers and uncovered questions answered, from `faq match --json -`."""
    asked = questions()
    *_, output = run_faq_match(
        code, SAMPLE_KB, cache_dir, ["--json", "-"], "".join(f"{q['q']}\n" for q in asked)
    )
    results = [json.loads(line) for line in output.splitlines()]
    covered = [(q, r) for q, r in zip(asked, results, strict=True) if q["expect"]]
    uncovered = [r for q, r in zip(asked, results, strict=True) if not q["expect"]]
    right = sum(r["id"] == q["expect"] for q, r in covered)
    answered = sum(r["id"] is not None for r in uncovered)
    return (
        f"right answers {right}/{len(covered)} ({100 * right / len(covered):.1f} %), "
        f"uncovered answered {answered}/{len(uncovered)} "
        f"({100 * answered / len(uncovered):.1f} %)"
    )


def extract_before(revision: str, folder: Path) -> Path | None:
    """The repository at `revision`, or None (and why) when git cannot give it."""
    try:
        archive = subprocess.run(  # noqa: S603 - git, our own repository
            ["git", "-C", str(REPO), "archive", "--format=tar", revision],  # noqa: S607
            capture_output=True, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"(no 'before' rows: git cannot give revision {revision}: {error})")
        return None
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


# Queries ----------------------------------------------------------------------------------


def measure(method: str, kb_path: Path, cache_dir: Path) -> dict[str, float]:
    """Runs in a worker process: load (from the cache an earlier worker filled), then time
    every query."""
    kb = load_knowledge_base(kb_path, cache_dir)
    ask: Callable[[str], object]
    if method == "workerbot":
        ask = Matcher(kb, answer_score=36, suggest_score=20, cache_dir=cache_dir).match
    else:
        choices = [text for entry in kb.entries for text in (entry.question, *entry.alternates)]

        def ask(text: str) -> object:
            return process.extractOne(text, choices, scorer=fuzz.WRatio, score_cutoff=50)

    ask("预热")
    timings = []
    texts = [str(q["q"]) for q in questions()]
    for _ in range(QUERY_ROUNDS):
        for text in texts:
            # CPU time of this thread: what a query costs, also when other jobs share the cores.
            began = time.thread_time()
            ask(text)
            timings.append((time.thread_time() - began) * 1000)
    timings.sort()
    return {
        "p50_ms": statistics.median(timings),
        "p99_ms": timings[int(len(timings) * 0.99) - 1],
        "max_rss_mb": peak_mb(),
        "entries": len(kb.entries),
    }


def peak_mb() -> float:
    """This process's peak memory since it started Python (VmHWM, Linux); unlike getrusage's
    maxrss, it leaves out the parent's memory that a child shares until it starts."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def query_speed(sizes: list[int], scratch: Path) -> None:
    print(
        f"{len(questions()) * QUERY_ROUNDS} queries per row, cache filled beforehand; "
        "peak memory of the process"
    )
    print()
    print("| entries | method | p50 CPU (ms) | p99 CPU (ms) | peak memory (MB) |")
    print("|---:|---|---:|---:|---:|")
    for size in sizes:
        kb_path = generate_kb(size, scratch)
        for method, label in (("workerbot", "workerbot Matcher"), ("wratio", "rapidfuzz WRatio")):
            worker = [sys.executable, __file__, "--worker", method, str(kb_path), str(scratch)]
            for _ in range(2 if method == "workerbot" else 1):  # the first fills the cache
                done = subprocess.run(  # noqa: S603 - this script, this interpreter
                    worker, capture_output=True, text=True, check=True, cwd=REPO
                )
            row = json.loads(done.stdout)
            print(
                f"| {int(row['entries']):,} | {label} | {row['p50_ms']:.2f} "
                f"| {row['p99_ms']:.2f} | {row['max_rss_mb']:.0f} |",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000, 12000])
    parser.add_argument("--startup-sizes", type=int, nargs="*", default=[12000])
    parser.add_argument("--runs", type=int, default=3, help="processes per start-up row")
    parser.add_argument("--before", default=BEFORE, help="git revision of the 'before' code")
    parser.add_argument("--startup-only", action="store_true")
    parser.add_argument("--queries-only", action="store_true")
    parser.add_argument(
        "--worker", nargs=3, metavar=("METHOD", "KB", "CACHE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.worker[0], Path(args.worker[1]), Path(args.worker[2]))))
        return
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        if not args.queries_only:
            before = extract_before(args.before, scratch / "before")
            kbs = [("sample (71)", SAMPLE_KB)] + [
                (f"{size:,} entries", generate_kb(size, scratch)) for size in args.startup_sizes
            ]
            startup(args.runs, kbs, None if before is None else (args.before, before), scratch)
            print()
            if before is not None:
                print(f"before: {answer_quality(before, scratch / 'quality-before')}")
            print(f"after:  {answer_quality(REPO, scratch / 'quality-after')}")
            print()
        if not args.startup_only:
            query_speed(args.sizes, scratch)


if __name__ == "__main__":
    main()
