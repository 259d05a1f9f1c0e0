"""Near-copy detection for articles: word shingles, seeded MinHash and LSH banding.

Signatures are deterministic across processes, runs and numpy versions (every hash comes from
blake2b), so they can be stored in the warehouse and compared with next week's documents.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np

__all__ = [
    "DEFAULT_NUM_PERM",
    "DEFAULT_SHINGLE_SIZE",
    "DEFAULT_THRESHOLD",
    "Member",
    "NearCopyIndex",
    "Scheme",
    "band_keys",
    "choose_canonical",
    "find_near_copies",
    "group_links",
    "jaccard",
    "jaccard_estimate",
    "lsh_params",
    "shingle_array",
    "shingles",
    "signature",
]

DEFAULT_SHINGLE_SIZE = 3
DEFAULT_NUM_PERM = 128
DEFAULT_THRESHOLD = 0.5

_MERSENNE_PRIME = np.uint64((1 << 61) - 1)
# Larger than any permuted hash (all are < 2**61 + 8): the signature of a text with no words.
_EMPTY = (1 << 64) - 1
# Shingles are hashed in slices of this many, so the (num_perm x slice) hash matrix and its
# scratch copy stay in the CPU cache (4096 made signing 1.6x slower than 512).
_CHUNK = 512
# The shift that folds a hash's bits above 2**61 down, as a uint64 for numpy.
_SHIFT_61 = np.uint64(61)
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


@lru_cache(maxsize=1 << 20)
def _word_hash(word: str) -> int:
    # Words repeat across a corpus far more than shingles do: hashing each word once and
    # combining word hashes in numpy is what keeps shingling fast.
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


# Odd multipliers of the shingle hash: position i of a shingle is weighted by _MIX[i].
_MIX = np.array(
    [(0x9E3779B97F4A7C15 + 2 * i * 0x632BE59BD9B4E019) % (1 << 64) for i in range(64)],
    dtype=np.uint64,
)


def shingle_array(text: str, size: int = DEFAULT_SHINGLE_SIZE) -> np.ndarray:
    """Text -> sorted unique 64-bit hashes of its `size`-word shingles (folded, no punctuation).

    A text shorter than one shingle is still one shingle, so short items can match.
    """
    words = _words(text)
    if not words:
        return np.empty(0, dtype=np.uint64)
    if not 1 <= size <= _MIX.size:
        raise ValueError(f"shingle size must be between 1 and {_MIX.size}, not {size}")
    h = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
    n = max(h.size - size + 1, 1)
    acc = np.zeros(n, dtype=np.uint64)
    for i in range(min(size, h.size)):
        acc += h[i : i + n] * _MIX[i]  # wraps modulo 2**64, deterministically
    # Final avalanche (the splitmix64 finaliser) so nearby sums spread over all 64 bits.
    acc ^= acc >> np.uint64(30)
    acc *= np.uint64(0xBF58476D1CE4E5B9)
    acc ^= acc >> np.uint64(27)
    acc *= np.uint64(0x94D049BB133111EB)
    acc ^= acc >> np.uint64(31)
    return np.unique(acc)


def shingles(text: str, size: int = DEFAULT_SHINGLE_SIZE) -> set[int]:
    """Text -> the set of its shingle hashes (see shingle_array)."""
    return set(shingle_array(text, size).tolist())


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    # Derived from blake2b rather than numpy's Generator, whose streams may change between
    # numpy versions and would silently invalidate stored signatures.
    a = np.empty(num_perm, dtype=np.uint64)
    b = np.empty(num_perm, dtype=np.uint64)
    for i in range(num_perm):
        h = hashlib.blake2b(f"nearcopy:{seed}:{i}".encode(), digest_size=16).digest()
        a[i] = int.from_bytes(h[:4], "little") | 1
        b[i] = int.from_bytes(h[8:], "little") % int(_MERSENNE_PRIME)
    return a, b


def _mod_mersenne(v: np.ndarray, scratch: np.ndarray) -> None:
    # v mod (2**61 - 1), in place, by folding the high bits down: far cheaper than numpy's
    # uint64 `%`. The result can exceed the prime by a few (same residue), which keeps it
    # deterministic. scratch is a buffer of v's shape, so no temporary is allocated.
    np.right_shift(v, _SHIFT_61, out=scratch)
    v &= _MERSENNE_PRIME
    v += scratch


def _signature_array(
    shingle_set: Iterable[int] | np.ndarray, num_perm: int, seed: int
) -> np.ndarray:
    if isinstance(shingle_set, np.ndarray):
        x = shingle_set.astype(np.uint64, copy=True)
    else:
        x = np.fromiter(shingle_set, dtype=np.uint64)
    sig = np.full(num_perm, _EMPTY, dtype=np.uint64)
    if not x.size:
        return sig
    # 32-bit inputs times 32-bit multipliers fit in uint64 exactly, so (a*x + b) mod p is a
    # universal hash with no overflow.
    x = (x ^ (x >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    a, b = _permutations(num_perm, seed)
    a_col, b_col = a[:, None], b[:, None]
    for start in range(0, x.size, _CHUNK):
        part = a_col * x[None, start : start + _CHUNK]
        scratch = np.empty_like(part)
        _mod_mersenne(part, scratch)
        part += b_col
        _mod_mersenne(part, scratch)
        np.minimum(sig, part.min(axis=1), out=sig)
    return sig


def signature(
    shingle_set: Iterable[int], num_perm: int = DEFAULT_NUM_PERM, seed: int = 1
) -> tuple[int, ...]:
    """Shingle hashes -> MinHash signature of `num_perm` ints (all 2**64-1 for an empty set)."""
    return tuple(_signature_array(shingle_set, num_perm, seed).tolist())


def jaccard_estimate(sig_a: Sequence[int], sig_b: Sequence[int]) -> float:
    """Two signatures of equal length -> share of equal slots, the estimated Jaccard."""
    a, b = np.asarray(sig_a, dtype=np.uint64), np.asarray(sig_b, dtype=np.uint64)
    if a.shape != b.shape:
        raise ValueError(f"signatures differ in length: {a.size} != {b.size}")
    return float(np.mean(a == b))


def jaccard(a: set[int] | np.ndarray, b: set[int] | np.ndarray) -> float:
    """Two shingle sets (or sorted unique arrays) -> exact Jaccard; 0.0 when both are empty."""
    a = np.asarray(sorted(a), dtype=np.uint64) if isinstance(a, set) else a
    b = np.asarray(sorted(b), dtype=np.uint64) if isinstance(b, set) else b
    common = np.intersect1d(a, b, assume_unique=True).size
    union = a.size + b.size - common
    return common / union if union else 0.0


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int = DEFAULT_NUM_PERM) -> tuple[int, int]:
    """Threshold and signature length -> (bands, rows) minimising false positives + negatives."""
    # The same search as datasketch's _optimal_param, with equal weights: integrate the
    # S-curve 1 - (1 - s**r)**b below the threshold (false positives) and above it (misses).
    below = np.linspace(0.0, threshold, 201)
    above = np.linspace(threshold, 1.0, 201)
    best, best_error = (1, num_perm), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            fp = np.trapezoid(1 - (1 - below**rows) ** bands, below)
            fn = np.trapezoid((1 - above**rows) ** bands, above)
            if fp + fn < best_error:
                best, best_error = (bands, rows), fp + fn
    return best


def band_keys(sig: np.ndarray, bands: int, rows: int) -> list[int]:
    """MinHash signature -> one bucket key per LSH band (rows values folded into a uint64)."""
    # Random odd multipliers fold each band's rows into one key; a rare collision only adds a
    # candidate, which the caller's similarity check rejects.
    fold = _permutations(rows, seed=0)[0] * np.uint64(0x9E3779B97F4A7C15)
    used = sig[: bands * rows].reshape(bands, rows)
    return (used * fold).sum(axis=1, dtype=np.uint64).tolist()


class NearCopyIndex:
    """LSH index of MinHash signatures: add(key, signature), candidates(signature) -> keys."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = DEFAULT_NUM_PERM):
        self.num_perm = num_perm
        self.bands, self.rows = lsh_params(threshold, num_perm)
        self._buckets: list[dict[int, list[Hashable]]] = [{} for _ in range(self.bands)]

    def _band_keys(self, sig: Sequence[int]) -> list[int]:
        arr = np.asarray(sig, dtype=np.uint64)
        if arr.size != self.num_perm:
            raise ValueError(f"signature has {arr.size} values, index expects {self.num_perm}")
        return band_keys(arr, self.bands, self.rows)

    def add(self, key: Hashable, sig: Sequence[int]) -> None:
        """Key and its signature -> indexed (a key added twice is returned once)."""
        for buckets, band_key in zip(self._buckets, self._band_keys(sig), strict=True):
            buckets.setdefault(band_key, []).append(key)

    def candidates(self, sig: Sequence[int]) -> set[Hashable]:
        """Signature -> keys sharing at least one band with it (a superset of near copies)."""
        found: set[Hashable] = set()
        for buckets, band_key in zip(self._buckets, self._band_keys(sig), strict=True):
            found.update(buckets.get(band_key, ()))
        return found


