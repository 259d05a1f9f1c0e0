"""Canonical outlet names from the shipped, editable mapping in transforms/data/outlets.toml."""

from __future__ import annotations

import functools
import tomllib
import unicodedata
from dataclasses import dataclass
from importlib import resources

from transforms.metadata import site_from_url

_MAPPING = "outlets.toml"


@dataclass(frozen=True, slots=True)
class Outlet:
    """One outlet: the canonical name, the domains it serves from, other spellings of its name."""

    name: str
    domains: tuple[str, ...]
    spellings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OutletIndex:
    """Lookups from a squashed spelling and from a registered domain to an outlet."""

    outlets: tuple[Outlet, ...]
    by_spelling: dict[str, Outlet]
    by_domain: dict[str, Outlet]


def _squash(text: str) -> str:
    """Lowercase letters and digits only: "El Comercio", "elcomercio" and "EL-COMERCIO" agree."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum() and not unicodedata.combining(ch))


def parse_outlets(text: str) -> OutletIndex:
    """Index the outlets of a TOML mapping; a spelling or domain claimed twice is an error."""
    outlets = tuple(
        Outlet(
            name=name,
            domains=tuple(d.lower().removeprefix("www.") for d in entry.get("domains", ())),
            spellings=tuple(entry.get("spellings", ())),
        )
        for name, entry in tomllib.loads(text).items()
    )
    by_spelling: dict[str, Outlet] = {}
    by_domain: dict[str, Outlet] = {}
    for outlet in outlets:
        keys = {_squash(s) for s in (outlet.name, *outlet.spellings, *outlet.domains)}
        for key in keys - {""}:
            if by_spelling.get(key, outlet) is not outlet:
                raise ValueError(f"{key!r} names both {by_spelling[key].name} and {outlet.name}")
            by_spelling[key] = outlet
        for domain in outlet.domains:
            if by_domain.get(domain, outlet) is not outlet:
                raise ValueError(
                    f"{domain!r} belongs to {by_domain[domain].name} and {outlet.name}"
                )
            by_domain[domain] = outlet
    return OutletIndex(outlets, by_spelling, by_domain)


@functools.cache
def shipped_outlets() -> OutletIndex:
    """The mapping shipped with newsetl (read once per process)."""
    text = resources.files("transforms").joinpath("data", _MAPPING).read_text(encoding="utf-8")
    return parse_outlets(text)


def find_outlet(value: str | None, index: OutletIndex | None = None) -> Outlet | None:
    """The outlet a name, domain or URL stands for; None when the mapping does not know it."""
    if not value or not value.strip():
        return None
    index = index or shipped_outlets()
    outlet = index.by_spelling.get(_squash(value))
    if outlet:
        return outlet
    text = value.strip()
    if " " in text or "." not in text:
        return None
    domain = site_from_url(text)
    # "edition.cnn.com" is served by cnn.com; site_from_url already drops the subdomain.
    return index.by_domain.get(domain) if domain else None


def canonical_outlet(value: str | None, index: OutletIndex | None = None) -> str | None:
    """The canonical name of an outlet, or the value as given when the mapping lacks it."""
    if value is None:
        return None
    outlet = find_outlet(value, index)
    return outlet.name if outlet else " ".join(value.split()) or None
