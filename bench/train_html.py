"""Fit transforms.html's chrome-line weights (_WEIGHTS) on the WCXB dev set.

A line of trafilatura's uncut text is article text when the gold main_content holds it: a line
of under 8 words must appear there whole, a longer one must have half its word 4-grams there.
The model is an L2 logistic regression over transforms.html.line_features, fitted by Newton's
method on standardised features with each page weighing the same, on the even-numbered pages
(the odd ones stay held out). Prints the 5-fold cross-validated score of the shipped cut over
the even pages, then the weights fitted on all of them, laid out as _WEIGHTS.

    python -m bench.train_html [--eval DIR]
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

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


@dataclass(slots=True)
class Page:
    """One dev page: its HTML, uncut lines, their features and chrome labels (1 = chrome)."""

    doc_id: str
    html: str
    x: np.ndarray
    y: np.ndarray


def _is_article(line: str, gold_words: str, gold_grams, scorer) -> bool:
    words = _WORD.findall(line)
    if len(words) < _SHORT_LINE:
        return f" {' '.join(words)} " in gold_words
    grams = scorer.shingles(line)
    held = sum(min(n, gold_grams.get(g, 0)) for g, n in grams.items())
    return held >= 0.5 * sum(grams.values())


def load_page(doc_id: str, path: Path, gold: str, scorer) -> Page:
    """The page's uncut lines (the chrome cut switched off), their features and labels."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
    with mock.patch.object(html, "_WEIGHTS", ()):
        parts = html.extract_html_parts(text)
    lines = parts.paragraphs if parts else []
    x = np.zeros((0, len(html._WEIGHTS)))
    if lines:
        x = np.array(html.line_features(lines, trafilatura.load_html(text)))
    gold_words = f" {' '.join(_WORD.findall(gold))} "
    gold_grams = scorer.shingles(gold)
    y = [not _is_article(line, gold_words, gold_grams, scorer) for line in lines]
    return Page(doc_id, text, x, np.array(y, dtype=float))


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


def cross_validate(pages: list[Page], gold: dict, scorer) -> dict:
    """Score of the shipped cut on each fifth of the pages, with weights fitted on the rest."""
    folds = [pages[k::_FOLDS] for k in range(_FOLDS)]
    preds = {}
    for k, test in enumerate(folds):
        train = [p for j, fold in enumerate(folds) if j != k for p in fold]
        with mock.patch.object(html, "_WEIGHTS", _rounded(fit(train))):
            for page in test:
                parts = html.extract_html_parts(page.html)
                preds[page.doc_id] = "\n".join(parts.paragraphs) if parts else ""
    return score(scorer, gold, preds, [p.doc_id for p in pages])


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
    # The odd ids are the held-out half the weights never see.
    ids = [i for i in gold if int(i) % 2 == 0]
    pages = [
        load_page(i, a.eval / "html" / f"{i}.html.gz", gold[i].get("main_content") or "", scorer)
        for i in ids
    ]
    print(f"{len(pages)} even pages, {sum(len(p.y) for p in pages)} lines")
    print(f"{_FOLDS}-fold held-out (even ids):", cross_validate(pages, gold, scorer))
    weights = _rounded(fit(pages))
    print("_WEIGHTS: tuple[float, ...] = (")
    print("\n".join(f"    {v:.4g}," for v in weights))
    print(")")
    gap = max(abs(v - s) for v, s in zip(weights, html._WEIGHTS, strict=True))
    same = "equal" if gap == 0 else f"differ by up to {gap:.4g}"
    print(f"fitted weights {same} transforms.html._WEIGHTS; {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