def find_near_copies(
    docs: Iterable[tuple[Hashable, str]],
    threshold: float = DEFAULT_THRESHOLD,
    *,
    shingle_size: int = DEFAULT_SHINGLE_SIZE,
    num_perm: int = DEFAULT_NUM_PERM,
    seed: int = 1,
    verify: bool = True,
) -> list[tuple[Hashable, Hashable, float]]:
    """(key, text) pairs with unique keys -> (copy, canonical, Jaccard) for each near copy.

    The canonical is the earliest-added document the copy nearly matches; the pipeline later
    refines this (original publisher first, then most complete text, then earliest). Texts
    without words are never linked. With `verify` each document's shingles are kept (8 bytes
    a word) so links are decided on exact Jaccard; without it, on the MinHash estimate.
    """
    index = NearCopyIndex(threshold, num_perm)
    order: dict[Hashable, int] = {}
    sigs: dict[Hashable, np.ndarray] = {}
    kept: dict[Hashable, np.ndarray] = {}
    # The estimate is only a prefilter before the exact check; ~2 standard errors of slack
    # at 128 permutations keeps true copies whose estimate lands just under the threshold.
    prefilter = threshold - 0.1 if verify else threshold
    links = []
    for key, text in docs:
        shingle_set = shingle_array(text, shingle_size)
        if not shingle_set.size:
            continue
        sig = _signature_array(shingle_set, num_perm, seed)
        if verify:
            kept[key] = shingle_set
        for other in sorted(index.candidates(sig), key=order.__getitem__):
            similarity = float(np.mean(sig == sigs[other]))
            if similarity < prefilter:
                continue
            if verify:
                similarity = jaccard(kept[key], kept[other])
            if similarity >= threshold:
                links.append((key, other, similarity))
                break
        index.add(key, sig)
        order[key] = len(order)
        sigs[key] = sig
    return links


