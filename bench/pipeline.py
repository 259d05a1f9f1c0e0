"""End-to-end runs of the real flow on a generated corpus: throughput per stage, memory, load.

The corpus is built from the eval pages (../shared/eval/wcxb-dev) when present, else from the
bundled samples. Past the first copy of each page, most copies are reworded into distinct
stories; one in ten stays a near copy and one in fifty an exact copy (see _vary).
One invocation measures, on the same pages and in the same minutes: bare trafilatura on one
core (the floor), a full run, a no-op re-run, and the README's example queries.

    python -m bench.pipeline --docs 2000 --kind html
    python -m bench.pipeline --docs 10000 --kind text --profile
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval" / "wcxb-dev"
_PARAGRAPH_END = re.compile(r"</p>", re.I)
HTML_SHARE = {"html": 1.0, "text": 0.0, "mixed": 0.5}


def _templates(kind: str) -> list[tuple[str, str]]:
    """(suffix, text) of real pages to copy: eval pages if present, else the samples."""
    if kind == "text":
        folder = EVAL / "textdump" if EVAL.is_dir() else REPO / "samples" / "seeds"
        return [(".txt", p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))]
    folder = EVAL / "html" if EVAL.is_dir() else REPO / "samples" / "html"
    return [
        (".html", gzip.decompress(p.read_bytes()).decode("utf-8", "replace"))
        for p in sorted(folder.glob("*.html.gz"))
    ]


# Of the copies after a template's first, every NEAR_EVERY-th stays a near copy of it (one
# added sentence) and every EXACT_EVERY-th an exact one; the others get their prose reworded
# (words shuffled inside each long text run), so a large corpus is mostly distinct stories
# with a realistic share of reprints, not a few hundred stories copied a thousand times.
NEAR_EVERY, EXACT_EVERY = 10, 50
_TEXT_RUN = re.compile(r">([^<>]{120,})<")


def _shuffle_words(text: str, rng: random.Random) -> str:
    """The text with its inner words in another order (first and last kept: same shape)."""
    words = text.split(" ")
    if len(words) < 8:
        return text
    inner = words[1:-1]
    rng.shuffle(inner)
    return " ".join([words[0], *inner, words[-1]])


def _reword(suffix: str, text: str, rng: random.Random) -> str:
    if suffix == ".txt":
        return "\n".join(_shuffle_words(line, rng) for line in text.split("\n"))
    return _TEXT_RUN.sub(lambda m: f">{_shuffle_words(m.group(1), rng)}<", text)


def _vary(suffix: str, text: str, n: int, copy: int = 1) -> str:
    """Copy n of a page, the copy-th made of that page: the page itself (copy 0), an exact
    copy, a near copy, or a reworded story."""
    if copy == 0 or n % EXACT_EVERY == EXACT_EVERY // 2:
        return text
    if n % NEAR_EVERY:
        text = _reword(suffix, text, random.Random(n))
    mark = f" Edition {n} of this report."
    if suffix == ".txt":
        lines = text.split("\n")
        longest = max(range(len(lines)), key=lambda i: len(lines[i]))
        lines[longest] += mark
        return "\n".join(lines)
    match = _PARAGRAPH_END.search(text, int(len(text) * 0.4)) or _PARAGRAPH_END.search(text)
    if not match:
        return text.replace("</body>", f"<p>{mark}</p></body>")
    return text[: match.start()] + mark + text[match.start() :]


def generate(folder: Path, docs: int, html_share: float) -> dict[str, int]:
    """Write `docs` inputs into folder (spread over subfolders); returns counts per kind."""
    shutil.rmtree(folder, ignore_errors=True)
    counts = {"html": round(docs * html_share)}
    counts["text"] = docs - counts["html"]
    n = 0
    for kind, count in counts.items():
        templates = _templates(kind) if count else []
        for i in range(count):
            suffix, text = templates[i % len(templates)]
            path = folder / f"{n // 1000:04d}" / f"doc-{n:07d}{suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_vary(suffix, text, n, i // len(templates)), encoding="utf-8")
            n += 1
    return counts


def bare_trafilatura(paths: list[str]) -> tuple[float, float]:
    """trafilatura.extract(with_metadata=True) on one core: (pages/s, CPU seconds a page)."""
    import trafilatura

    pages = [Path(p).read_text(encoding="utf-8") for p in paths]
    trafilatura.extract(pages[0], with_metadata=True)  # imports and caches warm
    started, cpu = time.perf_counter(), time.process_time()
    for page in pages:
        trafilatura.extract(page, with_metadata=True)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return len(pages) / wall, cpu / len(pages)


def _bare_in_child(paths: list[str]) -> tuple[float, float]:
    """bare_trafilatura in a fresh process, so its memory does not count as the flow's."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(bare_trafilatura, paths).result()


