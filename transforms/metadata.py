"""Pure helpers that normalize article metadata: titles, authors, dates, sites, language."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import urlsplit

import dateparser
from dateparser.languages.loader import default_loader
from py3langid.langid import MODEL_FILE, LanguageIdentifier
from tld import get_fld

# --- titles -----------------------------------------------------------------------------

# Separators sites put between a headline and their own name; " - " and ":" are also used
# inside real headlines, so they only strip an affix that names the site.
_STRONG_SEPARATORS = (" | ", " || ", " :: ", " · ", " • ", " » ", " « ", " ⋆ ", " // ")
_WEAK_SEPARATORS = (" - ", " – ", " — ")
_SEPARATORS = _STRONG_SEPARATORS + _WEAK_SEPARATORS
_SEPARATOR_RE = re.compile("(" + "|".join(re.escape(s) for s in _SEPARATORS) + ")")
_TRAILING_JUNK_RE = re.compile(r"[\s|•·⋆»«:–—-]+$")
_LEADING_JUNK_RE = re.compile(r"^(?:#+\s+|[\s|•·⋆»«:–—-]+)")
# Sections after a pipe ("| Opinion", "| Coverage Types, Costs & Savings") are labels and
# taglines, not headline, once what precedes them is long enough to be a headline itself.
_MIN_HEADLINE_WORDS = 3
_STOPWORDS = {"of", "the", "and", "for", "in", "on", "at", "a", "an", "&"}


def _squash(text: str) -> str:
    """Lowercase letters and digits only, for comparing names spelled with different punctuation."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text).lower() if ch.isalnum())


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.lower().split() if word not in _STOPWORDS)


def _site_keys(site_names: Sequence[str]) -> list[str]:
    """Squashed site names, their initials, and the distinctive labels of any hostnames."""
    keys = set()
    for name in site_names:
        if not name:
            continue
        keys.add(_squash(name))
        if "." in name and " " not in name.strip():
            labels = name.lower().removeprefix("www.").split(".")
            # Drop the public suffix (last label, or last two for "co.uk"-style domains).
            suffix_len = 2 if len(labels) > 2 and len(labels[-2]) <= 3 else 1
            keys.update(_squash(label) for label in labels[:-suffix_len])
        else:
            # "CAI" for "Contemporary Art Issue - Platform, Publisher & Gallery".
            keys.update(_initials(segment) for segment in _SEPARATOR_RE.split(name)[::2])
    return [key for key in keys if len(key) >= 3]


def _names_site(affix: str, keys: Sequence[str], *, loose: bool = True) -> bool:
    """True when a title affix is the site's name, domain or initials, or a truncation of them."""
    squashed = _squash(affix)
    if len(squashed) < 3:
        return False
    initials = _initials(affix)
    for key in keys:
        # Loose matching accepts affixes that merely contain the name ("Nexxis USA").
        if squashed == key or (loose and len(key) >= 4 and key in squashed):
            return True
        # "Tastify" for tastifyfood.com, or a title cut off in the middle of the site name.
        if len(squashed) >= 4 and key.startswith(squashed):
            return True
        # "Blue Cross Blue Shield of Oklahoma" for bcbsok.com.
        if len(initials) >= 4 and key.startswith(initials):
            return True
    return False


def _split_title(title: str) -> list[tuple[str, str]]:
    """Split a title into (separator, segment) pairs; the first separator is empty."""
    parts = _SEPARATOR_RE.split(title)
    pairs = [("", parts[0])]
    pairs += [(parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2)]
    return pairs


def _word_count(pairs: Sequence[tuple[str, str]]) -> int:
    return sum(len(segment.split()) for _, segment in pairs)


def clean_title(
    title: str | None, site_names: Sequence[str] = (), *, labels: bool = True
) -> str | None:
    """Headline with site-name prefixes/suffixes and entities removed; None when nothing is left.

    With labels=False, sections after a pipe stay unless they name the site: a visible <h1>
    prints them as part of the headline, a <title> as a label.
    """
    if not title:
        return None
    text = " ".join(html.unescape(title).split())
    text = _LEADING_JUNK_RE.sub("", _TRAILING_JUNK_RE.sub("", text))
    keys = _site_keys(site_names)
    text = _strip_domain_prefix(_strip_full_site_names(text, site_names), site_names)
    text = _strip_site_prefix(text, keys)
    pairs = _split_title(text)
    while len(pairs) > 1:
        separator, segment = pairs[-1]
        is_site = _names_site(segment, keys)
        is_label = (
            labels
            and separator in _STRONG_SEPARATORS
            and _word_count(pairs[:-1]) >= _MIN_HEADLINE_WORDS
        )
        if not (is_site or is_label):
            break
        pairs.pop()
    while len(pairs) > 1 and _names_site(pairs[0][1], keys):
        pairs = [("", pairs[1][1]), *pairs[2:]]
    text = "".join(separator + segment for separator, segment in pairs)
    text = _strip_parenthesized_site(text, keys)
    return _TRAILING_JUNK_RE.sub("", text).strip() or None


