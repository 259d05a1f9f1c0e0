"""Near-copy detection precision, recall and speed on variants of the WCXB dev gold texts.

Each page's gold text gets five edited reprints (trimmed ending, chrome padding, two
paragraphs swapped, ~5% of words replaced, a new first line); the other pages are the
negatives. Parameters are tuned on one half of the pages and reported on the other half.
With --warehouse N, the pipeline's own path is timed at scale: N documents (the originals,
their reprints and unrelated texts mixed from random paragraphs) are signed, half are
published into a real DuckDB warehouse with their index, and the other half, staged as a
second run, are linked by warehouse.nearcopies.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from itertools import product
from pathlib import Path

import pyarrow.parquet as pq

from transforms.nearcopy import (
    DEFAULT_NUM_PERM,
    DEFAULT_SHINGLE_SIZE,
    DEFAULT_THRESHOLD,
    Scheme,
    find_near_copies,
)

DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "wcxb-dev"
CHROME_TOP = ["Share this article", "Subscribe to our newsletter"]
CHROME_BOTTOM = ["Subscribe to our newsletter", "© 2024 Example Media Group. All rights reserved."]
KINDS = ["trim", "chrome", "reorder", "reword", "first_line"]
GRID = {"shingle_size": [3, 4, 5], "num_perm": [64, 128], "threshold": [0.4, 0.5, 0.6, 0.7]}


def load_pages(eval_dir: Path) -> dict[str, list[str]]:
    """Eval dir -> page id -> paragraphs of its gold main content (pages without one skipped)."""
    pages = {}
    for path in sorted((eval_dir / "ground-truth").glob("*.json")):
        text = json.loads(path.read_text(encoding="utf-8"))["ground_truth"].get("main_content")
        paragraphs = [line.strip() for line in (text or "").split("\n") if line.strip()]
        if paragraphs:
            pages[path.stem] = paragraphs
    return pages


def make_variant(kind: str, paragraphs: list[str], vocab: list[str], rng: random.Random) -> str:
    """Edit kind, paragraphs, replacement words, rng -> the edited reprint's text."""
    paras = list(paragraphs)
    if kind == "trim":
        paras = paras[: max(1, round(len(paras) * 0.8))]
    elif kind == "chrome":
        paras = [*CHROME_TOP, *paras, *CHROME_BOTTOM]
    elif kind == "reorder" and len(paras) > 1:
        i, j = rng.sample(range(len(paras)), 2)
        paras[i], paras[j] = paras[j], paras[i]
    elif kind == "reword":
        paras = [
            " ".join(rng.choice(vocab) if rng.random() < 0.05 else w for w in p.split())
            for p in paras
        ]
    elif kind == "first_line":
        paras[0] = " ".join(rng.choice(vocab) for _ in paras[0].split())
    return "\n\n".join(paras)


def build_docs(pages: dict[str, list[str]], seed: int = 7) -> list[tuple[tuple[str, str], str]]:
    """Pages -> ((page id, kind), text) for every original followed later by its variants."""
    rng = random.Random(seed)
    vocab = sorted({w for paras in pages.values() for p in paras for w in p.split()})
    originals = [((pid, "original"), "\n\n".join(paras)) for pid, paras in pages.items()]
    variants = [
        ((pid, kind), make_variant(kind, paras, vocab, rng))
        for pid, paras in pages.items()
        for kind in KINDS
    ]
    # Variants shuffled after all originals so a copy must be found among many earlier docs.
    rng.shuffle(variants)
    return originals + variants


def score(docs, **params) -> dict:
    """Docs and find_near_copies parameters -> precision, recall, per-kind recall, docs/s."""
    start = time.perf_counter()
    links = find_near_copies(docs, **params)
    seconds = time.perf_counter() - start
    correct = [(copy, canon) for copy, canon, _ in links if copy[0] == canon[0]]
    found = {copy for copy, _ in correct}
    variants = [key for key, _ in docs if key[1] != "original"]
    by_kind = {
        kind: round(sum(k in found for k in variants if k[1] == kind) / (len(variants) / 5), 4)
        for kind in KINDS
    }
    return {
        **params,
        "links": len(links),
        "precision": round(len(correct) / len(links), 4) if links else 1.0,
        "recall": round(len(found) / len(variants), 4),
        "recall_by_kind": by_kind,
        "false_links": [(c, k, round(s, 3)) for c, k, s in links if c[0] != k[0]][:5],
        "docs_per_s": round(len(docs) / seconds, 1),
    }


