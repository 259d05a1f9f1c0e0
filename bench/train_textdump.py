"""Fit the text-dump cleaner's line and title models on the WCXB dev set (../shared/eval/wcxb-dev).

Line labels come from the gold: a line is article text when most of its word 4-grams occur in
the gold main_content, and a title candidate is right when it folds to the gold title. The line
model is gradient-boosted trees (scikit-learn, a development dependency; the cleaner evaluates
the exported trees with numpy alone), smoothed over each line's neighbours by a logistic
model. Prints 5-fold held-out scores (folds split by site: train on four fifths of the sites,
score the pages of the fifth, pooled over the folds), then fits on every page; --write puts
the trees into transforms/data/textdump_lines.json and the other weights into
transforms/textdump.py between its WEIGHTS markers.

    python -m bench.train_textdump [--eval DIR] [--write]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import time
import unicodedata
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from transforms import textdump as td
from transforms.extract import drop_repeated_paragraphs

REPO = Path(__file__).resolve().parents[1]
DEFAULT_EVAL = REPO.parent / "shared" / "eval"
_TOKEN_RE = re.compile(r"\w+")
# Thresholds whose training F1 is this close to the best count as tied with it.
_F1_TIE = 0.001
# The line model's trees. Early stopping is off: it would hold out a random tenth of the lines.
_TREES = {
    "max_iter": 150,
    "learning_rate": 0.1,
    "max_leaf_nodes": 15,
    # Six splits at most from root to leaf: the cleaner takes one numpy step per level.
    "max_depth": 6,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
    "early_stopping": False,
    "random_state": 0,
}
# Site folds inside the training pages, for the out-of-fold logits the smoothing is fitted on.
_INNER_FOLDS = 3
_THRESHOLDS = (-1.0, -0.5, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3, 0.5, 1.0, 1.5)


def _fold(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = text.translate(str.maketrans("‘’“”–—", "''\"\"--"))
    return " ".join(text.split()).casefold()


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    toks = _TOKEN_RE.findall(text)
    return Counter(tuple(toks[i : i + 4]) for i in range(max(1, len(toks) - 3)) if toks[i : i + 4])


def _prf(gold: str, pred: str) -> tuple[float, float, float]:
    """(tp, fp, fn) over 4-gram shingles, each page scaled to sum 1, as the eval scorer does."""
    g, p = _shingles(gold), _shingles(pred)
    tp = sum((g & p).values())
    fp, fn = sum(p.values()) - tp, sum(g.values()) - tp
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def _aggregate(rows: list[tuple[float, float, float]]) -> dict[str, float]:
    ps = [tp / (tp + fp) if tp + fp else 1.0 for tp, fp, fn in rows if tp + fp > 0]
    rs = [tp / (tp + fn) if tp + fn else 1.0 for tp, fp, fn in rows if tp + fn > 0]
    p, r = statistics.mean(ps), statistics.mean(rs)
    return {"f1": 2 * p * r / (p + r), "precision": p, "recall": r}


def _body_width() -> int:
    """Number of line features, read off a one-line page."""
    lines, _ = td._lines_of("One line.", None)
    return len(td._body_features(lines, Counter(), (0, 1))[0])


class Page:
    """One dev page: its lines, stage-one features, per-line labels and weights, and the gold."""

    def __init__(self, doc_id: str, text: str, gold: dict, site: str) -> None:
        self.id, self.text, self.site = doc_id, text, site
        self.gold_body = gold.get("main_content") or ""
        self.gold_title = _fold(gold.get("title"))
        self.lines, self.stop = td._lines_of(text, None)
        self.counts = Counter(line.norm for line in self.lines)
        feats = td._body_features(self.lines, self.counts, td._best_region(self.lines))
        self.x = np.array(feats, dtype=float).reshape(len(self.lines), _body_width())
        gold_tokens = _TOKEN_RE.findall(self.gold_body)
        grams = {tuple(gold_tokens[i : i + 4]) for i in range(len(gold_tokens) - 3)}
        joined = f" {' '.join(gold_tokens)} "
        labels, sizes = [], []
        for line in self.lines:
            toks = _TOKEN_RE.findall(line.text)
            if len(toks) < 4:
                labels.append(float(bool(toks) and f" {' '.join(toks)} " in joined))
            else:
                own = [tuple(toks[i : i + 4]) for i in range(len(toks) - 3)]
                labels.append(float(sum(g in grams for g in own) >= len(own) / 2))
            sizes.append(max(1, len(toks)))
        self.y = np.array(labels)
        # Each page weighs the same, and inside it each line by its words, as the metric does.
        sizes_arr = np.array(sizes, dtype=float)
        self.w = 0.5 * sizes_arr / max(1.0, sizes_arr.sum()) + 0.5 / max(1, len(sizes))


def site_folds(pages: list, folds: int) -> list[tuple[list, list]]:
    """(test, train) pairs: every site's pages fall in one fold, so no site is seen in training."""
    sites = sorted({p.site for p in pages})
    random.Random(0).shuffle(sites)
    fold_of = {site: k % folds for k, site in enumerate(sites)}
    return [
        ([p for p in pages if fold_of[p.site] == k], [p for p in pages if fold_of[p.site] != k])
        for k in range(folds)
    ]