def _strip_full_site_names(text: str, site_names: Sequence[str]) -> str:
    """Drop trailing site names, even ones containing separators ("Urge Fitness | 24/7 Gyms")."""
    names = [" ".join(name.split()) for name in site_names if name and len(name.strip()) >= 3]
    stripped = True
    # Some titles repeat the site name ("Guide - Site — US Edition Site — US Edition").
    while stripped:
        stripped = False
        for name in names:
            if not text.casefold().endswith(name.casefold()):
                continue
            head = text[: len(text) - len(name)]
            separator = next((s for s in _SEPARATORS if head.endswith(s)), None)
            if separator and head[: -len(separator)].strip():
                text, stripped = head[: -len(separator)], True
    return text


def _strip_domain_prefix(text: str, site_names: Sequence[str]) -> str:
    """Drop a leading domain name printed before the headline ("davidbau.com Vibe Coding")."""
    for name in site_names:
        name = (name or "").strip().lower()
        if _DOMAIN_RE.fullmatch(name) and text.casefold().startswith(name + " "):
            rest = text[len(name) :].strip(_AFFIX_JUNK)
            if rest:
                return rest
    return text


def _strip_site_prefix(text: str, keys: Sequence[str]) -> str:
    """Drop a "Site: headline" prefix when the part before the colon names the site."""
    head, colon, rest = text.partition(": ")
    # Strict matching: "Redfin's 2026 Predictions: ..." is a headline, not a site prefix.
    if colon and rest and _names_site(head, keys, loose=False):
        return rest
    return text


def _strip_parenthesized_site(text: str, keys: Sequence[str]) -> str:
    """Drop a trailing "(Site)" that names the site."""
    match = re.search(r"\s*\(([^()]{3,60})\)$", text)
    if match and match.start() > 0 and _names_site(match.group(1), keys):
        return text[: match.start()]
    return text


_WORD_RE = re.compile(r"\w+")
_DOMAIN_RE = re.compile(r"[\w-]+(?:\.[\w-]+)+")
_AFFIX_JUNK = " |-–—:·•»«/"
# A separator between the headline and an affix; a bare space continues the headline.
_SET_APART_END = re.compile(r"[|\-–—:·•»«/]\s*$")
_SET_APART_START = re.compile(r"^\s*[|\-–—:·•»«/]")
# Longest site name learned from a <title> affix; longer leftovers are part of the headline.
_MAX_AFFIX_WORDS = 6
_MIN_CUE_CHARS = 8
# Mean word overlap with the metadata titles an <h1> needs to count as the headline.
_MIN_HEADLINE_AGREEMENT = 0.15
_MAX_HEADLINE_WORDS = 30


def site_affixes(
    page_title: str | None, cues: Sequence[str], site_names: Sequence[str] = ()
) -> list[str]:
    """What <title> adds around another title cue (og:title, <h1>): the site's name; [] if none.

    A cue that is itself one of the known site_names is the logo, not the headline. An affix
    counts only when a separator sets it apart: "Best X in 2025" around "Best X" adds no name.
    """
    page = " ".join((page_title or "").split())
    keys = _site_keys(site_names)
    # The longest cue inside the title is the headline; a shorter one may be the site's logo.
    for cue in sorted(cues, key=lambda c: len(c or ""), reverse=True):
        cue = " ".join((cue or "").split())
        # A domain printed as the logo <h1> is the site's name, never the headline.
        if _DOMAIN_RE.fullmatch(cue) or _squash(cue) in keys:
            continue
        start = page.casefold().find(cue.casefold()) if len(cue) >= _MIN_CUE_CHARS else -1
        if start < 0 or cue == page:
            continue
        head, tail = page[:start], page[start + len(cue) :]
        affixes = (
            head.strip(_AFFIX_JUNK) if _SET_APART_END.search(head) else "",
            tail.strip(_AFFIX_JUNK) if _SET_APART_START.search(tail) else "",
        )
        return [a for a in affixes if a and len(a.split()) <= _MAX_AFFIX_WORDS]
    return []


