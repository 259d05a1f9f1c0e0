"""Where a document's CPU time goes, part by part, beside bare trafilatura on the same pages.

    .venv/bin/python -m bench.breakdown --kind html [--limit N] [--rounds 2]

Runs in one process, on the dev pages (`../shared/eval/wcxb-dev`, or the bundled samples
without it): a warm-up round first, so imports, model loads and dateparser's locale tables are
not counted; then `rounds` rounds of bare `trafilatura.extract(with_metadata=True)` alternating
with newsetl's per-document work (ingest, extract, normalize and index), as a worker runs it.
Each named part is timed by a wrapper in CPU seconds of this thread, exclusive of the parts
it calls, so the rows add up to the whole. The wrappers cost about 2 µs a call, at 25
calls an HTML page and 16 a dump.

Prints milliseconds a document per part and what 1.8× bare trafilatura on two cores leaves
for the whole of newsetl's CPU a page; writes `breakdown.json` beside it with --out.
"""

from __future__ import annotations

import argparse
import functools
import json
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import trafilatura

from bench.quality import DEFAULT_EVAL, LIMITS
from transforms import extract, html, ingest, normalize, pagemeta, pipeline, textdump
from transforms.nearcopy import Scheme
from transforms.records import Reject

DEV = DEFAULT_EVAL / "wcxb-dev"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
TARGET_RATIO = 1.8
WORKERS = 2

# (module or class, attribute, part name). An attribute looked up at call time (a module
# global, a class method) is replaced by a timed wrapper for the length of the run.
_HTML_PARTS = [
    (html, "parse_page", "parse the page (lxml)"),
    (html, "figure_captions", "captions and credits"),
    (trafilatura, "bare_extraction", "trafilatura extraction, first pass"),
    (html, "_fallback", "fallback checks (word counts)"),
    (trafilatura, "baseline", "fallback: trafilatura baseline"),
    (html, "_page_paragraphs", "fallback: page paragraphs"),
    (html, "PageMetadata", "trafilatura metadata, cheap fields"),
    (html, "block_texts", "page blocks' texts (fallback checks, chrome cut)"),
    (html, "cut_chrome", "chrome scorer"),
    (html, "restore_headings", "headings put back"),
    (html, "restore_lists", "lists and tables put back"),
    (html, "page_title", "title cues"),
    (html, "page_date", "date cues"),
    (html, "modified_dates", "modified-date cues"),
    (html, "byline_near", "author cues: byline beside the headline"),
    (html, "written_by", "author cues: Written by lines"),
    (html, "ld_authors", "author cues: JSON-LD"),
    (extract, "extract_html_parts", "rest of the HTML extraction"),
]
_TEXT_PARTS = [
    (textdump, "_lines_of", "line splitting, stoplist and labels"),
    (textdump, "_body_span", "body model (line features and logits)"),
    (textdump, "_confidence", "extraction confidence"),
    (textdump, "_title_candidate", "title model"),
    (textdump, "_byline_block_index", "byline search"),
    (textdump, "_deglue", "glued words split"),
    (extract, "clean_text_dump", "rest of the dump cleaner"),
]
_COMMON_PARTS = [
    (ingest, "ingest_bytes", "ingest (decode, sniff)"),
    (extract, "extract_document", "rest of extract"),
    (normalize, "identify_language", "language identification"),
    (normalize, "_dates", "dates (dateparser)"),
    (normalize, "parse_authors", "author names"),
    (normalize, "clean_title", "title clean-up"),
    (normalize, "normalize_document", "rest of normalize"),
    (Scheme, "band_keys", "MinHash band keys"),
    (pipeline, "normalize_and_index", "rest of normalize and index"),
]


class _Clock:
    """Exclusive CPU seconds per part: a part's time less the time of the parts it calls."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self._stack: list[list[float]] = []  # per open part: [started, time in inner parts]

    def wrap(self, fn, name: str):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            frame = [time.thread_time(), 0.0]
            self._stack.append(frame)
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.thread_time() - frame[0]
                self._stack.pop()
                self.seconds[name] += spent - frame[1]
                if self._stack:
                    self._stack[-1][1] += spent

        return timed


def _label_recall(clock: _Clock, fn):
    """trafilatura's extraction, named by who asked: the first pass or the favor_recall one."""
    first = clock.wrap(fn, "trafilatura extraction, first pass")
    recall = clock.wrap(fn, "fallback: trafilatura favor_recall pass")

    def route(*args, **kwargs):
        return (recall if kwargs.get("favor_recall") else first)(*args, **kwargs)

    return route


def _install(clock: _Clock, parts) -> list[tuple[object, str, object]]:
    saved = []
    for owner, attr, name in parts:
        original = getattr(owner, attr)
        saved.append((owner, attr, original))
        if owner is trafilatura and attr == "bare_extraction":
            setattr(owner, attr, _label_recall(clock, original))
        else:
            setattr(owner, attr, clock.wrap(original, name))
    # The lazy author search and htmldate, which run on first use of the property.
    for prop, name in (("author", "trafilatura author search"), ("date", "htmldate")):
        descriptor = pagemeta.PageMetadata.__dict__[prop]
        saved.append((descriptor, "func", descriptor.func))
        descriptor.func = clock.wrap(descriptor.func, name)
    return saved


