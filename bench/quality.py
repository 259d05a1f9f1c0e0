"""Extraction quality, speed and memory on the WCXB dev set (../shared/eval/wcxb-dev).

Runs newsetl's own ingest -> extract -> normalize functions over every page, as HTML and as
a text dump, scores the text with the eval set's scorer (token 4-gram F1) and the metadata
against the gold, and reports throughput and peak memory. Baselines are measured in the same
run: bare trafilatura on the HTML and the dump kept as it is.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import re
import resource
import sys
import time
import unicodedata
import zlib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from transforms.extract import extract_document
from transforms.ingest import ingest_bytes
from transforms.metadata import parse_authors
from transforms.normalize import normalize_document
from transforms.records import Reject

REPO = Path(__file__).resolve().parents[1]
DEFAULT_EVAL = REPO.parent / "shared" / "eval"
NOW = datetime.now(UTC)
LIMITS = {"max_input_bytes": 50 * 2**20, "max_decompressed_bytes": 200 * 2**20}
# Gold records the dev set does not mark with an origin.
UNMARKED = "unmarked"


def _fold(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = text.translate(str.maketrans("‘’“”–—", "''\"\"--"))
    return " ".join(text.split()).casefold()


def _names(text_or_list) -> set[str]:
    names = text_or_list if isinstance(text_or_list, list) else parse_authors(text_or_list)
    return {re.sub(r"[^\w ]", "", _fold(n)) for n in names}


def run_one(job: tuple[str, str, str]) -> dict:
    """(id, kind, path) -> prediction and timings for one page."""
    doc_id, kind, path = job
    data = Path(path).read_bytes()
    name = f"{doc_id}.html.gz" if kind == "html" else f"{doc_id}.txt"
    t0 = time.perf_counter()
    raw = ingest_bytes(name, data, **LIMITS)
    t1 = time.perf_counter()
    out = {
        "id": doc_id,
        "kind": kind,
        "text": "",
        "title": None,
        "authors": [],
        "date": None,
        "date_source": None,
        "method": None,
        "quality": None,
    }
    timings = {"ingest": t1 - t0, "extract": 0.0, "normalize": 0.0}
    if not isinstance(raw, Reject):
        extracted = extract_document(raw)
        t2 = time.perf_counter()
        timings["extract"] = t2 - t1
        if not isinstance(extracted, Reject):
            article = normalize_document(extracted, now=NOW)
            timings["normalize"] = time.perf_counter() - t2
            out.update(
                text=article.text,
                title=article.title,
                authors=article.authors,
                date=article.published_at.date().isoformat() if article.published_at else None,
                date_source=article.published_at_source,
                method=article.extraction_method,
                quality=article.extraction_quality,
            )
    out["timings"] = timings
    return out


def baseline_one(job: tuple[str, str, str]) -> dict:
    """The reference the issue names: bare trafilatura on HTML, the dump as it is."""
    doc_id, kind, path = job
    if kind == "text":
        return {"id": doc_id, "text": Path(path).read_text(encoding="utf-8"), "seconds": 0.0}
    import trafilatura

    html = gzip.decompress(Path(path).read_bytes()).decode("utf-8", "replace")
    t0 = time.perf_counter()
    text = trafilatura.extract(html, include_comments=False) or ""
    seconds = time.perf_counter() - t0
    # Its metadata as it comes (outside the timing): title, "; "-joined authors, date.
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    authors = [a.strip() for a in ((doc.author if doc else None) or "").split(";") if a.strip()]
    return {
        "id": doc_id,
        "text": text,
        "seconds": seconds,
        "title": doc.title if doc else None,
        "authors": authors,
        "date": doc.date if doc else None,
        "date_source": "trafilatura" if doc and doc.date else None,
    }


def load_scorer(eval_root: Path):
    spec = importlib.util.spec_from_file_location(
        "score_extraction", eval_root / "score_extraction.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(scorer, gold: dict, preds: dict, ids: list[str]) -> dict:
    rows = [scorer.tp_fp_fn(gold[i].get("main_content") or "", preds.get(i, "")) for i in ids]
    return {k: round(v, 4) for k, v in scorer.aggregate(rows).items()}


def page_scores(scorer, gold: dict, preds: dict, ids: list[str]) -> dict[str, dict]:
    """Page id -> its own F1, precision and recall (0 for an empty side)."""
    out = {}
    for i in ids:
        tp, fp, fn = scorer.tp_fp_fn(gold[i].get("main_content") or "", preds.get(i, ""))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out[i] = {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}
    return out


def _rank_correlation(xs: list[float], ys: list[float]) -> float | None:
    """Spearman correlation (average ranks for ties); None with fewer than three pairs."""
    if len(xs) < 3:
        return None

    def ranks(values: list[float]) -> list[float]:
        order = sorted(range(len(values)), key=values.__getitem__)
        out = [0.0] * len(values)
        k = 0
        while k < len(order):
            j = k
            while j + 1 < len(order) and values[order[j + 1]] == values[order[k]]:
                j += 1
            for m in range(k, j + 1):
                out[order[m]] = (k + j) / 2
            k = j + 1
        return out

    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sx = sum((a - mx) ** 2 for a in rx) ** 0.5
    sy = sum((b - my) ** 2 for b in ry) ** 0.5
    return round(cov / (sx * sy), 3) if sx and sy else None


def load_gold(dev: Path) -> dict[str, dict]:
    """Page id -> its ground_truth record."""
    return {
        p.stem: json.loads(p.read_text())["ground_truth"]
        for p in sorted((dev / "ground-truth").glob("*.json"))
    }


def _metadata_checks(gold: dict, results: dict, ids: list[str]) -> dict[str, list[dict]]:
    """Field -> one row per scored page: id, predicted, gold, hit, and how close it came."""
    checks: dict[str, list[dict]] = {"title": [], "author": [], "date": []}
    for i in ids:
        g, r = gold[i], results[i]
        checks["title"].append(
            _check(i, r["title"], g.get("title"), _fold(r["title"]) == _fold(g.get("title")))
        )
        if g.get("author"):
            hit = _names(r["authors"]) == _names(g.get("author"))
            checks["author"].append(_check(i, "; ".join(r["authors"]), g["author"], hit))
        if g.get("publish_date"):
            row = _check(i, r["date"], g["publish_date"], r["date"] == g["publish_date"])
            checks["date"].append({**row, "source": r["date_source"]})
    return checks


def _check(doc_id: str, predicted: str | None, expected: str | None, hit: bool) -> dict:
    words_p = set(_fold(predicted).split())
    words_e = set(_fold(expected).split())
    union = words_p | words_e
    closeness = len(words_p & words_e) / len(union) if union else 1.0
    return {
        "id": doc_id,
        "predicted": predicted,
        "gold": expected,
        "hit": hit,
        "closeness": round(closeness, 3),
    }


def _by_source(rows: list[dict]) -> dict[str, dict]:
    """Date accuracy per published_at_source (None: no date predicted)."""
    out: dict[str, dict] = {}
    for r in rows:
        entry = out.setdefault(str(r["source"]), {"n": 0, "hits": 0})
        entry["n"] += 1
        entry["hits"] += r["hit"]
    return {k: {**v, "accuracy": round(v["hits"] / v["n"], 3)} for k, v in sorted(out.items())}


def _site_fold(doc_id: str, site_of: dict[str, str], folds: int = 5) -> int:
    """Fold of a page by a stable hash of its site, so one site's pages share a fold."""
    return zlib.crc32(site_of.get(doc_id, doc_id).encode()) % folds