def declared_headlines(page_title: str | None, site_names: Sequence[str]) -> list[str]:
    """Site names that are really the headline: the <title> prints them beside its domain's name.

    Some sites declare the headline as og:site_name ("Planting Guide • Gardenary" on
    gardenary.com, site name "Planting Guide"); stripping it as a site name would strip the
    headline. [] when the title has no part that names the domain.
    """
    keys = _site_keys([n for n in site_names if n and _DOMAIN_RE.fullmatch(n.strip())])
    parts = [segment for _, segment in _split_title(" ".join((page_title or "").split()))]
    if len(parts) < 2 or not keys:
        return []
    named = [_squash(p) for p in parts if _names_site(p, keys, loose=False)]
    return [
        name
        for name in site_names
        if name
        and _squash(name) in {_squash(p) for p in parts}
        and not _names_site(name, keys, loose=False)
        and any(key != _squash(name) for key in named)
    ]


def _overlap(a: str, b: str) -> float:
    words_a = {w.casefold() for w in _WORD_RE.findall(a)}
    words_b = {w.casefold() for w in _WORD_RE.findall(b)}
    return len(words_a & words_b) / len(words_a | words_b) if words_a and words_b else 0.0


def _is_headline(text: str | None, site_names: Sequence[str]) -> bool:
    """False for <h1>s that hold a logo, the site's name or domain, or only numbers."""
    if not text or len(text.split()) > _MAX_HEADLINE_WORDS or _DOMAIN_RE.fullmatch(text):
        return False
    if _squash(text) in {_squash(name) for name in site_names}:
        return False
    return any(not word.isdigit() for word in _WORD_RE.findall(text))


def choose_title(
    headings: Sequence[str], metas: Sequence[str], site_names: Sequence[str] = ()
) -> tuple[str | None, int | None]:
    """(title, index of the <h1> it came from) from the page's <h1>s and metadata titles.

    The visible <h1> the metadata titles agree with wins; (None, None) leaves the choice to
    the caller's fallback.
    """
    metas = [m for m in (clean_title(m, site_names) for m in metas) if m]
    cleaned = [clean_title(h, site_names, labels=False) for h in headings]
    found = [(i, h) for i, h in enumerate(cleaned) if h and _is_headline(h, site_names)]
    if not found:
        return None, None
    if not metas:
        return found[0][1], found[0][0]

    def agreement(text: str) -> float:
        return sum(_overlap(text, m) for m in metas) / len(metas)

    index, heading = max(found, key=lambda pair: agreement(pair[1]))
    if agreement(heading) < _MIN_HEADLINE_AGREEMENT:
        return None, None
    # All-caps headings are styled for display; the metadata keeps the headline's own case.
    if heading.isupper():
        return max(metas, key=lambda m: _overlap(m, heading)), index
    folded = heading.casefold()
    for meta in metas:
        start = folded.find(meta.casefold())
        # "Dec 18 2025 Title", "Title Posted on July 1, 2024", "Blog: Title": the <h1> holds
        # the headline plus a date or a label, which the metadata title leaves out.
        if meta.casefold() != folded and start >= 0:
            rest = folded[:start] + folded[start + len(meta) :]
            if _is_date_or_label(folded[:start]) or (start == 0 and _is_furniture(rest)):
                return meta, index
    return heading, index


_DIGIT_RE = re.compile(r"\d")
_MAX_LABEL_WORDS = 3


def _is_furniture(rest: str) -> bool:
    """True for what a page prints after a headline: a date ("Posted on July 1, 2024"), or
    numbers and domains alone ("(latimes.com) 87"). Words that go on ("from KBIS & IBS 2025",
    "+ How to Start") and a closing "?" are the headline's own."""
    if _is_date_or_label(rest):
        return True
    return bool(_DIGIT_RE.search(rest)) and not _WORDISH_RE.search(_DOMAIN_RE.sub("", rest))


_WORDISH_RE = re.compile(r"[^\W\d_]{3,}")


def _is_date_or_label(prefix: str) -> bool:
    """True for what a page prints before a headline: a date, or a short "Blog:" label."""
    prefix = prefix.strip()
    if not prefix:
        return False
    if prefix.endswith(":") and len(prefix.split()) <= _MAX_LABEL_WORDS:
        return True
    words = {w.strip(".,") for w in prefix.split()}
    return len(_NUMBER_RE.findall(prefix)) >= 2 or bool(words & _MONTHS)


