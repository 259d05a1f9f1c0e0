"""End-to-end runs of the real flow on a generated corpus: throughput, no-op re-run, memory.

The corpus is built from the eval pages (../shared/eval/wcxb-dev) when present, else from the
bundled samples; every copy gets a distinct sentence so deduplication does not collapse it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import shutil
import sys
import time
from itertools import cycle
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval" / "wcxb-dev"
_PARAGRAPH_END = re.compile(r"</p>", re.I)


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


def _vary(suffix: str, text: str, n: int) -> str:
    """Make copy n distinct inside its article body."""
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
        templates = cycle(_templates(kind))
        for _ in range(count):
            suffix, text = next(templates)
            path = folder / f"{n // 1000:04d}" / f"doc-{n:07d}{suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_vary(suffix, text, n), encoding="utf-8")
            n += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--html-share", type=float, default=0.5)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--out", type=Path, default=REPO / "bench-out" / "pipeline")
    args = parser.parse_args(argv)

    from flows.settings import prefect_defaults

    prefect_defaults()
    from flows.pipeline import newsetl_flow

    corpus, warehouse = args.out / "corpus", args.out / "bench.duckdb"
    counts = generate(corpus, args.docs, args.html_share)
    for stale in args.out.glob("bench*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()

    runs = {}
    for label in ("full", "no_op"):
        t0 = time.perf_counter()
        summary = newsetl_flow(
            source=str(corpus), warehouse=str(warehouse), batch_size=args.batch_size
        )
        wall = time.perf_counter() - t0
        runs[label] = {
            "status": summary["status"],
            "wall_seconds": round(wall, 2),
            "pipeline_seconds": summary["seconds"],
            "articles_loaded": summary["articles_loaded"],
            "quarantined": summary["quarantined"],
            "docs_per_s": round(args.docs / summary["seconds"], 1),
        }
    report = {
        "docs": args.docs,
        "html": counts["html"],
        "text": counts["text"],
        "cores": os.cpu_count(),
        "runs": runs,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    (args.out / "pipeline.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