def _by_fold(checks: dict[str, list[dict]], site_of: dict[str, str], folds: int = 5) -> dict:
    """Field -> accuracy in each of the site folds: how much the scores move between sites."""
    out = {}
    for field, rows in checks.items():
        shares = []
        for k in range(folds):
            part = [r["hit"] for r in rows if _site_fold(r["id"], site_of, folds) == k]
            shares.append(round(sum(part) / len(part), 3) if part else None)
        out[field] = shares
    return out


def _by_origin(checks: dict[str, list[dict]], origin_of: dict[str, str]) -> dict:
    """Origin of the gold -> scored pages and accuracy per field.

    The dev set marks some of its records as drafted by an extractor (`_internal.source`);
    where they follow another convention than the rest, the split shows it.
    """
    out: dict[str, dict] = {}
    for field, rows in checks.items():
        for r in rows:
            entry = out.setdefault(origin_of.get(r["id"], UNMARKED), {}).setdefault(field, [0, 0])
            entry[0] += r["hit"]
            entry[1] += 1
    return {
        origin: {field: {"n": n, "accuracy": round(hits / n, 3)} for field, (hits, n) in v.items()}
        for origin, v in sorted(out.items(), key=lambda kv: -kv[1]["title"][1])
    }


def _held_out_confidence(rows: list[dict], site_of: dict[str, str], folds: int = 5) -> dict:
    """Per source: accuracy on all dated pages, and as estimated without each page's fold.

    Pages are split into folds by site (a stable hash of the host), so no site informs its own
    estimate. The Brier score of the held-out estimates shows how well they serve as a
    date_confidence; the baseline is one rate for every source.
    """
    dated = [r for r in rows if r["source"] is not None]
    fold = {r["id"]: _site_fold(r["id"], site_of, folds) for r in dated}
    out: dict = {"sources": {}, "brier": None, "brier_one_rate": None}
    if not dated:
        return out
    sq_err = sq_base = 0.0
    estimates: dict[str, list[float]] = {}
    for k in range(folds):
        train = [r for r in dated if fold[r["id"]] != k]
        rate = sum(r["hit"] for r in train) / len(train) if train else 0.0
        for r in (r for r in dated if fold[r["id"]] == k):
            same = [t["hit"] for t in train if t["source"] == r["source"]]
            est = sum(same) / len(same) if same else rate
            estimates.setdefault(r["source"], []).append(est)
            sq_err += (est - r["hit"]) ** 2
            sq_base += (rate - r["hit"]) ** 2
    for source in sorted(estimates):
        hits = [r["hit"] for r in dated if r["source"] == source]
        est = estimates[source]
        out["sources"][source] = {
            "n": len(hits),
            "accuracy": round(sum(hits) / len(hits), 3),
            "held_out_min": round(min(est), 3),
            "held_out_max": round(max(est), 3),
        }
    out["brier"] = round(sq_err / len(dated), 4)
    out["brier_one_rate"] = round(sq_base / len(dated), 4)
    return out