# --- authors ----------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_BYLINE_PREFIX_RE = re.compile(
    r"^(?:(?:article|story|words|text|reporting|written|posted|published|edited|reviewed|photos?)"
    r"\s+)?(?:by|from|author(?:s|ed by)?|written by|por|von|av|par|di)(?:\s*[:\-]\s*|\s+)"
    # "Words: Solene Rauturier", "Text: ..."
    r"|^(?:words|text|story)\s*:\s*"
    # "ByNina Pineda": the space lost with the markup around the name.
    r"|^(?-i:By(?=[A-Z][a-z]))",
    re.IGNORECASE,
)
_MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_CUT_AT_RE = re.compile(
    # "Last updated: ..." printed where the byline stands names no one.
    r"^(?:last\s+)?(?:updated|modified)\b.*$"
    r"|\s+(?:(?:(?:last\s+)?updated|published|posted|reviewed by|fact[- ]checked by|edited by)\b"
    r"|(?:on|at)\s+(?:\w+\s+)?\d|\d{1,2}[:/.]\d|\|"
    # A date printed after the name: "Andrew Gerrand 4 August 2010", "David at May 4, 2021".
    rf"|(?:(?:on|at)\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH_NAME}\b"
    rf"|{_MONTH_NAME}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b)).*$",
    re.IGNORECASE,
)
_SPLIT_RE = re.compile(
    r"\s*(?:;|,|&|\+|/|•|·|⋅|\band\b|\bund\b|\boch\b|\bet\b|\by\b)\s*", re.IGNORECASE
)
_MONTHS = _words(
    "january february march april may june july august september october november "
    "december jan feb mar apr jun jul aug sep sept oct nov dec"
)
_NAME_MONTHS = _words("april may june august")
# Job titles that follow a name in bylines ("Harry Rabinowitz Tech Reporter").
_ROLE_NOUNS = _words(
    "editor editors reporter writer writers correspondent contributor columnist producer "
    "founder co-founder cofounder ceo cto cfo director manager expert consultant attorney "
    "lawyer specialist analyst journalist photographer reviewer strategist educator "
    "president officer intern professor researcher scientist dietitian nutritionist "
    "winemaker engineer designer developer marketer coordinator advisor adviser anchor"
)
# Words that qualify a job title ("Senior", "Trending", "Head"); dropped with it.
_ROLE_MODIFIERS = _words(
    "senior sr junior staff chief head lead managing executive contributing deputy "
    "associate assistant trending tech digital security privacy health science political "
    "business certified trial news general special technical content marketing"
)
_NON_PERSON_WORDS = _words(
    "staff team editorial editors desk newsroom wire wires press associated reuters afp "
    "agencies agency news admin administrator webmaster guest contributor contributors "
    "anonymous unknown newsletter email e-mail read more share follow subscribe sign "
    "login comments comment privacy policy cookie cookies terms conditions copyright "
    "rights reserved updated published posted written by home menu search about contact "
    "the author authors view all posts profile bio articles foundation university "
    "institute center centre company inc llc ltd group media magazine network association "
    "society council committee department school college hospital clinic club project "
    "online today times journal herald tribune gazette chronicle daily weekly blog "
    "review reviews opinion mon tue wed thu fri sat sun monday tuesday wednesday thursday "
    "friday saturday sunday "
    # Headings of "By ..." menus ("By Role", "By Use Case", "By Industry").
    "role roles industry industries topic topics use case cases size type types category "
    "categories product products solution solutions feature features text link strategy "
    # Buttons and labels printed beside dates.
    "page latest tags checked fact select insight insights tips tricks started dashboard "
    "partners originally "
    # Page furniture printed where a byline stands ("Advertiser Disclosure", "Code of Conduct",
    # "Conceptual Article"), template placeholders ("Name", "undefined") and company forms.
    "advertiser advertising disclosure sponsored affiliate article state conduct official "
    "undefined null none name pc pllc plc llp corp gmbh find jobs careers career guide guides "
    "buying"
)
# Postnominal credentials ("RN", "PhD", "MD") trail a name after a comma or inside it.
_CREDENTIALS = _words(
    "phd ph.d ph.d. md m.d. rn bsn msn ms ma mba rd rdn ld ldn dvm do dds cpa cfp cepf "
    "cpp psp esq mph lcsw np pa-c cscs jd llm msc bsc ba bs faan facp cfa"
)
_NAME_PARTICLES = _words(
    "van von der den de del della di da dos du la le bin ibn al el ter ten y af"
)
# Removed before splitting, because "/" and "." inside them would split into fake names.
_LINK_RE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")
_HANDLE_RE = re.compile(r"@|https?://|www\.|\.(?:com|org|net|io|co)\b", re.IGNORECASE)


def _title_case_name(name: str) -> str:
    """Title-case an ALL-CAPS name; leave mixed-case names ("DeSiato", "van Gogh") alone."""
    letters = [ch for ch in name if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters):
        return " ".join(part.capitalize() for part in name.split())
    return name