def _restore(saved) -> None:
    for owner, attr, original in reversed(saved):
        setattr(owner, attr, original)


def _inputs(kind: str, limit: int | None, folder: Path | None) -> list[tuple[str, bytes]]:
    """(file name, bytes) of the pages: the folder's, else the dev set's, else the samples'."""
    suffixes = (".html", ".htm", ".html.gz") if kind == "html" else (".txt",)
    if folder is None and DEV.is_dir():
        folder = DEV / ("html" if kind == "html" else "textdump")
    elif folder is None:
        print(f"{DEV} not found: using the bundled samples")
        folder = SAMPLES
    paths = sorted(p for p in folder.rglob("*") if p.name.endswith(suffixes))
    return [(p.name, p.read_bytes()) for p in paths[:limit]]


def _newsetl(docs, now: datetime, scheme: Scheme) -> int:
    """newsetl's worker stages over docs, as the pool runs them; the number loaded."""
    loaded = 0
    for name, data in docs:
        raw = ingest.ingest_bytes(name, data, **LIMITS)
        if isinstance(raw, Reject):
            continue
        doc = extract.extract_document(raw)
        if isinstance(doc, Reject):
            continue
        pipeline.normalize_and_index(doc, now=now, scheme=scheme)
        loaded += 1
    return loaded


def _bare(texts: list[str]) -> None:
    for text in texts:
        trafilatura.extract(text, with_metadata=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=("html", "text"), default="html")
    parser.add_argument("--limit", type=int, default=None, help="first N pages only")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--inputs", type=Path, default=None, help="a folder of pages instead")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    docs = _inputs(args.kind, args.limit, args.inputs)
    if not docs:
        parser.error("no input pages found")
    now, scheme = datetime.now(UTC), Scheme()
    texts = []
    if args.kind == "html":
        for name, data in docs:
            raw = ingest.ingest_bytes(name, data, **LIMITS)
            if not isinstance(raw, Reject):
                texts.append(raw.text)
    # Warm-up: imports, model loads, dateparser's locales, lxml's and regex caches.
    _newsetl(docs, now, scheme)
    _bare(texts)

    clock = _Clock()
    bare_seconds = whole_seconds = 0.0
    for _ in range(args.rounds):
        started = time.thread_time()
        _bare(texts)
        bare_seconds += time.thread_time() - started
        saved = _install(
            clock, _COMMON_PARTS + (_HTML_PARTS if args.kind == "html" else _TEXT_PARTS)
        )
        try:
            started = time.thread_time()
            loaded = _newsetl(docs, now, scheme)
            whole_seconds += time.thread_time() - started
        finally:
            _restore(saved)

    per_doc = 1000 / (args.rounds * len(docs))
    report = {
        "kind": args.kind,
        "documents": len(docs),
        "loaded": loaded,
        "rounds": args.rounds,
        "newsetl_ms_per_doc": round(whole_seconds * per_doc, 2),
        "parts_ms_per_doc": {k: round(v * per_doc, 2) for k, v in clock.seconds.most_common()},
    }
    if texts:
        bare = bare_seconds * 1000 / (args.rounds * len(texts))
        report["bare_trafilatura_ms_per_doc"] = round(bare, 2)
        # On two cores, newsetl reaches TARGET_RATIO x one core of bare trafilatura when its
        # CPU a page, flow and Prefect included, is at most WORKERS / TARGET_RATIO x bare.
        report["budget_ms_per_doc_for_target"] = round(bare * WORKERS / TARGET_RATIO, 2)
    _print(report)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "breakdown.json").write_text(json.dumps(report, indent=2))
    return 0


def _print(report: dict) -> None:
    whole = report["newsetl_ms_per_doc"]
    print(
        f"{report['kind']}: {report['documents']} documents ({report['loaded']} loaded), "
        f"{report['rounds']} rounds after a warm-up, CPU ms a document"
    )
    print("| part | ms/doc | share |\n|---|---|---|")
    for name, ms in report["parts_ms_per_doc"].items():
        print(f"| {name} | {ms:.2f} | {100 * ms / whole:.1f} % |")
    print(f"| **newsetl, all parts** | **{whole:.2f}** | 100 % |")
    if "bare_trafilatura_ms_per_doc" in report:
        print(
            f"bare trafilatura.extract(with_metadata=True), same pages and process: "
            f"{report['bare_trafilatura_ms_per_doc']:.2f} ms; {TARGET_RATIO}x on {WORKERS} cores "
            f"leaves {report['budget_ms_per_doc_for_target']:.2f} ms a page for all of newsetl "
            f"(flow and Prefect included)"
        )


if __name__ == "__main__":
    raise SystemExit(main())