def _half(page_id: str) -> int:
    return hashlib.blake2b(page_id.encode(), digest_size=1).digest()[0] % 2


def _score_job(job):
    docs, params = job
    return score(docs, **params)


def _padded(docs, pages: dict[str, list[str]], n: int, rng: random.Random):
    """Docs plus unrelated texts, up to n in all: each of twelve sentences drawn from the
    ~30k sentences of all pages, so two such texts almost never share a tenth of their words."""
    sentences = sorted(
        {s.strip() for paras in pages.values() for p in paras for s in re.split(r"(?<=[.!?]) ", p)}
    )
    sentences = [s for s in sentences if len(s.split()) >= 6]
    out = list(docs)
    while len(out) < n:
        picked = rng.sample(sentences, 12)
        text = "\n\n".join(" ".join(picked[i : i + 3]) for i in range(0, 12, 3))
        out.append(((f"mix{len(out)}", "mix"), text))
    rng.shuffle(out)
    return out[:n]


def _article_rows(docs, run_id: str, at: datetime) -> list[dict]:
    return [
        {
            "article_id": f"{key[0]}:{key[1]}",
            "source_uri": f"bench://{key[0]}/{key[1]}",
            "text": text,
            "authors": [],
            "contributors": [],
            "word_count": len(text.split()),
            "content_hash": hashlib.sha256(text.encode()).hexdigest(),
            "input_format": "text",
            "extractor_version": "bench",
            "normalizer_version": "bench",
            "ingested_at": at,
            "run_id": run_id,
        }
        for key, text in docs
    ]


def _index_rows(docs, keys: list[list[int]], scheme: Scheme, run_id: str) -> list[dict]:
    return [
        {
            "article_id": f"{k[0]}:{k[1]}",
            "scheme": scheme.name,
            "band": b,
            "bucket": bucket,
            "run_id": run_id,
        }
        for (k, _), bands in zip(docs, keys, strict=True)
        for b, bucket in enumerate(bands)
    ]


def write_runs(
    con, docs, keys: list[list[int]], scheme: Scheme, workdir: Path, at: datetime
) -> dict[str, list[Path]]:
    """Docs and their band keys -> the first half published into con's warehouse (run r1),
    the second half staged as Parquet parts of run r2; returns r2's staged parts by table."""
    from warehouse import duck, lake
    from warehouse.schema import ARTICLES, NEAR_COPY_INDEX

    half = len(docs) // 2
    for name, part, run_id in (
        ("published", slice(0, half), "r1"),
        ("staged", slice(half, len(docs)), "r2"),
    ):
        for table, rows in (
            (ARTICLES, _article_rows(docs[part], run_id, at)),
            (NEAR_COPY_INDEX, _index_rows(docs[part], keys[part], scheme, run_id)),
        ):
            path = workdir / name / table.name / "part-00000.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(lake.to_arrow(table.schema, rows), path)
            if name == "published":
                duck.merge_parquet(con, table, [path])
    return {
        t.name: [workdir / "staged" / t.name / "part-00000.parquet"]
        for t in (ARTICLES, NEAR_COPY_INDEX)
    }