_MAX_NAME_TOKEN_CHARS = 20
# The longest line read as a job title printed under a name.
_ROLE_LINE_WORDS = 8
_INNER_CAPITAL_RE = re.compile(r"[a-z][A-Z]")
_GLUED_RE = re.compile(r"[a-z]{5}[A-Z]")
_DESCRIPTION_OPENERS = _words("former licensed certified board-certified registered")
# One-word "names" with these endings are nouns from page furniture ("Development").
_NOUN_ENDINGS = ("ment", "ity", "tion", "sion", "ness", "ship")
# Long last words with these endings name a field ("Journalism"); "Clement" is too short.
_FIELD_ENDINGS = ("ment", "tion", "ism", "ology")
_MIN_FIELD_CHARS = 9
# A long word alone ending in "-ing" names a trade or a desk ("Accounting", "Marketing"); as
# a last name ("Jane Pickering") it stays.
_TRADE_ENDING = "ing"


def _strip_roles(tokens: list[str]) -> list[str]:
    """Name tokens minus a trailing job title or credentials; [] when the piece is only a title."""
    for index, token in enumerate(tokens):
        bare = token.lower().strip(".,()®")
        if index >= 1 and bare.replace(".", "") in _CREDENTIALS:
            return tokens[:index]
        # "Liz Kenny Former McKinsey": what follows is a description of the person.
        if index >= 2 and bare in _DESCRIPTION_OPENERS:
            return tokens[:index]
        # "Lydia Marie Child. See ...": a full stop after a word (not an initial) ends the name.
        if index + 1 < len(tokens) and token.endswith(".") and len(bare) > 3:
            return [*tokens[:index], token.rstrip(".")]
        # "Editor-in-Chief" is one token.
        if bare in _ROLE_NOUNS or bare.split("-")[0] in _ROLE_NOUNS:
            name = tokens[:index]
            while name and name[-1].lower().strip(".,") in _ROLE_MODIFIERS:
                name.pop()
            # What is left is a qualifier, not a name: "Sr Director", "Certified Sleep Consultant".
            if len(name) < 2 or name[0].lower().strip(".,") in _ROLE_MODIFIERS:
                return []
            return name
    return tokens


def _clean_author(part: str) -> str | None:
    """One name from one split piece of a byline, or None when it is not a person."""
    part = _BYLINE_PREFIX_RE.sub("", part.strip(" \t-–—:.,|•·()[]\"'"))
    part = part.strip(" \t-–—:.,|•·()[]\"'")
    if not part or _HANDLE_RE.search(part) or any(ch.isdigit() for ch in part):
        return None
    tokens = _strip_roles(part.split())
    # A month left over from a stripped date ("Jordana Cepelewicz December"), unless it is
    # also a common first or last name.
    while len(tokens) > 1 and tokens[-1].lower().strip(".") in _MONTHS - _NAME_MONTHS:
        tokens.pop()
    # Words glued by lost markup ("Bossleythoughtsstreams") are no name.
    if not tokens or len(tokens) > 5 or max(len(t) for t in tokens) > _MAX_NAME_TOKEN_CHARS:
        return None
    words = {token.lower().strip(".,") for token in tokens}
    if words & _NON_PERSON_WORDS or words <= _MONTHS | _CREDENTIALS | _ROLE_MODIFIERS:
        return None
    # "Licensed Q Arabica Grader": a description of the person, not their name.
    if tokens[0].lower() in _DESCRIPTION_OPENERS:
        return None
    if "".join(token.lower().replace(".", "") for token in tokens) in _CREDENTIALS:
        return None
    # Lowercase words other than name particles mean a phrase, not a name ("Personal finance").
    if any(t[:1].islower() and t.lower() not in _NAME_PARTICLES for t in tokens[1:]):
        return None
    # An all-caps single token is an agency or outlet ("CNN", "AFP"), not a person; a
    # single letter is an initial left over from a split.
    if len(tokens) == 1 and (tokens[0].isupper() or len(tokens[0].strip(".")) < 2):
        return None
    # A one-word "name" with a capital inside is a brand or a handle ("HomeAdvisor",
    # "TurboTaxLisa"); beside other words such a capital is a name's ("Mark SubbaRao")
    # unless it follows a long lowercase run: words glued by lost markup ("ChecklistsJust").
    if len(tokens) == 1 and _INNER_CAPITAL_RE.search(tokens[0]):
        return None
    if any(_GLUED_RE.search(token) for token in tokens):
        return None
    if len(tokens) == 1 and tokens[0].lower().endswith(_NOUN_ENDINGS):
        return None
    if (
        len(tokens) == 1
        and len(tokens[0]) >= _MIN_FIELD_CHARS
        and tokens[0].endswith(_TRADE_ENDING)
    ):
        return None
    # "Community Development", "M.A. Journalism": a field or department, not a surname.
    last = tokens[-1].lower()
    if len(last) >= _MIN_FIELD_CHARS and last.endswith(_FIELD_ENDINGS):
        return None
    # A name starts with a capital; one lowercase word is a verb or noun from the page.
    if not tokens[0][:1].isalpha() or not tokens[0][:1].isupper():
        return None
    return _title_case_name(" ".join(tokens))