@dataclass(frozen=True, slots=True)
class Scheme:
    """How texts are shingled, signed and banded; stored band keys are comparable only
    between texts indexed under the same scheme name."""

    shingle_size: int = DEFAULT_SHINGLE_SIZE
    num_perm: int = DEFAULT_NUM_PERM
    threshold: float = DEFAULT_THRESHOLD
    seed: int = 1

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"near-copy threshold must be in (0, 1], not {self.threshold}")
        if self.shingle_size < 1:
            raise ValueError(f"shingle size must be at least 1, not {self.shingle_size}")

    @property
    def name(self) -> str:
        bands, rows = lsh_params(self.threshold, self.num_perm)
        return f"minhash-s{self.shingle_size}-p{self.num_perm}-b{bands}-r{rows}-{self.seed}"

    def band_keys(self, text: str) -> list[int]:
        """Text -> its LSH bucket key per band; [] for a text without words."""
        shingle_set = shingle_array(text, self.shingle_size)
        if not shingle_set.size:
            return []
        sig = _signature_array(shingle_set, self.num_perm, self.seed)
        return band_keys(sig, *lsh_params(self.threshold, self.num_perm))


@dataclass(frozen=True, slots=True)
class Member:
    """What the canonical rule needs to know of an article in a group of near copies."""

    article_id: str
    is_original: bool  # served by its own publisher, not reprinted by another site
    word_count: int
    first_seen_at: datetime


_RULES = (
    ("original_publisher", lambda m: not m.is_original),
    ("most_complete", lambda m: -m.word_count),
    ("earliest", lambda m: m.first_seen_at),
    ("article_id", lambda m: m.article_id),
)


def choose_canonical(members: Sequence[Member]) -> tuple[Member, str]:
    """Group members -> (the canonical one, the rule that chose it).

    The original publisher's copy first, then the most complete text, then the earliest
    seen; the article id breaks what is left, so the choice never depends on input order.
    """
    ranked = sorted(members, key=lambda m: tuple(key(m) for _, key in _RULES))
    best = ranked[0]
    if len(ranked) == 1:
        return best, "only_member"
    runner_up = ranked[1]
    rule = next(name for name, key in _RULES if key(best) != key(runner_up))
    return best, rule


def group_links(links: Iterable[tuple[str, str]]) -> list[set[str]]:
    """Pairs of linked ids -> connected groups (a reprint of a reprint joins the group)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, set[str]] = {}
    for x in parent:
        groups.setdefault(root(x), set()).add(x)
    return sorted(groups.values(), key=min)
