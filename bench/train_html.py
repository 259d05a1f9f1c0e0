"""Fit transforms.html's chrome-line weights (_WEIGHTS) on the WCXB dev set.

A line of trafilatura's uncut text is article text when the gold main_content holds it: a line
of under 8 words must appear there whole, a longer one must have half its word 4-grams there.
The model is an L2 logistic regression over transforms.html.line_features, fitted by Newton's
method on standardised features with each page weighing the same, on the even-numbered pages
(the odd ones stay held out). It is fitted on trafilatura's own lines, with the fallbacks
switched off (fitted on the fallbacks' texts as well, it scored lower on the held-out ids),
and the cut is scored on the lines the pipeline really cuts, fallbacks included. Prints the
held-out score of the cut for each pair of head and line bars (5 folds split by site over
all pages: weights fitted on four fifths of the sites, the cut scored on the pages of the
fifth, pooled), then the weights fitted on the even pages,
laid out as _WEIGHTS.

    python -m bench.train_html [--eval DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import re
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import numpy as np
import trafilatura

from bench.quality import load_gold, load_scorer, score
from transforms import html

DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "wcxb-dev"
_WORD = re.compile(r"\w+")
_SHORT_LINE = 8
_L2 = 1.0
_NEWTON_STEPS = 30
_FOLDS = 5
# (head bar, line bar) pairs tried; 1.0 switches that cut off.
_BARS = [(h, b) for h in (0.6, 0.7, 1.0) for b in (0.7, 0.8, 0.9, 1.0)]


@dataclass(slots=True)
class Page:
    """One dev page: its uncut lines, their features and chrome labels (1 = chrome), its site."""

    doc_id: str
    lines: list[str]
    x: np.ndarray
    y: np.ndarray
    site: str = ""


def _is_article(line: str, gold_words: str, gold_grams, scorer) -> bool:
    words = _WORD.findall(line)
    if len(words) < _SHORT_LINE:
        return f" {' '.join(words)} " in gold_words
    grams = scorer.shingles(line)
    held = sum(min(n, gold_grams.get(g, 0)) for g, n in grams.items())
    return held >= 0.5 * sum(grams.values())


def _as_found(lines: list[str], *args, **kwargs) -> list[str]:
    return lines


def _own_lines(lines: list[str], tree, text: str) -> tuple[list[str], str]:
    return lines, "trafilatura"


def load_page(
    doc_id: str, path: Path, gold: str, scorer, site: str = "", *, fallback: bool = True
) -> Page:
    """The page's uncut lines (the chrome cut switched off), their features and labels;
    trafilatura's own lines when fallback is False."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
    with contextlib.ExitStack() as patched:
        patched.enter_context(mock.patch.object(html, "_WEIGHTS", ()))
        # The cut sees the lines before restore_headings and restore_lists put back the
        # headings, lists and tables trafilatura dropped.
        patched.enter_context(mock.patch.object(html, "restore_headings", _as_found))
        patched.enter_context(mock.patch.object(html, "restore_lists", _as_found))
        if not fallback:
            patched.enter_context(mock.patch.object(html, "_fallback", _own_lines))
        parts = html.extract_html_parts(text)
    lines = parts.paragraphs if parts else []
    x = np.zeros((0, len(html._WEIGHTS)))
    if lines:
        x = np.array(html.line_features(lines, trafilatura.load_html(text)))
    gold_words = f" {' '.join(_WORD.findall(gold))} "
    gold_grams = scorer.shingles(gold)
    y = [not _is_article(line, gold_words, gold_grams, scorer) for line in lines]
    return Page(doc_id, lines, x, np.array(y, dtype=float), site)