def names_a_role(text: str) -> bool:
    """A short line naming a job: "Content Editor", "Co-Founder & Marketing Director"."""
    words = [w.strip(".,&|()").lower() for w in text.split()]
    return 1 <= len(words) <= _ROLE_LINE_WORDS and any(
        w in _ROLE_NOUNS or w.split("-")[0] in _ROLE_NOUNS for w in words
    )


def parse_authors(raw: str | None) -> list[str]:
    """Person names from a byline (or a "; "-joined author field); [] when none are found."""
    if not raw:
        return []
    text = _LINK_RE.sub(" ", html.unescape(raw))
    text = _BYLINE_PREFIX_RE.sub("", " ".join(text.split()))
    text = _CUT_AT_RE.sub("", text)
    text = _uninvert(text)
    names: list[str] = []
    for part in _SPLIT_RE.split(text):
        name = _clean_author(part)
        if name and name.casefold() not in {seen.casefold() for seen in names}:
            names.append(name)
    return names


_INVERTED_RE = re.compile(r"^\s*([^\W\d][\w'’-]*(?: [^\W\d][\w'’-]*)?),\s*([^\W\d][\w.'’ -]*?)\s*$")


def _uninvert(text: str) -> str:
    """ "Roy, Aniruddha; Patel, Jyoti" (citation style, last name first) -> "Aniruddha Roy; ..."

    Only a ";"-separated list in which every entry has one comma is read this way; a lone
    "A, B" is two names.
    """
    pieces = text.split(";")
    matches = [_INVERTED_RE.match(piece) for piece in pieces]
    if len(pieces) < 2 or not all(matches):
        return text
    return "; ".join(f"{m.group(2)} {m.group(1)}" for m in matches if m)


def drop_site_authors(names: Sequence[str], site_names: Sequence[str]) -> list[str]:
    """Names minus one-word ones that are the site's name ("Buzzsprout" on buzzsprout.com).

    Longer names stay: a personal site is often named after its author.
    """
    keys = _site_keys(site_names)
    return [n for n in names if len(n.split()) > 1 or not _names_site(n, keys)]


_CONTRIBUTED_RE = re.compile(
    r"^(?:(?P<outlet>[\w.&' -]+?)['’]s?\s+)?(?P<names>.+?)\s+"
    r"(?:contributed|also contributed|contributed reporting)\b",
    re.IGNORECASE,
)


def parse_contributors(lines: Sequence[str]) -> list[str]:
    """Names from "CNN's A and B contributed to this report" lines; [] when there are none."""
    names: list[str] = []
    for line in lines:
        match = _CONTRIBUTED_RE.match(line.strip())
        if not match:
            continue
        for name in parse_authors(match.group("names")):
            if name.casefold() not in {seen.casefold() for seen in names}:
                names.append(name)
    return names


# --- publishers -------------------------------------------------------------------------

_PUBLISHER_PATTERNS = (
    # "(CNN)" or "(Reuters) -" opening a story.
    re.compile(r"^\((?P<name>[A-Z][\w.&' ]{1,40}?)\)\s*[-–—:]?"),
    # "Source: Al Jazeera and news agencies"
    re.compile(
        r"^sources?\s*:\s*(?P<name>.+?)(?:\s*(?:,|and|&)\s*(?:news\s+)?agenc(?:y|ies).*)?\s*$",
        re.IGNORECASE,
    ),
    # "CNN's Anna Chernova contributed to this report."
    re.compile(r"^(?P<name>[\w.&' -]+?)['’]s?\s+.+?\bcontributed\b", re.IGNORECASE),
)


def publisher_from_attributions(lines: Sequence[str]) -> str | None:
    """Outlet named by attribution lines such as "(CNN)" or "Source: Al Jazeera"; None if none."""
    for line in lines:
        text = " ".join(line.split())
        for pattern in _PUBLISHER_PATTERNS:
            match = pattern.match(text)
            if match:
                name = match.group("name").strip(" .,:;-")
                if name and len(name.split()) <= 5:
                    return name
    return None


# --- dates ------------------------------------------------------------------------------