class RssWatch:
    """Peak RSS and CPU seconds of the worker processes, sampled every 0.2 s, and the flow
    process's own RSS over time.

    Prefect's temporary server is a child process too; its CPU is counted apart.
    """

    def __init__(self) -> None:
        import psutil

        self._me = psutil.Process()
        self.workers_peak_mb = 0.0
        self._cpu: dict[int, tuple[bool, float]] = {}  # pid -> (is the Prefect server, seconds)
        self._start: dict[int, float] = {}
        self._flow_rss: list[tuple[float, float]] = []  # (seconds since start, MB)
        self._started = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _sample(self) -> None:
        rss = self._me.memory_info().rss / 2**20
        self._flow_rss.append((time.perf_counter() - self._started, rss))
        for child in self._me.children(recursive=True):
            try:
                server = "prefect.server" in " ".join(child.cmdline())
                rss = child.memory_info().rss / 2**20
                times = child.cpu_times()
            except Exception:
                continue
            if not server:
                self.workers_peak_mb = max(self.workers_peak_mb, rss)
            self._cpu[child.pid] = (server, times.user + times.system)

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            self._sample()

    def cpu_seconds(self, server: bool) -> float:
        return sum(
            seconds - self._start.get(pid, 0.0)
            for pid, (is_server, seconds) in self._cpu.items()
            if is_server == server
        )

    def flow_rss_by_tenth(self) -> list[float]:
        """The flow process's largest sampled RSS in each tenth of the watched time, MB:
        where in the run its peak falls (batches first, then linking and the publish)."""
        if not self._flow_rss:
            return []
        end = self._flow_rss[-1][0] or 1.0
        tenths = [0.0] * 10
        for at, mb in self._flow_rss:
            i = min(int(10 * at / end), 9)
            tenths[i] = max(tenths[i], round(mb, 1))
        return tenths

    def __enter__(self) -> RssWatch:
        self._started = time.perf_counter()
        self._sample()  # processes already running: count only what they do from now on
        self._start = {pid: seconds for pid, (_, seconds) in self._cpu.items()}
        self.workers_peak_mb = 0.0
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def query_seconds(warehouse: Path) -> list[dict]:
    """Each README example query against the warehouse: seconds (best of 3) and rows."""
    import duckdb

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    timings = []
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for sql in re.findall(r"```sql\n(.*?)```", readme, flags=re.S):
            best, rows = float("inf"), 0
            for _ in range(3):
                started = time.perf_counter()
                rows = len(con.execute(sql).fetchall())
                best = min(best, time.perf_counter() - started)
            timings.append({"query": sql.splitlines()[0], "seconds": round(best, 4), "rows": rows})
    finally:
        con.close()
    return timings


def stage_rates(docs: int, summary: dict, workers: int) -> dict[str, float | None]:
    """Docs per second of each stage: worker stages from their CPU seconds over all workers."""
    wall, cpu = summary["stage_seconds"], summary["worker_seconds"]

    def rate(seconds: float | None) -> float | None:
        return round(docs / seconds, 1) if seconds else None

    share = max(workers, 1)
    return {
        "ingest": rate(cpu.get("ingest", 0) / share),
        "extract": rate(cpu.get("extract", 0) / share),
        "normalize": rate(cpu.get("normalize", 0) / share),
        "validate": rate(wall.get("validate")),
        "stage": rate(wall.get("stage")),
        "publish": rate(wall.get("publish")),
    }