def _metadata_scores(checks: dict[str, list[dict]]) -> dict:
    def share(rows: list[dict]) -> float | None:
        return round(sum(r["hit"] for r in rows) / len(rows), 4) if rows else None

    return {
        "title": share(checks["title"]),
        "author": share(checks["author"]),
        "date": share(checks["date"]),
        "date_by_source": _by_source(checks["date"]),
        "n_author": len(checks["author"]),
        "n_date": len(checks["date"]),
        "misses": {
            field: sorted(
                (r for r in rows if not r["hit"]), key=lambda r: (r["closeness"], r["id"])
            )
            for field, rows in checks.items()
        },
    }


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def _parallel(fn, jobs, workers: int) -> tuple[list, float]:
    t0 = time.perf_counter()
    if workers == 1:
        results = [fn(j) for j in jobs]
    else:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(fn, jobs, chunksize=8))
    return results, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--eval",
        type=Path,
        default=DEFAULT_EVAL,
        help=f"eval folder holding wcxb-dev/ and score_extraction.py (default {DEFAULT_EVAL})",
    )
    parser.add_argument("--limit", type=int, default=None, help="first N pages only")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument(
        "--formats",
        nargs="+",
        choices=("html", "text"),
        default=("html", "text"),
        help="input formats to run (default both)",
    )
    parser.add_argument(
        "--misses",
        type=int,
        default=8,
        help="worst metadata misses to print per field and input format (0: none)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "bench-out",
        help="writes quality.json and the predicted texts here",
    )
    args = parser.parse_args(argv)

    dev = args.eval / "wcxb-dev"
    if not (dev / "ground-truth").is_dir():
        print(
            f"eval set not found at {dev}: put ../shared/eval beside the repo or pass --eval",
            file=sys.stderr,
        )
        return 2
    scorer = load_scorer(args.eval)
    records = {
        p.stem: json.loads(p.read_text()) for p in sorted((dev / "ground-truth").glob("*.json"))
    }
    gold = {k: r["ground_truth"] for k, r in records.items()}
    ids = sorted(gold)[: args.limit]
    sites = {k: urlsplit(r.get("url") or "").hostname or k for k, r in records.items()}
    origins = {k: (r.get("_internal") or {}).get("source") or UNMARKED for k, r in records.items()}
    report: dict = {"pages": len(ids), "workers": args.workers, "formats": {}}

    for kind, folder, suffix in (("html", "html", ".html.gz"), ("text", "textdump", ".txt")):
        if kind not in args.formats:
            continue
        jobs = [(i, kind, str(dev / folder / f"{i}{suffix}")) for i in ids]
        results, seconds = _parallel(run_one, jobs, args.workers)
        by_id = {r["id"]: r for r in results}
        preds = {i: by_id[i]["text"] for i in ids}
        pred_dir = args.out / f"pred-{kind}"
        pred_dir.mkdir(parents=True, exist_ok=True)
        for i, text in preds.items():
            (pred_dir / f"{i}.txt").write_text(text, encoding="utf-8")
        even = [i for i in ids if int(i) % 2 == 0]
        odd = [i for i in ids if int(i) % 2 == 1]
        stage_seconds = {
            s: sum(r["timings"][s] for r in results) for s in ("ingest", "extract", "normalize")
        }
        entry = {
            "text_all": score(scorer, gold, preds, ids),
            "text_even_ids": score(scorer, gold, preds, even),
            "text_odd_ids": score(scorer, gold, preds, odd),
            "metadata": _metadata_scores(checks := _metadata_checks(gold, by_id, ids)),
            "date_confidence": _held_out_confidence(checks["date"], sites),
            "metadata_by_fold": _by_fold(checks, sites),
            "metadata_by_gold_origin": _by_origin(checks, origins),
            "docs_per_s": round(len(ids) / seconds, 1),
            "cpu_ms_per_doc": {s: round(1000 * v / len(ids), 2) for s, v in stage_seconds.items()},
        }
        pages = page_scores(scorer, gold, preds, ids)
        entry["worst"] = [
            {"id": i, **{k: round(v, 3) for k, v in pages[i].items()}}
            for i in sorted(ids, key=lambda i: (pages[i]["f1"], i))[:10]
        ]
        entry["methods"] = dict(Counter(by_id[i]["method"] or "rejected" for i in ids))
        rated = [i for i in ids if by_id[i]["quality"] is not None]
        entry["quality_vs_f1_spearman"] = _rank_correlation(
            [by_id[i]["quality"] for i in rated], [pages[i]["f1"] for i in rated]
        )
        if not args.no_baselines:
            base, _ = _parallel(baseline_one, jobs, args.workers)
            base_preds = {b["id"]: b["text"] for b in base}
            entry["baseline_text"] = score(scorer, gold, base_preds, ids)
            base_pages = page_scores(scorer, gold, base_preds, ids)
            gaps = [pages[i]["f1"] - base_pages[i]["f1"] for i in ids]
            entry["pages_vs_baseline"] = {
                "better_by_0.05": sum(g > 0.05 for g in gaps),
                "worse_by_0.05": sum(g < -0.05 for g in gaps),
            }
            if kind == "html":
                bare = sum(b["seconds"] for b in base)
                entry["bare_trafilatura_pages_per_s_one_core"] = round(len(ids) / bare, 1)
                base_checks = _metadata_checks(gold, {b["id"]: b for b in base}, ids)
                entry["baseline_metadata"] = {
                    k: v
                    for k, v in _metadata_scores(base_checks).items()
                    if k in ("title", "author", "date")
                }
        report["formats"][kind] = entry
        print(f"{kind}: done in {seconds:.1f} s", file=sys.stderr)

    report["peak_rss_mb"] = _peak_rss_mb()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "quality.json").write_text(json.dumps(report, indent=2))
    _print_table(report)
    _print_misses(report, args.misses)
    return 0