_ISO_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
# Dotted numeric dates are day-first wherever they are used; dateparser would read them
# month-first when the language is English.
_DOTTED_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_YEAR_RE = re.compile(r"\b(?:1[89]|20)\d{2}\b")
_NUMBER_RE = re.compile(r"\d+")
_MAX_DATE_CHARS = 100
# Language codes dateparser can be told to read dates in.
DATE_LANGUAGES = frozenset(default_loader.get_locale_map())

_DATEPARSER_SETTINGS = {
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "REQUIRE_PARTS": ["day", "month", "year"],
    # Relative dates ("2 days ago") and bare timestamps need a clock or guesswork.
    "PARSERS": ["custom-formats", "absolute-time"],
}


_MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_CLOCK = r"(?:,?\s+(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<half>[ap])?\.?(?:m\.?)?)?"
_ORDINAL = r"(?:st|nd|rd|th)?"
# The English spellings most pages print ("July 13, 2024", "13 July 2024, 09:01", "Mon, Jul
# 13, 2024 at 4:32 pm"), read here in microseconds; anything else goes to dateparser.
_ENGLISH_DATE_RES = (
    re.compile(
        rf"^{_WEEKDAY}(?P<month>[a-z]{{3,9}})\.?\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+"
        rf"(?P<year>\d{{4}}){_CLOCK}$",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^{_WEEKDAY}(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month>[a-z]{{3,9}})\.?,?\s+"
        rf"(?P<year>\d{{4}}){_CLOCK}$",
        re.IGNORECASE,
    ),
)


def _parse_english(text: str) -> datetime | None:
    """A date in a common English spelling; None when the text is not one (or not a date)."""
    for pattern in _ENGLISH_DATE_RES:
        m = pattern.match(text)
        if m is None:
            continue
        month = _MONTH_NUMBERS.get(m.group("month").lower())
        if month is None:
            return None
        hour = minute = 0
        if m.group("hour") is not None:
            hour, minute = int(m.group("hour")), int(m.group("minute"))
            half = (m.group("half") or "").lower()
            if half and not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if half == "p" else 0) if half else hour
        try:
            return datetime(int(m.group("year")), month, int(m.group("day")), hour, minute)
        except ValueError:
            return None
    return None


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _parse_any(text: str, languages: Sequence[str] | None) -> datetime | None:
    return _parse_cached(text, tuple(languages) if languages else None)


# Absolute dates only (no clock in the settings), so a parse can be reused: pages of one site
# print the same date strings again and again, and dateparser is normalize's largest cost.
@lru_cache(maxsize=1 << 15)
def _parse_cached(text: str, languages: tuple[str, ...] | None) -> datetime | None:
    if _ISO_RE.match(text):
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return None
    dotted = _DOTTED_RE.match(text)
    if dotted:
        day, month, year = (int(group) for group in dotted.groups())
        try:
            return datetime(year, month, day)
        except ValueError:
            return None
    if languages is None or "en" in languages:
        english = _parse_english(text)
        if english is not None:
            return english
    langs = list(languages) if languages else None
    parsed = dateparser.parse(text, languages=langs, settings=_DATEPARSER_SETTINGS)
    if parsed is None:
        # Times in local notations ("kl. 09.01", "à 10h30") defeat dateparser; the date
        # before them is still worth having.
        year = _YEAR_RE.search(text)
        if year and year.end() < len(text):
            parsed = dateparser.parse(
                text[: year.end()], languages=langs, settings=_DATEPARSER_SETTINGS
            )
    return parsed


def parse_date(
    text: str | None,
    *,
    languages: Sequence[str] | None = None,
    not_after: datetime | None = None,
) -> datetime | None:
    """A date string in any format or language -> UTC datetime; None if unparseable or too late."""
    if not text:
        return None
    text = " ".join(text.split()).strip(" ,.|:-")
    # A full date has a day and a year in digits; rejecting the rest early spares dateparser's
    # slowest path (trying every language on a string that cannot parse).
    if not text or len(text) > _MAX_DATE_CHARS or len(_NUMBER_RE.findall(text)) < 2:
        return None
    parsed = _parse_any(text, languages)
    if parsed is None:
        return None
    parsed = _as_utc(parsed)
    if not_after is not None and parsed > _as_utc(not_after):
        return None
    return parsed