def fit(pages: list[Page]) -> np.ndarray:
    """Chrome weights over raw line features, from pages that have lines."""
    pages = [p for p in pages if len(p.y)]
    x = np.vstack([p.x for p in pages])
    y = np.concatenate([p.y for p in pages])
    # Each page weighs the same, so long pages of link lists do not drown the rest.
    w = np.concatenate([np.full(len(p.y), 1 / len(p.y)) for p in pages])
    w /= w.mean()
    # Standardise so one L2 penalty suits every feature; the constant column stays as it is.
    mu, sd = x.mean(0), x.std(0) + 1e-9
    mu[0], sd[0] = 0.0, 1.0
    z = (x - mu) / sd
    b = np.zeros(x.shape[1])
    reg = _L2 * np.eye(len(b))
    for _ in range(_NEWTON_STEPS):
        p = 1 / (1 + np.exp(-z @ b))
        grad = z.T @ (w * (p - y)) + reg @ b
        hess = (z * (w * p * (1 - p))[:, None]).T @ z + reg
        b -= np.linalg.solve(hess, grad)
    beta = b / sd
    beta[0] = b[0] - (b[1:] * mu[1:] / sd[1:]).sum()
    return beta


def _rounded(beta: np.ndarray) -> tuple[float, ...]:
    """The weights at the 4 significant digits _WEIGHTS is written with."""
    return tuple(float(f"{v:.4g}") for v in beta)


def cross_validate(
    fit_pages: list[Page], cut_pages: list[Page], gold: dict, scorer
) -> dict[tuple[float, float], dict]:
    """(head bar, line bar) -> held-out score of the cut, 5 folds split by site, pooled:
    weights fitted on fit_pages of four fifths of the sites cut the cut_pages of the fifth."""
    fold_of = {p.doc_id: zlib.crc32(p.site.encode()) % _FOLDS for p in fit_pages}
    preds: dict[tuple[float, float], dict[str, str]] = {bars: {} for bars in _BARS}
    for k in range(_FOLDS):
        beta = np.array(_rounded(fit([p for p in fit_pages if fold_of[p.doc_id] != k])))
        for page in (p for p in cut_pages if fold_of[p.doc_id] == k):
            probs = list(1 / (1 + np.exp(-page.x @ beta))) if page.lines else []
            for bars in _BARS:
                kept = html.keep_article_lines(page.lines, probs, *bars) if page.lines else []
                preds[bars][page.doc_id] = "\n".join(kept)
    ids = [p.doc_id for p in cut_pages]
    return {bars: score(scorer, gold, found, ids) for bars, found in preds.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="the wcxb-dev folder")
    a = ap.parse_args(argv)
    scorer_path = a.eval.parent / "score_extraction.py"
    if not (a.eval / "ground-truth").is_dir() or not scorer_path.is_file():
        print(
            f"no dev set at {a.eval} (want ground-truth/, html/ and ../score_extraction.py);"
            " pass --eval PATH/TO/wcxb-dev",
            file=sys.stderr,
        )
        return 2
    t0 = time.perf_counter()
    scorer = load_scorer(a.eval.parent)
    gold = load_gold(a.eval)
    sites = load_sites(a.eval)
    pages = {
        fallback: [
            load_page(
                i,
                a.eval / "html" / f"{i}.html.gz",
                gold[i].get("main_content") or "",
                scorer,
                sites[i],
                fallback=fallback,
            )
            for i in sorted(gold)
        ]
        for fallback in (False, True)
    }
    own, cut = pages[False], pages[True]
    print(f"{len(cut)} pages, {sum(len(p.y) for p in cut)} lines")
    print(f"{_FOLDS}-fold held-out by site, (head bar, line bar) -> score:")
    for bars, found in cross_validate(own, cut, gold, scorer).items():
        print(f"  {bars}: {found}")
    # The odd ids are the held-out half the weights never see.
    weights = _rounded(fit([p for p in own if int(p.doc_id) % 2 == 0]))
    print("_WEIGHTS: tuple[float, ...] = (")
    print("\n".join(f"    {v:.4g}," for v in weights))
    print(")")
    gap = max(abs(v - s) for v, s in zip(weights, html._WEIGHTS, strict=True))
    same = "equal" if gap == 0 else f"differ by up to {gap:.4g}"
    print(f"fitted weights {same} transforms.html._WEIGHTS; {time.perf_counter() - t0:.0f} s")
    return 0


def load_sites(dev: Path) -> dict[str, str]:
    """Page id -> the host name of its URL (its id when it has none)."""
    out = {}
    for path in sorted((dev / "ground-truth").glob("*.json")):
        url = json.loads(path.read_text()).get("url") or ""
        out[path.stem] = urlsplit(url).hostname or path.stem
    return out


if __name__ == "__main__":
    sys.exit(main())