def warehouse_bench(pages: dict[str, list[str]], n: int, workdir: Path) -> dict:
    """Sign n documents, publish half into a DuckDB file, link the other half as a new run."""
    from warehouse import duck
    from warehouse.nearcopies import link_near_copies

    rng = random.Random(13)
    docs = _padded(build_docs(pages), pages, n, rng)
    scheme = Scheme()
    start = time.perf_counter()
    with ProcessPoolExecutor() as pool:
        keys = list(pool.map(scheme.band_keys, [text for _, text in docs], chunksize=64))
    sign_s = time.perf_counter() - start
    at = datetime.now(UTC)
    half = n // 2
    con = duck.connect(workdir / "bench.duckdb")
    staged = write_runs(con, docs, keys, scheme, workdir, at)
    start = time.perf_counter()
    rows, new_copies = link_near_copies(con, staged, scheme, "r2", at)
    link_s = time.perf_counter() - start
    con.close()
    canonical = {r["article_id"]: r["canonical_id"] for r in rows}
    page = lambda article_id: article_id.split(":", 1)[0]  # noqa: E731
    linked = [a for a, c in canonical.items() if a != c]
    wrong = [a for a in linked if page(a) != page(canonical[a])]
    staged_ids = {f"{k[0]}:{k[1]}" for k, _ in docs[half:]}
    # Reprints in the second half whose page also has a document in either half.
    pages_seen: dict[str, int] = {}
    for k, _ in docs:
        pages_seen[k[0]] = pages_seen.get(k[0], 0) + 1
    expected = {f"{k[0]}:{k[1]}" for k, _ in docs[half:] if k[1] != "mix" and pages_seen[k[0]] > 1}
    found = {a for a in canonical if a in expected}
    return {
        "docs": n,
        "sign_docs_per_s_2_procs": round(n / sign_s, 1),
        "link_seconds": round(link_s, 2),
        "staged_docs_per_s_linked": round((n - half) / link_s, 1),
        "groups_rows": len(rows),
        "new_near_copies": new_copies,
        "wrong_links": len(wrong),
        "precision": round(1 - len(wrong) / len(linked), 4) if linked else 1.0,
        "recall": round(len(found) / len(expected), 4) if expected else 1.0,
        "staged": len(staged_ids),
        "wrong_examples": [(a, canonical[a]) for a in wrong[:8]],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="WCXB dev directory")
    parser.add_argument("--docs", type=int, help="also time find_near_copies on N documents")
    parser.add_argument("--no-tune", action="store_true", help="skip the parameter grid")
    parser.add_argument(
        "--warehouse", type=int, metavar="N", help="time the warehouse path on N documents"
    )
    args = parser.parse_args(argv)
    if not (args.eval / "ground-truth").is_dir():
        print(f"eval set not found: {args.eval / 'ground-truth'}", file=sys.stderr)
        return 2
    pages = load_pages(args.eval)
    if args.warehouse:
        with tempfile.TemporaryDirectory() as workdir:
            print(json.dumps(warehouse_bench(pages, args.warehouse, Path(workdir))))
        return 0
    halves = [{p: v for p, v in pages.items() if _half(p) == h} for h in (0, 1)]
    tune_docs, held_docs = build_docs(halves[0]), build_docs(halves[1])
    print(f"pages: {len(pages)} (tune {len(halves[0])}, held-out {len(halves[1])})")

    if not args.no_tune:
        grid = [dict(zip(GRID, values, strict=True)) for values in product(*GRID.values())]
        with ProcessPoolExecutor() as pool:
            results = list(pool.map(_score_job, [(tune_docs, params) for params in grid]))
        for r in results:
            print("tune", {k: r[k] for k in (*GRID, "precision", "recall", "docs_per_s")})
    defaults = {
        "shingle_size": DEFAULT_SHINGLE_SIZE,
        "num_perm": DEFAULT_NUM_PERM,
        "threshold": DEFAULT_THRESHOLD,
    }
    print("defaults, tuning half:", json.dumps(score(tune_docs, **defaults)))
    print("defaults, held-out half:", json.dumps(score(held_docs, **defaults)))
    all_docs = build_docs(pages)
    print("defaults, all pages:", json.dumps(score(all_docs, **defaults)))

    if args.docs:
        rng = random.Random(11)
        vocab = sorted({w for paras in pages.values() for p in paras for w in p.split()})
        ids = list(pages)
        big = list(all_docs)
        while len(big) < args.docs:
            pid = rng.choice(ids)
            text = make_variant("reword", pages[pid], vocab, rng)
            big.append(((pid, f"reword{len(big)}"), text))
        start = time.perf_counter()
        links = find_near_copies(big[: args.docs], **defaults)
        seconds = time.perf_counter() - start
        words = sum(len(text.split()) for _, text in big[: args.docs])
        print(
            f"{args.docs} docs ({words / args.docs:.0f} words avg): {seconds:.1f}s, "
            f"{args.docs / seconds:.0f} docs/s, {len(links)} links"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