def _run(flow, corpus: Path, warehouse: Path, args) -> tuple[dict, float]:
    started = time.perf_counter()
    summary = flow(
        source=str(corpus),
        warehouse=str(warehouse),
        batch_size=args.batch_size,
        workers=args.workers,
        runner=args.runner,
        dask_address=args.dask_address,
        ray_address=args.ray_address,
    )
    return summary, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents to generate")
    parser.add_argument("--kind", choices=tuple(HTML_SHARE), default="html")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--workers", type=int, default=None, help="default: all cores")
    parser.add_argument("--runner", choices=("local", "dask", "ray"), default="local")
    parser.add_argument("--dask-address", default=None)
    parser.add_argument("--ray-address", default=None)
    parser.add_argument(
        "--bare-pages", type=int, default=150, help="HTML pages bare trafilatura is timed on"
    )
    parser.add_argument("--profile", action="store_true", help="pyinstrument the full run")
    parser.add_argument("--out", type=Path, default=REPO / "bench-out" / "pipeline")
    args = parser.parse_args(argv)

    from flows.settings import prefect_defaults

    prefect_defaults()
    from flows.pipeline import newsetl_flow

    corpus, warehouse = args.out / "corpus", args.out / "bench.duckdb"
    # In a child process, so the templates held while writing do not count as the flow's.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        counts = pool.submit(generate, corpus, args.docs, HTML_SHARE[args.kind]).result()
    for stale in args.out.glob("bench*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    workers = args.workers if args.workers is not None else os.cpu_count() or 1

    html_pages = sorted(str(p) for p in corpus.rglob("*.html"))[: args.bare_pages]
    bare, bare_cpu = _bare_in_child(html_pages) if html_pages else (None, None)

    newsetl_flow(source=str(REPO / "samples"), warehouse=str(args.out / "bench-warmup.duckdb"))
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    with RssWatch() as watch:
        full, full_wall = _run(newsetl_flow, corpus, warehouse, args)
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    flow_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (
        cpu_before.ru_utime + cpu_before.ru_stime
    )
    workers_cpu, server_cpu = watch.cpu_seconds(server=False), watch.cpu_seconds(server=True)
    cpu_per_doc = (flow_cpu + workers_cpu + server_cpu) / args.docs
    if profiler is not None:
        profiler.stop()
        (args.out / "profile.html").write_text(profiler.output_html())
        (args.out / "profile.txt").write_text(profiler.output_text(unicode=False, color=False))
    flow_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    no_op, no_op_wall = _run(newsetl_flow, corpus, warehouse, args)

    end_to_end = args.docs / full["seconds"]
    report = {
        "docs": args.docs,
        "html": counts["html"],
        "text": counts["text"],
        "cores": os.cpu_count(),
        "workers": workers,
        "runner": args.runner,
        "batch_size": args.batch_size,
        "bare_trafilatura_docs_per_s": round(bare, 1) if bare else None,
        "end_to_end_docs_per_s": round(end_to_end, 1),
        "ratio_to_bare_trafilatura": round(end_to_end / bare, 2) if bare else None,
        # Shared machines make wall-clock ratios noisy; CPU seconds are not. This is the
        # ratio the run would reach with `workers` idle cores.
        "cpu_ms_per_doc": {
            "bare_trafilatura": round(bare_cpu * 1000, 1) if bare_cpu else None,
            "newsetl_flow_process": round(flow_cpu / args.docs * 1000, 1),
            "newsetl_workers": round(workers_cpu / args.docs * 1000, 1),
            "prefect_server": round(server_cpu / args.docs * 1000, 1),
        },
        "cpu_ratio_to_bare_trafilatura": round(workers * bare_cpu / cpu_per_doc, 2)
        if bare_cpu
        else None,
        "stage_docs_per_s": stage_rates(args.docs, full, workers),
        "full": {
            "status": full["status"],
            "pipeline_seconds": full["seconds"],
            "wall_seconds_with_prefect": round(full_wall, 2),
            "articles_loaded": full["articles_loaded"],
            "quarantined": full["quarantined"],
            "stage_seconds": full["stage_seconds"],
            "stage_cpu_seconds": full["stage_cpu_seconds"],
            "worker_cpu_seconds": full["worker_seconds"],
        },
        "gx_share_of_run": round(full["stage_seconds"].get("validate", 0) / full["seconds"], 3),
        # Validation runs in the flow process while the workers extract the next batches, so
        # its wall seconds overlap theirs; on busy cores its CPU share is what it costs.
        "gx_share_of_run_cpu": round(
            full["stage_cpu_seconds"].get("validate", 0) / (flow_cpu + workers_cpu + server_cpu),
            3,
        ),
        "load_seconds": full["stage_seconds"].get("publish"),
        "no_op": {
            "status": no_op["status"],
            "pipeline_seconds": no_op["seconds"],
            "wall_seconds_with_prefect": round(no_op_wall, 2),
        },
        "peak_rss_mb": {"flow": round(flow_peak_mb, 1), "worker": round(watch.workers_peak_mb, 1)},
        "flow_rss_mb_by_tenth_of_run": watch.flow_rss_by_tenth(),
        "queries": query_seconds(warehouse),
    }
    (args.out / "pipeline.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
