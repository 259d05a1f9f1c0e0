"""Which answer the dev set's gold takes where a page offers two: its <h1> or its <title>,
its declared publication date or its modification date.

    .venv/bin/python -m bench.gold [--eval ../shared/eval] [--workers 2]

The metadata scores of `bench.quality` are capped by how consistently the gold chooses. For
titles: on the pages where the headline newsetl reads from the <h1>s differs from the page's
<title> (site names removed the same way) and the gold is one of the two, how often it is
each; and whether a classifier over the cues a page offers (their overlap, lengths, years,
colons, brackets, glued words; logistic regression, held out by site in 5 folds) tells the
two apart better than always taking the <h1>. For dates: on the pages whose JSON-LD declares
one datePublished and one different dateModified, how often the gold is each, split by
which of them the page prints in its visible text. For text dumps, which have no <title>:
how many print their gold title as a line, inside a line, or nowhere. And the dev pages
that are the same URL twice, with their golds side by side.
"""

from __future__ import annotations

import argparse
import calendar
import json
import re
import zlib
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from bench.quality import DEFAULT_EVAL, LIMITS, _fold
from transforms.html import (
    _ISO_DAY,
    _LD_MODIFIED,
    _LD_PUBLISHED,
    _TITLE_METAS,
    _is_site_name,
    page_title,
    parse_page,
)
from transforms.ingest import ingest_bytes
from transforms.metadata import _overlap, clean_title
from transforms.pagemeta import PageMetadata
from transforms.records import Reject

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_GLUED = re.compile(r"[a-z][A-Z]")
FOLDS = 5


def _page(path: Path) -> dict | None:
    """The two title answers and the two declared dates of one dev page."""
    raw = ingest_bytes(path.name, path.read_bytes(), **LIMITS)
    tree = parse_page(raw.text) if not isinstance(raw, Reject) else None
    if tree is None:
        return None
    meta = PageMetadata(tree)
    site_names = [n for n in (meta.sitename, meta.hostname) if _is_site_name(n)]
    headline, _ = page_title(tree, site_names)
    element = next((" ".join(t.text_content().split()) for t in tree.iter("title")), "")
    metas = [
        m.get("content", "")
        for m in tree.iter("meta")
        if (m.get("property") or m.get("name") or "").lower() in _TITLE_METAS
    ]
    scripts = " ".join(s.text or "" for s in tree.iter("script"))
    for junk in tree.xpath("//script|//style|//noscript"):
        junk.drop_tree()
    return {
        "id": path.name[:4],
        "h1": headline,
        "title": clean_title(element, site_names) if element else None,
        "metas": metas,
        "h1_count": sum(1 for _ in tree.iter("h1")),
        "published": sorted(
            {
                day.group(1)
                for value in _LD_PUBLISHED.findall(scripts)
                if (day := _ISO_DAY.match(value))
            }
        ),
        "modified": sorted(set(_LD_MODIFIED.findall(scripts))),
        "visible": " ".join(tree.text_content().split()).casefold(),
    }


def _cues(h1: str, title: str, page: dict) -> list[float]:
    """What a page offers to tell whether its <h1> or its <title> is the headline."""
    wh, wt = h1.split(), title.split()
    metas_agree = sum(_fold(m) == _fold(title) for m in page["metas"])
    return [
        _overlap(h1, title),
        len(wh),
        len(wt),
        len(wt) / max(1, len(wh)),
        bool(_YEAR.search(title)),
        bool(_YEAR.search(h1)),
        ":" in title,
        ":" in h1,
        bool(set("[(") & set(title)),
        bool(set("[(") & set(h1)),
        _fold(h1) in _fold(title),
        _fold(title) in _fold(h1),
        bool(_GLUED.search(h1)),
        page["h1_count"],
        h1.casefold().startswith("the "),
        title.casefold().startswith("the "),
        h1.endswith("?"),
        title.endswith("?"),
        title[:1].isdigit(),
        h1[:1].isdigit(),
        metas_agree,
    ]