def _print_table(report: dict) -> None:
    print(f"\nWCXB dev, {report['pages']} pages, {report['workers']} worker processes\n")
    print(
        "| input | F1 | precision | recall | F1 even ids | F1 odd ids | baseline F1 "
        "| title | author | date | docs/s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for kind, e in report["formats"].items():
        t, m = e["text_all"], e["metadata"]
        base = e.get("baseline_text", {}).get("f1", "")
        print(
            f"| {kind} | {t['f1']:.3f} | {t['precision']:.3f} | {t['recall']:.3f} "
            f"| {e['text_even_ids']['f1']:.3f} | {e['text_odd_ids']['f1']:.3f} | {base} "
            f"| {m['title']} | {m['author']} | {m['date']} | {e['docs_per_s']} |"
        )
    html = report["formats"].get("html", {})
    if "bare_trafilatura_pages_per_s_one_core" in html:
        print(
            f"\nbare trafilatura.extract(include_comments=False), one core: "
            f"{html['bare_trafilatura_pages_per_s_one_core']} pages/s"
        )
    if "baseline_metadata" in html:
        m = html["baseline_metadata"]
        print(
            f"bare trafilatura metadata on the same pages: title {m['title']}, "
            f"author {m['author']}, date {m['date']}"
        )
    for kind, e in report["formats"].items():
        print(f"{kind} CPU ms per document by stage: {e['cpu_ms_per_doc']}")
        print(f"{kind} extraction methods: {e['methods']}")
        print(f"{kind} extraction_quality vs page F1, Spearman: {e['quality_vs_f1_spearman']}")
        if "pages_vs_baseline" in e:
            print(f"{kind} pages against the baseline: {e['pages_vs_baseline']}")
        print(f"{kind}: ten worst pages")
        for w in e["worst"]:
            print(f"  {w['id']}  F1 {w['f1']:.3f}  P {w['precision']:.3f}  R {w['recall']:.3f}")
    for kind, e in report["formats"].items():
        sources = ", ".join(
            f"{k} {v['hits']}/{v['n']}" for k, v in e["metadata"]["date_by_source"].items()
        )
        print(f"{kind} dates right by published_at_source: {sources}")
        folds = "; ".join(
            f"{field} {min(v)}-{max(v)}"
            for field, v in e["metadata_by_fold"].items()
            if None not in v
        )
        print(f"{kind} metadata accuracy across 5 site folds (min-max): {folds}")
        by_origin = "; ".join(
            f"{origin} ({v['title']['n']} pages): "
            + ", ".join(f"{field} {r['accuracy']}" for field, r in v.items())
            for origin, v in e["metadata_by_gold_origin"].items()
        )
        print(f"{kind} metadata accuracy by the gold record's origin: {by_origin}")
        conf = e["date_confidence"]
        spans = ", ".join(
            f"{k} {v['accuracy']} ({v['held_out_min']}-{v['held_out_max']})"
            for k, v in conf["sources"].items()
        )
        print(
            f"{kind} date_confidence per source, all pages (5-fold by site held-out range): "
            f"{spans}; held-out Brier {conf['brier']} vs one rate {conf['brier_one_rate']}"
        )
    print(f"peak RSS (largest process): {report['peak_rss_mb']} MB")


def _print_misses(report: dict, limit: int) -> None:
    """The metadata misses furthest from the gold (fewest shared words first)."""
    if limit <= 0:
        return
    for kind, e in report["formats"].items():
        for field, rows in e["metadata"]["misses"].items():
            print(f"\n{kind} {field}: {len(rows)} misses, worst {min(limit, len(rows))}")
            for r in rows[:limit]:
                print(f"  {r['id']}  predicted {_short(r['predicted'])}  gold {_short(r['gold'])}")


def _short(value: str | None, width: int = 70) -> str:
    if value is None:
        return "(none)"
    text = " ".join(value.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")


if __name__ == "__main__":
    sys.exit(main())