_DATE_LABEL_RE = re.compile(
    r"^(?:(?P<updated>(?:last\s+)?(?:updated|modified|revised|edited)|uppdaterad|"
    r"aktualisiert|actualizado|mis\s+à\s+jour|aggiornato|bijgewerkt|oppdatert|opdateret)"
    r"|(?P<published>published|posted|publicerad|publiziert|veröffentlicht|publicado|"
    r"publié|pubblicato|gepubliceerd|publisert|date|dated))"
    # "Posted by Peter Bell on August 21, 2019": skip the byline between label and date.
    r"(?:\s+date)?(?:\s+by\s+.{1,60}?(?=\s+(?:on|at)\s))?(?:\s+(?:on|at|am|le|el|il|den))?"
    r"\s*[:\-–—]?\s*",
    re.IGNORECASE,
)


def parse_date_line(
    line: str,
    *,
    languages: Sequence[str] | None = None,
    not_after: datetime | None = None,
) -> tuple[str, datetime] | None:
    """("updated" | "published", UTC datetime) from a labelled or bare date line; None if none."""
    kind, text = split_date_line(line)
    parsed = parse_date(text, languages=languages, not_after=not_after)
    return (kind, parsed) if parsed else None


def split_date_line(line: str) -> tuple[str, str]:
    """A date line's kind ("updated" or "published", from its label) and its text after the
    label."""
    text = " ".join(line.split())
    label = _DATE_LABEL_RE.match(text)
    return _label_kind(label), text[label.end() :] if label else text


def _label_kind(label: re.Match[str] | None) -> str:
    """The kind of date a _DATE_LABEL_RE match (or no label) announces."""
    return "updated" if label and label.group("updated") else "published"


# Month names and their abbreviations in English and Swedish, as dumps print them in dates
# (a byline's trailing date is cut on English names alone, _MONTH_NAME).
_DATE_MONTHS = (
    r"(?:jan(?:uary|uari)?|feb(?:ruary|ruari)?|mar(?:ch)?|mars|apr(?:il)?|may|maj|june?|juni|"
    r"july?|juli|aug(?:ust|usti)?|sep(?:t(?:ember)?)?|oct(?:ober)?|okt(?:ober)?|nov(?:ember)?|"
    r"dec(?:ember)?)\.?"
)
# A full date with its month named or in ISO form: "May 22, 2025", "1st of June 2024",
# "13 juli 2024", "2024-07-13". The patterns built on it add numeric dates their own way.
FULL_DATE = (
    rf"{_DATE_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?{_DATE_MONTHS},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}"
)
# A full date inside a longer line: "by Whova | Apr 21, 2025", "[Submitted on 18 Dec 2025]",
# "Contributor, TechHive Jul 24, 2025 9:00 am PDT"; numeric ones with a four-digit year.
_DATE_WITHIN_RE = re.compile(
    rf"\b(?:{FULL_DATE}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}})(?!\d)", re.IGNORECASE
)
_UPDATE_WORD_RE = re.compile(r"\b(?:updated|modified|revised)\b", re.IGNORECASE)


def date_within(text: str) -> tuple[str, str] | None:
    """(kind, the date's text) of the first full date printed inside a line; None if none.

    The kind is "updated" when an update word stands before the date ("David Hartshorne •
    Updated on Jul 4, 2024"), else "published". Only the day is kept: the words around the
    date would make a time beside it ambiguous.
    """
    match = _DATE_WITHIN_RE.search(text)
    if match is None:
        return None
    kind = "updated" if _UPDATE_WORD_RE.search(text, 0, match.start()) else "published"
    return kind, match.group()


# --- sites and language -----------------------------------------------------------------


def site_from_url(url: str | None) -> str | None:
    """Registered domain of a URL without "www." (e.g. "npr.org"); None when there is no host."""
    if not url:
        return None
    if "://" not in url:
        url = "http://" + url
    domain = get_fld(url, fail_silently=True)
    if domain:
        return domain.lower()
    # IP addresses, "localhost" and unknown suffixes have no registered domain.
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


_LANGUAGE_SAMPLE_CHARS = 2000
_MIN_LANGUAGE_LETTERS = 20


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language; None when it has too few letters to tell."""
    return identify_language(text)[0]


def identify_language(text: str) -> tuple[str | None, float | None]:
    """(ISO 639-1 code, probability 0-1) of the text's language; (None, None) if too short."""
    sample = text[:_LANGUAGE_SAMPLE_CHARS]
    if not _has_letters(sample, _MIN_LANGUAGE_LETTERS):
        return None, None
    language, probability = _language_identifier().classify(sample)
    return language, round(float(probability), 4)


def _has_letters(text: str, least: int) -> bool:
    """True when text holds at least `least` letters; stops reading once it has seen them."""
    letters = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if letters >= least:
                return True
    return False


@functools.cache
def _language_identifier() -> LanguageIdentifier:
    """py3langid's shipped model with normalised probabilities, loaded once per process."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