def _fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1e-3) -> np.ndarray:
    """Weighted L2 logistic regression by Newton's method."""
    beta = np.zeros(x.shape[1])
    reg = l2 * np.eye(x.shape[1])
    reg[0, 0] = 0.0
    for _ in range(30):
        p = 1 / (1 + np.exp(-np.clip(x @ beta, -30, 30)))
        grad = x.T @ (w * (p - y)) + reg @ beta
        hess = (x * (w * p * (1 - p))[:, None]).T @ x + reg + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-7:
            break
    return beta


def _export_trees(model: HistGradientBoostingClassifier) -> dict:
    """The fitted trees as td.Forest reads them (leaf values already scaled by the rate)."""
    trees = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        trees.append(
            {
                "feature": np.where(leaf, -1, nodes["feature_idx"].astype(np.int64)).tolist(),
                "threshold": np.where(leaf, 0.0, nodes["num_threshold"]).tolist(),
                "left": np.where(leaf, -1, nodes["left"].astype(np.int64)).tolist(),
                "right": np.where(leaf, -1, nodes["right"].astype(np.int64)).tolist(),
                "value": np.where(leaf, nodes["value"], 0.0).tolist(),
            }
        )
    return {"base": float(model._baseline_prediction.ravel()[0]), "trees": trees}


def _fit_trees(pages: list[Page]) -> dict:
    x = np.vstack([p.x for p in pages])
    y = np.concatenate([p.y for p in pages])
    w = np.concatenate([p.w for p in pages])
    model = HistGradientBoostingClassifier(**_TREES).fit(x, y, sample_weight=w * len(w))
    spec = _export_trees(model)
    # The exported trees must score exactly as scikit-learn does.
    sample = x[:5000]
    assert np.allclose(td.Forest(spec)(sample), model.decision_function(sample), atol=1e-9)
    return spec


def _fit_body(pages: list[Page]) -> tuple[dict, np.ndarray, list[np.ndarray]]:
    """The trees, the smoothing model, and each page's smoothed logits before any threshold.

    Trees score the lines they were fitted on far better than new ones, so the smoothing
    model and the threshold are fitted on out-of-fold line logits: each page's from trees
    fitted without its site.
    """
    oof: dict[str, np.ndarray] = {}
    for test, train in site_folds(pages, _INNER_FOLDS):
        forest = td.Forest(_fit_trees(train))
        oof.update((p.id, forest(p.x)) for p in test)
    y = np.concatenate([p.y for p in pages])
    w = np.concatenate([p.w for p in pages])
    x2 = [td._smooth_inputs(oof[p.id]) for p in pages]
    w2 = _fit_logistic(np.vstack(x2), y, w, l2=1e-4)
    return _fit_trees(pages), w2, [x @ w2 for x in x2]