def title_choice(pages: list[dict], gold: dict, site_of: dict[str, str]) -> dict:
    """Counts of the gold's pick where <h1> and <title> differ, and a held-out classifier's."""
    rows, picks, folds = [], [], []
    for page in pages:
        h1, title, want = page["h1"], page["title"], _fold(gold[page["id"]].get("title"))
        if (
            not h1
            or not title
            or _fold(h1) == _fold(title)
            or want not in (_fold(h1), _fold(title))
        ):
            continue
        rows.append(_cues(h1, title, page))
        picks.append(want == _fold(title))
        folds.append(zlib.crc32(site_of[page["id"]].encode()) % FOLDS)
    out = {"pages": len(rows), "gold_h1": picks.count(False), "gold_title": picks.count(True)}
    if sum(picks) and len(picks) - sum(picks):
        # Only for the measurement; scikit-learn is a dev dependency.
        from sklearn.linear_model import LogisticRegression

        switched = gained = 0
        for k in range(FOLDS):
            train = [i for i, f in enumerate(folds) if f != k]
            test = [i for i, f in enumerate(folds) if f == k]
            if not test or len({picks[i] for i in train}) < 2:
                continue
            model = LogisticRegression(max_iter=5000).fit(
                [rows[i] for i in train], [picks[i] for i in train]
            )
            for i, says_title in zip(test, model.predict([rows[i] for i in test]), strict=True):
                switched += bool(says_title)
                gained += bool(says_title) and picks[i]
        out["classifier"] = {
            "switched_to_title": switched,
            "gained": gained,
            "lost": switched - gained,
        }
    return out


def _printed(day: str, visible: str) -> bool:
    """True when the page's visible text prints the day in a common English form."""
    year, month, dom = (int(x) for x in day.split("-"))
    if not 1 <= month <= 12:
        return False
    full, abbr = calendar.month_name[month], calendar.month_abbr[month]
    forms = [
        f"{full} {dom}, {year}",
        f"{abbr} {dom}, {year}",
        f"{abbr}. {dom}, {year}",
        f"{dom} {full} {year}",
        f"{dom} {abbr} {year}",
        f"{full} {dom:02d}, {year}",
        f"{month}/{dom}/{year}",
        f"{month:02d}/{dom:02d}/{year}",
        f"{dom:02d}.{month:02d}.{year}",
        day,
    ]
    return any(form.casefold() in visible for form in forms)


def date_choice(pages: list[dict], gold: dict) -> dict:
    """Gold's pick between one declared datePublished and one different dateModified."""
    counts: Counter[str] = Counter()
    for page in pages:
        want = gold[page["id"]].get("publish_date")
        if not want or len(page["published"]) != 1 or len(page["modified"]) != 1:
            continue
        (published,), (modified,) = page["published"], page["modified"]
        if published == modified:
            continue
        pick = "published" if want == published else "modified" if want == modified else "other"
        shown = [
            name
            for name, day in (("published", published), ("modified", modified))
            if _printed(day, page["visible"])
        ]
        counts[f"{pick}; printed: {' and '.join(shown) or 'neither'}"] += 1
    return dict(sorted(counts.items()))


def dump_titles(dev: Path, gold: dict) -> dict:
    """Where each text dump prints its gold title: as a line, inside a line, or nowhere."""
    counts: Counter[str] = Counter()
    for path in sorted((dev / "textdump").glob("*.txt")):
        want = _fold(gold[path.stem].get("title"))
        if not want:
            continue
        lines = [_fold(line) for line in path.read_text(errors="replace").splitlines()]
        where = (
            "a line"
            if want in lines
            else "inside a line"
            if any(want in x for x in lines)
            else "nowhere"
        )
        counts[where] += 1
    return dict(counts)


def same_url(dev: Path) -> list[list[dict]]:
    """Groups of dev pages that are one URL (trailing slash and www. aside), with their golds."""
    groups: defaultdict[str, list[dict]] = defaultdict(list)
    for path in sorted((dev / "ground-truth").glob("*.json")):
        record = json.loads(path.read_text())
        url = (record.get("url") or path.stem).rstrip("/").split("://")[-1].removeprefix("www.")
        g = record["ground_truth"]
        groups[url].append(
            {"id": path.stem, **{k: g.get(k) for k in ("title", "author", "publish_date")}}
        )
    return [group for group in groups.values() if len(group) > 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    dev = args.eval / "wcxb-dev"
    if not dev.is_dir():
        print(f"{dev} not found: the gold choices need the dev set")
        return 0
    records = {p.stem: json.loads(p.read_text()) for p in (dev / "ground-truth").glob("*.json")}
    gold = {k: r["ground_truth"] for k, r in records.items()}
    site_of = {k: urlsplit(r.get("url") or "").hostname or k for k, r in records.items()}
    paths = sorted((dev / "html").glob("*.html.gz"))
    with ProcessPoolExecutor(args.workers) as pool:
        pages = [p for p in pool.map(_page, paths, chunksize=8) if p is not None]
    report = {
        "title": title_choice(pages, gold, site_of),
        "date": date_choice(pages, gold),
        "dump_title_printed": dump_titles(dev, gold),
        "same_url": same_url(dev),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