def _title_data(pages: list[Page]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per page with the gold among its candidates: candidate features and which are right."""
    out = []
    for p in pages:
        logits, start, end = td._body_span(p.lines, p.counts)
        cands, rows = td._title_rows(p.lines, start, end, p.counts, p.stop, logits)
        hits = [_fold(cand[1].strip()) == p.gold_title for cand in cands]
        if any(hits):
            out.append((np.array(rows), np.array(hits, dtype=float)))
    return out


def _title_loss(beta: np.ndarray, data: list[tuple[np.ndarray, np.ndarray]], l2: float) -> float:
    loss = 0.5 * l2 * beta @ beta
    for x, hit in data:
        s = x @ beta
        top = s.max()
        loss += np.log(np.exp(s - top).sum()) - np.log(np.exp(s - top)[hit > 0].sum())
    return loss


def _fit_title(data: list[tuple[np.ndarray, np.ndarray]], l2: float = 0.05) -> np.ndarray:
    """Conditional logit over each page's candidates (any right one counts), by damped Newton."""
    beta = np.zeros(data[0][0].shape[1])
    loss = _title_loss(beta, data, l2)
    for _ in range(60):
        grad = l2 * beta
        hess = l2 * np.eye(len(beta))
        for x, hit in data:
            s = x @ beta
            p = np.exp(s - s.max())
            p /= p.sum()
            q = np.exp(np.where(hit > 0, s - s[hit > 0].max(), -np.inf))
            q /= q.sum()
            grad += x.T @ (p - q)
            xp = x.T @ p
            # Only the all-candidates part of the Hessian: it keeps Newton steps downhill.
            hess += (x * p[:, None]).T @ x - np.outer(xp, xp)
        step = np.linalg.solve(hess + 1e-6 * np.eye(len(beta)), grad)
        for _ in range(20):
            new_loss = _title_loss(beta - step, data, l2)
            if new_loss <= loss:
                break
            step /= 2
        else:
            break
        beta, done, loss = beta - step, loss - new_loss < 1e-7, new_loss
        if done:
            break
    return beta


def _install(trees: dict, w2: np.ndarray, wt: np.ndarray | None) -> None:
    td._BODY_FOREST = td.Forest(trees)
    td._SMOOTH_WEIGHTS = tuple(round(float(v), 4) for v in w2)
    if wt is not None:
        td._TITLE_WEIGHTS = tuple(round(float(v), 4) for v in wt)


def _predict(pages: list[Page]) -> list[tuple[tuple[float, float, float], bool]]:
    """Per page: (tp, fp, fn) of the cleaned body and whether the title is right."""
    out = []
    for p in pages:
        parts = td.clean_text_dump(p.text)
        # Scored as the pipeline emits the body: extract_document drops repeated paragraphs.
        body = "\n\n".join(drop_repeated_paragraphs(list(parts.paragraphs)))
        out.append((_prf(p.gold_body, body), _fold(parts.title) == p.gold_title))
    return out


def _summary(predicted: list[tuple[tuple[float, float, float], bool]]) -> dict[str, float]:
    m = _aggregate([rows for rows, _ in predicted])
    m["title"] = sum(hit for _, hit in predicted) / len(predicted)
    return m


def _kept_text(page: Page, logits: np.ndarray, threshold: float) -> str:
    """The body the cleaner keeps at a threshold, gaps filled, short of title and de-gluing."""
    shifted = [float(z) - threshold for z in logits]
    kept = [i for i, z in enumerate(shifted) if z > 0 and not page.lines[i].label]
    td._fill_gaps(page.lines, shifted, kept)
    return "\n\n".join(
        line.text for line, z in zip(page.lines, shifted, strict=True) if z > 0 and not line.label
    )


def fit(pages: list[Page]) -> tuple[dict, np.ndarray, np.ndarray]:
    """Line model, smoothing model with its threshold chosen on these pages, then title model."""
    trees, w2, logits = _fit_body(pages)
    f1 = {
        t: _aggregate(
            [_prf(p.gold_body, _kept_text(p, z, t)) for p, z in zip(pages, logits, strict=True)]
        )["f1"]
        for t in _THRESHOLDS
    }
    # Near the top the F1 curve is flat; of the thresholds tied with the best, the highest
    # keeps the fewest doubtful lines.
    best = max(t for t in _THRESHOLDS if f1[t] >= max(f1.values()) - _F1_TIE)
    w2 = w2.copy()
    w2[0] -= best
    _install(trees, w2, None)
    return trees, w2, _fit_title(_title_data(pages))


def _weights_block(w2: np.ndarray, wt: np.ndarray) -> str:
    def fmt(name: str, w: np.ndarray) -> str:
        values = [f"{round(float(v), 4) + 0.0:.4f}," for v in w]  # no "-0.0000"
        rows = ["    " + " ".join(values[k : k + 8]) for k in range(0, len(values), 8)]
        return f"{name} = (\n" + "\n".join(rows) + "\n)\n"

    # Eight weights a line; left alone by the formatter, which would give each its own line.
    weights = fmt("_SMOOTH_WEIGHTS", w2) + fmt("_TITLE_WEIGHTS", wt)
    return f"# fmt: off\n{weights}# fmt: on\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="store the weights in textdump.py")
    a = ap.parse_args()
    dev = a.eval / "wcxb-dev"
    pages = []
    for f in sorted((dev / "ground-truth").glob("*.json")):
        record = json.loads(f.read_text(encoding="utf-8"))
        text = (dev / "textdump" / f"{f.stem}.txt").read_text(encoding="utf-8")
        site = urlsplit(record.get("url") or "").hostname or f.stem
        pages.append(Page(f.stem, text, record["ground_truth"], site))
    held = []
    for k, (test, train) in enumerate(site_folds(pages, a.folds)):
        _install(*fit(train))
        t0 = time.perf_counter()
        predicted = _predict(test)
        ms = 1000 * (time.perf_counter() - t0) / len(test)
        held += predicted
        print(
            f"fold {k}: " + "  ".join(f"{n} {v:.4f}" for n, v in _summary(predicted).items()),
            f"ms {ms:.1f}",
        )
    print(
        "held-out, all folds pooled: "
        + "  ".join(f"{n} {v:.4f}" for n, v in _summary(held).items())
    )
    weights = fit(pages)
    _install(*weights)
    print(
        "all pages (training score): "
        + "  ".join(f"{n} {v:.4f}" for n, v in _summary(_predict(pages)).items())
    )
    trees, w2, wt = weights
    block = _weights_block(w2, wt)
    print(block)
    if a.write:
        model = REPO / "transforms" / "data" / td._LINE_MODEL
        model.write_text(json.dumps(trees, separators=(",", ":")) + "\n", encoding="utf-8")
        path = REPO / "transforms" / "textdump.py"
        src = path.read_text(encoding="utf-8")
        head, rest = src.split("do not edit by hand.\n", 1)
        _, tail = rest.split("# END WEIGHTS", 1)
        path.write_text(f"{head}do not edit by hand.\n{block}# END WEIGHTS{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
