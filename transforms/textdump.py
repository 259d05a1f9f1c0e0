"""Clean plain-text dumps of news pages (one block per line) into title, body and side fields."""

from __future__ import annotations

import json
import math
import operator
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import chain, pairwise

import justext
import numpy as np

from transforms.metadata import FULL_DATE, names_a_role, parse_authors

__all__ = ["DumpParts", "clean_text_dump"]


@dataclass(slots=True)
class DumpParts:
    """What a text dump holds once the site chrome is taken out."""

    title: str | None = None
    subtitle: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    attributions: list[str] = field(default_factory=list)
    site_lines: list[str] = field(default_factory=list)
    page_date: str | None = None
    byline: str | None = None
    date_lines: list[str] = field(default_factory=list)
    # Short lines right under the headline that print a date among other words
    # ("March 15, 2022 · 3 min read · By ASU Online").
    dated_lines: list[str] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    # How sure the line model is of its keep/drop calls inside the body span, 0 to 1.
    quality: float = 0.0


# ISO 639-1 codes of the languages jusText ships stoplists for.
_ISO_TO_JUSTEXT = {
    "af": "Afrikaans",
    "sq": "Albanian",
    "ar": "Arabic",
    "an": "Aragonese",
    "hy": "Armenian",
    "az": "Azerbaijani",
    "eu": "Basque",
    "be": "Belarusian",
    "bn": "Bengali",
    "bs": "Bosnian",
    "br": "Breton",
    "bg": "Bulgarian",
    "ca": "Catalan",
    "cv": "Chuvash",
    "hr": "Croatian",
    "cs": "Czech",
    "da": "Danish",
    "nl": "Dutch",
    "en": "English",
    "eo": "Esperanto",
    "et": "Estonian",
    "fi": "Finnish",
    "fr": "French",
    "gl": "Galician",
    "ka": "Georgian",
    "de": "German",
    "el": "Greek",
    "gu": "Gujarati",
    "ht": "Haitian",
    "he": "Hebrew",
    "hi": "Hindi",
    "hu": "Hungarian",
    "is": "Icelandic",
    "io": "Ido",
    "ig": "Igbo",
    "id": "Indonesian",
    "ga": "Irish",
    "it": "Italian",
    "jv": "Javanese",
    "kn": "Kannada",
    "kk": "Kazakh",
    "ko": "Korean",
    "ku": "Kurdish",
    "ky": "Kyrgyz",
    "la": "Latin",
    "lv": "Latvian",
    "lt": "Lithuanian",
    "lb": "Luxembourgish",
    "mk": "Macedonian",
    "ms": "Malay",
    "ml": "Malayalam",
    "mt": "Maltese",
    "mr": "Marathi",
    "ne": "Nepali",
    "nb": "Norwegian_Bokmal",
    "no": "Norwegian_Bokmal",
    "nn": "Norwegian_Nynorsk",
    "oc": "Occitan",
    "fa": "Persian",
    "pl": "Polish",
    "pt": "Portuguese",
    "qu": "Quechua",
    "ro": "Romanian",
    "ru": "Russian",
    "sr": "Serbian",
    "sh": "Serbo_Croatian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "es": "Spanish",
    "su": "Sundanese",
    "sw": "Swahili",
    "sv": "Swedish",
    "tl": "Tagalog",
    "ta": "Tamil",
    "te": "Telugu",
    "tr": "Turkish",
    "tk": "Turkmen",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "uz": "Uzbek",
    "vi": "Vietnamese",
    "vo": "Volapuk",
    "wa": "Walloon",
    "cy": "Welsh",
    "fy": "West_Frisian",
    "yo": "Yoruba",
}
_STOPLISTS: dict[str, frozenset[str]] = {
    name: frozenset(justext.get_stoplist(name)) for name in sorted(set(_ISO_TO_JUSTEXT.values()))
}
# Inverted index so guessing the language costs one dict lookup per word, not one per language.
_LANGS_OF_WORD: dict[str, list[str]] = {}
for _name, _words in _STOPLISTS.items():
    for _w in _words:
        _LANGS_OF_WORD.setdefault(_w, []).append(_name)
del _name, _words, _w

_WORD_RE = re.compile(r"\w+(?:['’]\w+)*")

_DATE_RE = re.compile(rf"\b(?:{FULL_DATE}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}})\b", re.IGNORECASE)
# What may sit around a date on a dateline: weekday, time, "Published", "Updated", separators.
_DATE_FILLER_RE = re.compile(
    r"\b(?:published|updated|posted|last|modified|on|at|am|pm|a\.m\.|p\.m\.|gmt|utc|[a-z]{2,4}t|"
    r"publicerad|uppdaterad|kl|mon|tue|wed|thu|fri|sat|sun|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d{1,2}[:.]\d{2}|\d+\s+min(?:ute)?s?\s+read|read)\b"
    r"|[|•·,:\-–—/()]",
    re.IGNORECASE,
)
_BYLINE_RE = re.compile(
    r"^(?:(?:written|posted|reported)\s+by|by|av|von|par|por|door|di|author:?|text:)\s+"
    r"[A-ZÀ-ÞÅÄÖ][\w.'’-]*"
    # "Written by:Elise Nass": the space after the colon lost.
    r"|^(?:written|posted|reported)\s+by:\s*[A-ZÀ-ÞÅÄÖ]"
    # "ByNina Pineda": the space lost with the markup around the name.
    r"|^(?-i:By[A-ZÀ-Þ][a-zà-ÿ])",
    re.IGNORECASE,
)
# A reading time, printed among the article's furniture like its date ("9 min read").
_READ_TIME_RE = re.compile(r"^(?:\d+|--)\s*min(?:ute)?s?(?:\s+read)?$", re.IGNORECASE)
# "By" and a capitalised name inside a line.
_BY_WITHIN_RE = re.compile(r"\b[Bb]y:?\s+(?=[A-ZÀ-Þ])")
# What separates a name from the date printed on its line: "Zach Lezberg | May 22, 2025".
_BESIDE_DATE_SPLIT_RE = re.compile(r"\s*[|•·⋅—–]\s*|\s+-\s+|\s{2,}")
# Words before a "by" that name someone other than the author.
_NOT_AUTHOR_BY = ("reviewed", "checked", "edited")
# A line that only announces the byline printed on the next line ("By" / "Jane Doe").
_BARE_BY_NORMS = frozenset(
    {"by", "written by", "posted by", "author", "authors", "av", "von", "par", "por", "door"}
)
_CREDIT_WORDS = (
    r"photo|foto|bild|image|picture|credit|courtesy|getty|reuters|afp|\bap\b|epa|shutterstock|"
    r"wikimedia|cc[ -]by|via|illustration|file|pool|press|agency|istock|alamy|unsplash|tt\b"
)
# A caption ends with the photo credit in parentheses or brackets, or with a "Credit:" tail.
_CAPTION_TAIL_RE = re.compile(
    rf"(?:\((?P<paren>[^()]*(?:{_CREDIT_WORDS})[^()]*)\)|\[(?P<brack>[^\[\]]*(?:{_CREDIT_WORDS}|/)[^\[\]]*)\])\s*$"
    rf"|(?:^|[.!?]\s+|\s)(?:photo(?:graph)?(?:\s+credit)?|credit|image(?:\s+credit)?|picture|foto|bild|source)\s*:\s*(?P<tail>[^.:]{{2,80}})$",
    re.IGNORECASE,
)
# A dateline credit such as "(CNN)" or "WASHINGTON (Reuters) -" opening the first paragraph.
_DATELINE_RE = re.compile(
    r"^(?P<place>(?:[A-ZÀ-Þ][A-ZÀ-Þ.'’-]+[ ,]+){0,4}(?:[A-Z][a-z]{2,8}\.? \d{1,2},? )?)"
    r"(?P<credit>\((?:[A-Z][\w&.]*)(?: [A-Z][\w&.]*){0,3}\))\s*[-—–:]?\s+(?=[A-Z“\"‘'])"
)
_ATTRIBUTION_RE = re.compile(
    r"(?:sources?|källa|källor|quelle|fuente|fonte)\s*:\s*\S"
    r"|(?:additional reporting|reporting|editing|writing|compiled)\s+by\b"
    r"|\((?:with|additional reporting by|reporting by)\b",
    re.IGNORECASE,
)
# Link-like lines that point away from the article ("READ ALSO: ...", "See also ...").
_CROSSLINK_RE = re.compile(
    r"^(?:[A-ZÅÄÖ]{2,}(?:\s+[A-ZÅÄÖ]{2,}){0,3}\s*[:|»>]"
    r"|(?i:(?:see|read|watch|listen)\s+(?:also|more|next|this)\b"
    r"|(?:also read|related(?: articles?| stories| posts?| reading)?|more from|recommended|"
    r"läs (?:också|även|mer)|se även)\s*[:|»>]?))"
)
# Wording that only site chrome uses; a short line carrying it is never article text.
_CHROME_RE = re.compile(
    r"\b(?:skip to|jump to|share (?:this|on|via)|share$|^share\b|tweet|pinterest|whatsapp|"
    r"facebook|linkedin|instagram|youtube|subscribe|newsletter|sign (?:in|up)|log ?in|log out|"
    r"register|cookies?|privacy|terms of (?:use|service)|all rights reserved|copyright|"
    r"advertisement|advertis(?:e|ing) with|sponsored|most (?:popular|read|viewed)|trending|"
    r"comments?|reply|follow us|contact us|about us|menu|search|home|print|email|"
    r"loading|click here|read more|view (?:all|more)|load more|back to top|next article|"
    r"previous article|tags?:|categor(?:y|ies)|permalink|toggle|close|donate|download the app|"
    r"you (?:may|might) also like|reader interactions|leave a (?:comment|reply))\b"
    r"|©"
    # A comment's header: "Jane Doe says" / "Jane Doe said:".
    r"|^[\w.'’-]+(?: [\w.'’-]+){0,3} (?:says|said|wrote):?$",
    re.IGNORECASE,
)
_PROMO_RE = re.compile(
    r"\b(?:subscribe|newsletter|sign up|follow us|download (?:our|the) app|support our|"
    r"become a (?:member|subscriber)|prenumerera)\b",
    re.IGNORECASE,
)
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif")
_GLUED_QUOTE_RE = re.compile(r"([”»])(?=[^\W\d_])")
_SPLIT_CANDIDATE_RE = re.compile(r"\b[A-ZÀ-Þ][a-zà-ÿ]+[a-zà-ÿ]{2,}\b")


_HAS_DIGIT = re.compile(r"\d").search
# Line labels remembered across pages: menus, share buttons and footers recur on every page
# of a site, and a third of the dev set's lines repeat an earlier one.
_LABEL_CACHE = 1 << 15
# Lines of up to this many words are remembered; longer ones are labelled afresh.
_CACHED_LABEL_WORDS = 25
_CREDIT_PREFIX_RE = re.compile(r"^(?:photo|foto|bild|image|credit|picture)s?\s*:\s*", re.IGNORECASE)

# Labels of lines that are chrome wherever they stand; they never enter the body.
_HARD_LABELS = frozenset({"filename", "crosslink", "promo", "chrome", "caption", "alt"})
_META_LABELS = frozenset({"date", "byline", "caption", "alt"})
# Labels a headline never carries.
_TITLE_SKIP = frozenset({"date", "byline", "caption", "filename", "alt"})
# Page debris a headline never is: an image's alt text ("MIT Sloan logo"), a category line
# ("Published in Design, Layout"), a menu whose items lost their breaks ("•Plans•Shoes•").
_NOT_TITLE_RE = re.compile(r"(?i:\blogo$|^published in\b)|•.*•")
# A line of these words alone is a menu ("Home Blog About"), not a headline.
_NAV_WORD = (
    "(?:home|blog|about|contact|menu|search|news|shop|login|log|in|sign|up|subscribe|archives?"
    "|now|projects|services|portfolio|resources|pricing|careers|faq|help|support|us|more"
    "|categories|tags|posts|articles|newsletter|podcast|events|work|team)"
)
_NAV_LINE_RE = re.compile(rf"{_NAV_WORD}(?: {_NAV_WORD})+")
# Title candidates: lines this far above and below the first body line.
_TITLE_ABOVE = 60
_TITLE_BELOW = 120
# Title cues (the last of each candidate's features) also compared with the page's best.
_RELATIVE = 5

# Lines below a headline searched for its byline or date, and the longest byline read there.
_CUE_REACH = 6
_CUE_MAX_WORDS = 16

# The densest run of text-like lines (a feature of the line model): a line earns
# (density - _MIN_DENSITY) per character, pays _LINE_COST, and chrome pays _CHROME_COST.
_MIN_DENSITY = 0.15
_LINE_COST = 10.0
_CHROME_COST = 60.0
_MAX_LEN = 1000
_SENTENCE_BONUS = 10.0
_HEADER_WINDOW = 15
# Lines between a date and the headline below it for the date to be the article's own.
_BYLINE_DATE_REACH = 3
# Lines either side of the headline searched for a bare author name beside a date.
_BYLINE_BLOCK_REACH = 6
# A name word printed more often than this on the page apart from the name is the page's
# topic, not a byline.
_MAX_NAME_WORD_COUNT = 3
_FOOTER_WINDOW = 6
# Lines below a page-title line searched for the headline printed whole.
_TITLE_REPEAT_REACH = 4
# Lines under the headline read for a date printed among other words, and their longest.
_DATED_LINE_REACH = 3
_DATED_LINE_WORDS = 25
# A run of at least this many dropped lines between kept ones, none labelled nor scored at
# or below _GAP_MIN_LOGIT, is kept whole (a list or a table inside the story).
_GAP_MIN_LINES = 4
_GAP_MIN_LOGIT = -2.5

# The line model: boosted trees over _body_features in transforms/data/, written with the
# weights below.
_LINE_MODEL = "textdump_lines.json"
# Rows sent through the trees at once: bounds the node matrix (trees by rows) to a few MB.
_FOREST_ROWS = 4096

# BEGIN WEIGHTS: written by bench/train_textdump.py from the dev set; do not edit by hand.
# fmt: off
_SMOOTH_WEIGHTS = (
    0.0501, 0.6279, 0.0166, 0.0201, 0.0288, 0.0390, 0.2905, 0.0194,
)
_TITLE_WEIGHTS = (
    0.0000, -1.4678, -2.5048, -1.1837, 2.5017, 4.3480, 4.3187, -1.1068,
    0.0857, -0.2587, -5.2667, -2.9664, -0.5008, -1.7496, 1.0766, 0.8729,
    0.8880, -2.3344, 1.6227, -1.8577, 1.0932, -3.7324, -1.1109, -1.6229,
    -1.8215, -1.8632, 2.3519, 1.2729, 3.0913, -0.3152, 0.1513, -0.8998,
    -0.4617, 0.9948, 0.4737, -3.9439, 0.1889, 8.3792, -1.6230, -0.2175,
    1.9543, 2.0714, 1.8687, 0.6928, -1.3967, 3.1440, 0.7960, -0.9336,
    3.3469, 1.0623, 4.1039, 3.5389, 1.4317, 0.5748, -0.8488, -0.4083,
    -1.4353, -0.0966, -0.9730,
)
# fmt: on
# END WEIGHTS


class Forest:
    """A boosted tree ensemble's summed log-odds, with every row sent through every tree at once.

    The spec holds, per tree, parallel node lists: the feature tested, the threshold (a row
    goes left when its value is at most that), the left and right child (-1 at a leaf) and
    the leaf value; `base` is the log-odds before the first tree. Trees are kept shallowest
    first, so each step down moves only the trees that still have a level below it.
    """

    __slots__ = ("base", "children", "feature", "roots", "steps", "threshold", "value")

    def __init__(self, spec: dict) -> None:
        by_depth = sorted((_tree_depth(t), k) for k, t in enumerate(spec["trees"]))
        trees = [spec["trees"][k] for _, k in by_depth]
        self.base = float(spec["base"])
        roots, feature, threshold, children, value = [], [], [], [], []
        for t in trees:
            root = len(value)
            roots.append(root)
            for k, (lo, hi) in enumerate(zip(t["left"], t["right"], strict=True)):
                # A leaf sends every row to itself, however many steps the deeper trees take.
                leaf = lo < 0
                children += (root + k, root + k) if leaf else (root + lo, root + hi)
                threshold.append(math.inf if leaf else t["threshold"][k])
                feature.append(0 if leaf else t["feature"][k])
            value += t["value"]
        # 32-bit indices: half the memory traffic of the gathers below, which are the cost.
        self.roots = np.array(roots, dtype=np.int32)
        self.feature = np.array(feature, dtype=np.int32)
        self.threshold = np.array(threshold, dtype=float)
        self.children = np.array(children, dtype=np.int32)
        self.value = np.array(value, dtype=float)
        # Before step d, the trees from steps[d] on still have a split to take.
        depths = [depth for depth, _ in by_depth]
        self.steps = [next(k for k, d in enumerate(depths) if d > s) for s in range(depths[-1])]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Log-odds for each row of x (rows by features)."""
        if len(x) > _FOREST_ROWS:
            # A node index per tree and row: a page of a million lines goes in slices.
            slices = range(0, len(x), _FOREST_ROWS)
            return np.concatenate([self(x[k : k + _FOREST_ROWS]) for k in slices])
        n = len(x)
        columns = np.ascontiguousarray(x.T).ravel()
        rows = np.arange(n, dtype=np.int32)
        at_feature = self.feature * np.int32(n)
        # One row of nodes per tree, one column per row of x.
        node = np.repeat(self.roots[:, None], n, axis=1)
        for first in self.steps:
            at = node[first:]
            index = at_feature.take(at)
            index += rows
            right = columns.take(index) > self.threshold.take(at)
            at = at + at
            at += right
            node[first:] = self.children.take(at)
        return self.base + self.value.take(node).sum(axis=0)


def _tree_depth(tree: dict) -> int:
    """Splits on the longest path from the root of a tree in Forest's spec to a leaf."""
    left, right = tree["left"], tree["right"]
    depth, level = 0, [0]
    while True:
        level = [c for k in level if left[k] >= 0 for c in (left[k], right[k])]
        if not level:
            return depth
        depth += 1


def _read_line_model() -> Forest:
    """The line model shipped in transforms/data/."""
    text = resources.files("transforms").joinpath("data", _LINE_MODEL).read_text(encoding="utf-8")
    return Forest(json.loads(text))


_BODY_FOREST = _read_line_model()


@dataclass(slots=True)
class _Line:
    text: str
    gap_before: bool
    words: list[str]
    norm: str
    stop_density: float = 0.0
    label: str = ""


def _split_lines(text: str) -> list[tuple[str, bool]]:
    """Non-blank lines with whitespace collapsed, each flagged when a blank line precedes it."""
    out: list[tuple[str, bool]] = []
    gap = True
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            gap = True
            continue
        if out and _is_wrapped(out[-1][0], line):
            out[-1] = (f"{out[-1][0]} {line}", out[-1][1])
        else:
            out.append((line, gap))
        gap = False
    return out


def _is_wrapped(prev: str, line: str) -> bool:
    """True when a line continues the sentence above it, as in hard-wrapped text."""
    if len(prev) < 40 or prev[-1] in ".!?:…" or _BYLINE_RE.match(line):
        return False
    # A wrapped paragraph's last line may be short, but it ends the sentence; a tag line does not.
    if len(line) < len(prev) / 2 and line[-1] not in '.!?"”':
        return False
    return line[0].islower() or (len(prev) >= 60 and prev[-1] in ",;")


def _pick_stoplist(lines: list[_Line], language: str | None) -> frozenset[str]:
    """Stoplist for an ISO 639-1 code, else the one covering most words of the longer lines."""
    if language:
        name = _ISO_TO_JUSTEXT.get(language.lower().replace("_", "-").split("-")[0])
        if name:
            return _STOPLISTS[name]
    sample: list[str] = []
    for line in lines:
        if len(line.words) < 8:
            continue
        sample.extend(line.words)
        if len(sample) > 150:
            break
    votes = Counter(chain.from_iterable(_LANGS_OF_WORD.get(word, ()) for word in sample))
    if not votes:
        return _STOPLISTS["English"]
    return _STOPLISTS[votes.most_common(1)[0][0]]


def _is_date_line(text: str) -> bool:
    if len(text) > 80 or not _DATE_RE.search(text):
        return False
    rest = _DATE_FILLER_RE.sub(" ", _DATE_RE.sub(" ", text))
    return len(_WORD_RE.findall(rest)) <= 2


def _caption_credit(text: str) -> str | None:
    """The photo credit a caption ends with, or None when the line carries none."""
    m = _CAPTION_TAIL_RE.search(text)
    if not m:
        return None
    credit = m.group("paren") or m.group("brack") or m.group("tail")
    # A credit names a source; a long parenthesis is an aside in the prose.
    if len(credit.split()) > 14:
        return None
    credit = _CREDIT_PREFIX_RE.sub("", credit.strip()).replace(" ,", ",")
    return " ".join(credit.split()) or None


def _label(line: _Line) -> str:
    """Name the kind of chrome a line is by its own wording, or "" when it may be article text."""
    n = len(line.words)
    # Paragraphs seldom recur, so only short lines are remembered; memory stays small.
    label_of = _label_of if n <= _CACHED_LABEL_WORDS else _label_of.__wrapped__
    return label_of(line.text, n)


@lru_cache(maxsize=_LABEL_CACHE)
def _label_of(text: str, n: int) -> str:
    """_label of a line's text and word count (a line's label depends on nothing else)."""
    last = text[-1]
    if n <= 8 and text.lower().endswith(_IMAGE_SUFFIXES):
        return "filename"
    if n <= 20 and (_ATTRIBUTION_RE.match(text) or "contributed to this" in text.lower()):
        return "attribution"
    if n <= 25 and last not in ".!?" and _CROSSLINK_RE.match(text):
        return "crosslink"
    if n <= 14 and _HAS_DIGIT(text) and _is_date_line(text):
        return "date"
    if n <= 8 and _BYLINE_RE.match(text):
        return "byline"
    if n <= 70 and (last in ")]" or ":" in text[-60:]) and _caption_credit(text):
        return "caption"
    if n <= 40 and _PROMO_RE.search(text):
        return "promo"
    if n <= 10 and _CHROME_RE.search(text):
        return "chrome"
    return ""


def _best_region(lines: list[_Line]) -> tuple[int, int]:
    """Densest run of text-like lines (maximum subarray over line scores), as [start, end)."""
    best, best_span = 0.0, (0, 0)
    run, start = 0.0, 0
    for i, line in enumerate(lines):
        if line.label in _HARD_LABELS:
            score = -_CHROME_COST
        else:
            score = min(len(line.text), _MAX_LEN) * (line.stop_density - _MIN_DENSITY) - _LINE_COST
            if line.text[-1] in '.!?"”':
                score += _SENTENCE_BONUS
        if run <= 0:
            run, start = 0.0, i
        run += score
        if run > best:
            best, best_span = run, (start, i + 1)
    return best_span


_BODY_LABELS = (
    "filename",
    "crosslink",
    "promo",
    "chrome",
    "caption",
    "alt",
    "date",
    "byline",
    "attribution",
)
_LABEL_ONE_HOT = {k: tuple(float(k == j) for j in _BODY_LABELS) for k in ("", *_BODY_LABELS)}
_CAP_WORD_RE = re.compile(r"(?:^|\s)[A-ZÀ-ÖØ-ÞА-ЯЁΑ-Ω]")
_LIST_ITEM_RE = re.compile(r"^(?:\d{1,2}[.):]|[•▪◦·*–-])\s")
# Characters of breadcrumbs and paths ("News › World", "/sport/").
_PATH_CHAR_RE = re.compile(r"[|›»/]")
# The header of a comment section ("12 Comments", "Leave a Reply", "5 thoughts on “…”").
_COMMENTS_HEAD_RE = re.compile(
    r"^(?:\d+\s+)?(?:(?:comments?|responses?|replies|thoughts)(?:\s+(?:on|to)\b.*)?|"
    r"leave a (?:reply|comment)|post a comment|add a comment|"
    r"join the (?:discussion|conversation)|discussion|reader comments)\s*(?:\(\d+\))?:?$",
    re.IGNORECASE,
)
# The header of what a site prints after its articles: the author's box, related stories.
_TAIL_HEAD_RE = re.compile(
    r"^(?:about the authors?|author bio|meet the author|written by|"
    r"related(?: posts| articles| stories| content| reading)?|you (?:may|might) also like|"
    r"more (?:from|stories|articles|news)\b.*|recommended(?: for you| reading| articles)?|"
    r"read next|up next|popular (?:posts|articles|stories)|latest (?:posts|articles|news|stories))"
    r"\s*:?$",
    re.IGNORECASE,
)
# A line of more words than this is text, not one of the section headers above.
_HEAD_MAX_WORDS = 12
# Separators that join a headline to a site name or section in a page-title or breadcrumb line.
_TITLE_SPLIT_RE = re.compile(r"\s+[|–—>-]\s+|\s*[›»]\s*|\s+::\s+|\s+/\s*|(?<=\w)/(?=[A-Z])")

# Every separator _TITLE_SPLIT_RE finds holds one of these characters; most lines have none.
_SEPARATOR_CHAR_RE = re.compile(r"[|–—>\-›»:/]")
# Texts whose separators are remembered: a page's candidate lines are cut, then each is
# asked again whether it is joined; menus and site titles recur from page to page.
_TITLE_CUTS_CACHE = 4096
# Logit of the lines beyond either end of the page: the first line has a "chrome" neighbour.
_EDGE_LOGIT = -4.0


def _body_features(
    lines: list[_Line], counts: Counter[str], region: tuple[int, int]
) -> list[list[float]]:
    """Per line: its shape, wording and place, with the shape of the lines either side."""
    n = len(lines)
    start, end = region
    own = []
    in_comments = in_tail = False
    for i, line in enumerate(lines):
        text = line.text
        nw = len(line.words)
        # Below a comment section's header, prose is readers', not the article's; below an
        # author box or a related-stories header, it is the site's. Headers above the densest
        # run do not count: a comment count beside the headline opens no section.
        if i >= start:
            in_comments = in_comments or _opens_comments(line)
            in_tail = in_tail or _opens_tail(line)
        lw = math.log1p(nw)
        sd = line.stop_density
        last = text[-1]
        # The opening words are enough to tell a name list or a table row from prose.
        opening = text[:240]
        caps = len(_CAP_WORD_RE.findall(opening)) / (opening.count(" ") + 1)
        head = line.words[:40]
        digits = sum(map(str.isdigit, head)) / len(head) if head else 0.0
        label = line.label
        own.append(
            [
                1.0,
                lw,
                math.log1p(len(text)) / 2,
                sd,
                sd * lw,
                float(last in '.!?"”'),
                float(last == ":"),
                float(last.isalnum()),
                caps,
                digits,
                *_LABEL_ONE_HOT[label],
                float(counts[line.norm] > 1),
                i / n,
                float(start <= i < end),
                float(start <= i < end and nw >= 8 and sd >= 0.2),
                float(bool(_LIST_ITEM_RE.match(text))),
                float(nw <= 3),
                float(nw <= 8 and _PATH_CHAR_RE.search(text) is not None),
                float(text.isupper()),
                text.count(",") / (nw + 1),
                float(in_comments),
                float(in_tail),
            ]
        )
    # The neighbours' shape: a short line between two paragraphs is a subheading, not chrome.
    ctx = [
        (f[3], f[1], f[5], float(bool(line.label)), f[21])
        for f, line in zip(own, lines, strict=True)
    ]
    pad = (0.0, 0.0, 0.0, 1.0, 0.0)
    return [
        [*f, *(ctx[i - 1] if i else pad), *(ctx[i + 1] if i + 1 < n else pad)]
        for i, f in enumerate(own)
    ]


def _dot(w: tuple[float, ...], f: list[float]) -> float:
    return sum(map(operator.mul, w, f))


def _smooth_inputs(z: np.ndarray) -> np.ndarray:
    """Per line, the smoothing model's inputs: its own log-odds and those of its neighbours."""
    pad = np.concatenate([np.full(5, _EDGE_LOGIT), z, np.full(5, _EDGE_LOGIT)])
    n = len(z)
    prev, nxt = pad[4 : 4 + n], pad[6 : 6 + n]
    window = sum(pad[d : d + n] for d in range(11)) / 11
    return np.column_stack(
        [np.ones(n), z, prev, nxt, pad[3 : 3 + n], pad[7 : 7 + n], window, np.maximum(prev, nxt)]
    )


def _body_logits(feats: list[list[float]]) -> list[float]:
    """Log-odds that each line is article text: a per-line model, smoothed by its neighbours'."""
    if not feats:
        return []
    z = _BODY_FOREST(np.array(feats, dtype=float))
    return (_smooth_inputs(z) @ np.array(_SMOOTH_WEIGHTS)).tolist()


def _is_prose(line: _Line) -> bool:
    """A sentence of a dozen words or more, closed and rich in stopwords."""
    return len(line.words) >= 12 and line.text[-1] in '.!?"”' and line.stop_density >= 0.3


def _body_span(lines: list[_Line], counts: Counter[str]) -> tuple[list[float], int, int]:
    """Each line's article-text log-odds, and the span [start, end) of the lines kept."""
    logits = _body_logits(_body_features(lines, counts, _best_region(lines)))
    # A line printed twice in a row is a headline shown by two templates, never a paragraph.
    twice = {i for i in range(1, len(lines)) if lines[i].norm == lines[i - 1].norm}
    for i in twice | {i - 1 for i in twice}:
        logits[i] = min(logits[i], -1.0)
    # The smoothing drags a story's last paragraph down with the chrome below it; a full
    # sentence right after kept text stays.
    for i in range(1, len(lines)):
        line = lines[i]
        if logits[i - 1] > 0 >= logits[i] and not line.label and _is_prose(line):
            logits[i] = 0.01
    kept = [i for i, z in enumerate(logits) if z > 0 and not lines[i].label]
    _fill_gaps(lines, logits, kept)
    return logits, *((kept[0], kept[-1] + 1) if kept else (0, 0))


def _opens_comments(line: _Line) -> bool:
    """The line is a comment section's header."""
    return len(line.words) <= _HEAD_MAX_WORDS and _COMMENTS_HEAD_RE.match(line.text) is not None


def _opens_tail(line: _Line) -> bool:
    """The line is the header of an author box or of related stories."""
    return len(line.words) <= _HEAD_MAX_WORDS and _TAIL_HEAD_RE.match(line.text) is not None


def _fill_gaps(lines: list[_Line], logits: list[float], kept: list[int]) -> None:
    """Keep a run of doubtful lines that kept text closes on both sides: a list or a table.

    Lines of a list or a table score low one by one (short, few stopwords, no end punctuation);
    between two kept paragraphs, a run of them is the article's own. A short run there is more
    often a promo or a label; a run holding chrome or a line the model is sure of stays out.
    """
    for a, b in pairwise(kept):
        run = range(a + 1, b)
        if len(run) < _GAP_MIN_LINES or any(lines[k].label for k in run):
            continue
        if min(logits[k] for k in run) <= _GAP_MIN_LOGIT:
            continue
        # A comment section's or an author box's header ends the article, whatever follows.
        if any(_opens_comments(lines[k]) or _opens_tail(lines[k]) for k in run):
            continue
        for k in run:
            logits[k] = max(logits[k], 0.01)


def _confidence(lines: list[_Line], logits: list[float], start: int, end: int) -> float:
    """Word-weighted certainty (0.5 to 1) of the keep/drop calls in [start, end); 0 if empty."""
    sure = total = 0.0
    for line, z in zip(lines[start:end], logits[start:end], strict=True):
        if line.label:
            continue
        words = len(line.words) + 1
        sure += words / (1.0 + math.exp(-min(abs(z), 30.0)))
        total += words
    return round(sure / total, 4) if total else 0.0


@lru_cache(maxsize=_TITLE_CUTS_CACHE)
def _title_cuts(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each headline separator in a line, left to right."""
    if not _SEPARATOR_CHAR_RE.search(text):
        return ()
    return tuple(m.span() for m in _TITLE_SPLIT_RE.finditer(text))


def _title_candidates(lines: list[_Line], start: int, end: int) -> list[tuple[int, str, int]]:
    """(line, text, kind): lines around the start of the body, and the parts of page-title lines.

    kind 0 is a whole line, 1 the text before a separator ("Headline | Site"), 2 the text after
    one ("Home › Section › Headline").
    """
    lo, hi = max(0, start - _TITLE_ABOVE), min(start + _TITLE_BELOW, len(lines))
    out = [(i, lines[i].text, 0) for i in range(lo, hi)]
    for i in sorted(set(range(min(8, len(lines)))) | set(range(lo, hi))):
        text = lines[i].text
        if len(text) > 300:
            continue
        cuts = _title_cuts(text)
        if not 1 <= len(cuts) <= 4:
            continue
        for cut_start, cut_end in cuts:
            out.append((i, text[:cut_start], 1))
            out.append((i, text[cut_end:], 2))
    return out


@dataclass(slots=True)
class _TitleContext:
    """What every title candidate of a page is compared with."""

    body_counts: Counter[str]
    vocab: Counter[str]
    lead: set[str]
    top_norms: list[str]
    ranks: dict[int, int]
    # The lines each word is printed on, to find the lines that quote a phrase.
    where: dict[str, list[int]]
    # prose[i]: closed sentences of a dozen words or more among the lines before line i.
    prose: list[int]
    # Each line's norm with a space either side, to find a phrase quoted whole in it.
    padded: list[str]
    # The lines each norm is printed on, to find a headline printed twice nearby.
    lines_of_norm: dict[str, list[int]]
    # The top lines' norms on one line each, to rule out most candidates in one search.
    top_text: str
    # meta[i], short[i]: date or byline lines, and short unclosed lines, before line i.
    meta: list[int]
    short: list[int]
    # cue[i]: article furniture (date, byline, a bare "By") before line i, read more loosely.
    cue: list[int]


def _title_context(lines: list[_Line], start: int, end: int) -> _TitleContext:
    """Body words and their counts, the lead's words, top lines, and rank above the body."""
    span = lines[start : min(end, start + 60)]
    body_counts = Counter(chain.from_iterable(line.words for line in span))
    lead = [line for line in lines[start:end] if _is_prose(line)][:3]
    ranks: dict[int, int] = {}
    for i in range(min(start, len(lines)) - 1, max(-1, start - 60), -1):
        line = lines[i]
        if not line.label and 2 <= len(line.words) <= 30:
            ranks[i] = len(ranks)
            if len(ranks) == 3:
                break
    prose, meta, short, cue = [0], [0], [0], [0]
    where: defaultdict[str, list[int]] = defaultdict(list)
    lines_of_norm: defaultdict[str, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        prose.append(prose[-1] + _is_prose(line))
        meta.append(meta[-1] + (line.label in ("date", "byline")))
        short.append(short[-1] + (len(line.words) <= 4 and line.text[-1] not in ".!?"))
        cue.append(cue[-1] + _is_credit_cue(line))
        for w in set(line.words):
            where[w].append(i)
        lines_of_norm[line.norm].append(i)
    top_norms = [line.norm for line in lines[:8]]
    return _TitleContext(
        body_counts=body_counts,
        vocab=Counter(chain.from_iterable(line.words for line in lines)),
        lead={w for line in lead for w in line.words},
        top_norms=top_norms,
        ranks=ranks,
        where=where,
        prose=prose,
        padded=[f" {line.norm} " for line in lines],
        lines_of_norm=lines_of_norm,
        top_text="\n".join(top_norms),
        meta=meta,
        short=short,
        cue=cue,
    )


def _is_credit_cue(line: _Line) -> bool:
    """A date, a byline, or a line a byline opens ("By", "Written by A, B and C")."""
    return (
        line.label in ("date", "byline")
        or line.norm == "by"
        or (len(line.words) <= _CUE_MAX_WORDS and bool(_BYLINE_RE.match(line.text)))
    )


def _neighbour_cues(
    lines: list[_Line], i: int, context: _TitleContext
) -> tuple[bool, bool, bool, float, bool, bool]:
    """Cues of the lines around line i, the same for every candidate cut from it.

    (a date or byline below, one above, prose soon below, share of short lines around,
    a standfirst right below, a byline or date within _CUE_REACH lines below). The last also
    reads a bare "By" over the author's name, and "Written by" lines naming several authors.
    """
    n_lines = len(lines)
    meta, prose = context.meta, context.prose
    near_meta = meta[min(n_lines, i + 4)] > meta[i + 1]
    prev_meta = meta[i] > meta[max(0, i - 3)]
    prose_soon = prose[min(n_lines, i + 4)] > prose[i + 1]
    # Menus and link lists are runs of short lines; a headline stands among longer ones.
    lo, hi = max(0, i - 3), min(n_lines, i + 4)
    short = context.short[hi] - context.short[lo]
    following = lines[i + 1] if i + 1 < n_lines else None
    standfirst = (
        following is not None
        and not following.label
        and 8 <= len(following.words) <= 45
        and following.text[-1] in ".!?"
    )
    cue = context.cue
    credit_below = cue[min(n_lines, i + 1 + _CUE_REACH)] > cue[i + 1]
    return near_meta, prev_meta, prose_soon, short / (hi - lo), standfirst, credit_below


def _title_features(
    lines: list[_Line],
    cand: tuple[int, str, int],
    start: int,
    counts: Counter[str],
    stop: frozenset[str],
    logits: list[float],
    context: _TitleContext,
    neighbours: tuple[bool, bool, bool, float, bool, bool],
) -> list[float]:
    """Cues that a candidate is the headline: position, shape, repetition, overlap with the body."""
    top_norms, ranks = context.top_norms, context.ranks
    i, text, kind = cand
    line = lines[i]
    words = _WORD_RE.findall(text.lower()) if kind else line.words
    norm = " ".join(words) if kind else line.norm
    n = len(words)
    dist = start - i
    content = [w for w in words if w not in stop and len(w) > 2]
    body_counts, vocab, lead_words = context.body_counts, context.vocab, context.lead
    # Sums over the content words for overlap, freq, lead and echo, in one pass.
    in_body = freq_sum = in_lead = echo_sum = 0
    for w in content:
        in_body += w in body_counts
        freq_sum += min(body_counts[w], 4)
        in_lead += w in lead_words
        echo_sum += min(vocab[w] - 1, 8)
    n_content = len(content)
    overlap = in_body / n_content if content else 0.0
    tokens = text.split()
    caps = sum(t[:1].isupper() for t in tokens) / len(tokens)
    near_meta, prev_meta, prose_soon, short_share, standfirst, credit_below = neighbours
    # The <title> line often leads the dump as "Headline | Site"; the headline repeats it.
    in_top = page_title = False
    if norm in context.top_text:
        in_top = any(k != i and t != norm and norm in t for k, t in enumerate(top_norms))
        page_title = any(
            k != i and len(t) > len(norm) and t.startswith(norm) for k, t in enumerate(top_norms)
        )
    last = text[-1]
    z = logits[i]
    z_next = logits[i + 1] if i + 1 < len(logits) else _EDGE_LOGIT
    # A headline is quoted again in breadcrumbs, share links and "N thoughts on ..." lines;
    # a one-word menu item is quoted everywhere, so only phrases count.
    quoted = quoted_end = 0
    if n >= 2:
        phrase = f" {norm} "
        padded = context.padded
        for j in min((context.where.get(w, []) for w in words), key=len):
            other = padded[j]
            if j != i and other != phrase and phrase in other:
                quoted += 1
                quoted_end += other.endswith(phrase)
    freq = freq_sum / (4 * n_content) if content else 0.0
    lead = in_lead / n_content if content else 0.0
    long_words = [t for t in tokens[1:] if len(t) > 3]
    title_case = sum(t[:1].isupper() for t in long_words) / len(long_words) if long_words else 0.0
    prose_before = context.prose[i] - context.prose[min(start, i)]
    # How often the page repeats the candidate's words beyond the candidate itself.
    echo = echo_sum / (8 * n_content) if content else 0.0
    # Two templates often print the headline twice, a few lines apart.
    twin = any(j != i and -8 <= j - i <= 8 for j in context.lines_of_norm.get(norm, ()))
    joined = bool(_title_cuts(text))
    name_like = 2 <= n <= 4 and not any(w in stop or w.isdigit() for w in words) and caps == 1.0
    return [
        1.0,
        min(max(dist, 0), 40) / 10,
        float(dist <= 0),
        float(dist == 1),
        float(n <= 2),
        float(3 <= n <= 7),
        float(8 <= n <= 20),
        float(counts[norm] > 1),
        sum(w in stop for w in words) / n,
        float(last in "?!"),
        float(last == "."),
        float(last == ":"),
        float(line.label == "chrome"),
        float(line.label == "crosslink"),
        caps,
        float(near_meta),
        float(prev_meta),
        float(page_title),
        float(in_top),
        float(text.isupper()),
        float(text[:1].isdigit()),
        float(bool(_LIST_ITEM_RE.match(text))),
        float(kind == 1),
        float(kind == 2),
        float(kind == 0 and i < 8 and joined),
        max(-8.0, min(8.0, z)) / 4,
        max(-8.0, min(8.0, z_next)) / 4,
        i / len(lines),
        float(kind > 0 and counts[norm] > 0),
        min(max(-dist, 0), 40) / 10,
        *(float(ranks.get(i, -1) == r) for r in (0, 1, 2)),
        float(quoted_end > 0),
        title_case,
        math.log1p(prose_before) / 2,
        float(prose_before == 0),
        math.log1p(n) / 3,
        float(line.label == "promo"),
        float(line.label == "attribution"),
        float(dist > 25),
        float(-dist > 40),
        float(twin),
        float(prose_soon),
        # A breadcrumb's or page title's parts, still joined: "Blog > Headline".
        float(joined),
        short_share,
        float(standfirst),
        float(name_like),
        float(credit_below),
        # Compared across the page's candidates by _title_rows: keep these _RELATIVE last.
        overlap,
        freq,
        lead,
        echo,
        min(quoted, 3) / 3,
    ]


def _is_title_shaped(lines: list[_Line], cand: tuple[int, str, int]) -> bool:
    """False for candidates a headline never is: dates, bylines, captions, over 40 words."""
    i, text, kind = cand
    if kind:
        return 1 <= len(_WORD_RE.findall(text)) <= 40
    line = lines[i]
    if _NOT_TITLE_RE.search(text) or _NAV_LINE_RE.fullmatch(line.norm):
        return False
    return line.label not in _TITLE_SKIP and 1 <= len(line.words) <= 40 and len(text) <= 250


def _title_rows(
    lines: list[_Line],
    start: int,
    end: int,
    counts: Counter[str],
    stop: frozenset[str],
    logits: list[float],
) -> tuple[list[tuple[int, str, int]], list[list[float]]]:
    """The page's title candidates and their features, with how each compares to the best."""
    context = _title_context(lines, start, end)
    cands = [c for c in _title_candidates(lines, start, end) if _is_title_shaped(lines, c)]
    neighbours = {i: _neighbour_cues(lines, i, context) for i in {c[0] for c in cands}}
    rows = [
        _title_features(lines, c, start, counts, stop, logits, context, neighbours[c[0]])
        for c in cands
    ]
    if not rows:
        return cands, rows
    # The headline's words run through the article more than any other candidate's. (The gap
    # to the best would add nothing: the model ranks a page's candidates, and the gap differs
    # from the cue by the same amount for all of them.)
    tops = [max(row[-k] for row in rows) for k in range(_RELATIVE, 0, -1)]
    for row in rows:
        cues = row[-_RELATIVE:]
        row.extend(float(v == top) for v, top in zip(cues, tops, strict=True))
    return cands, rows


def _title_candidate(
    lines: list[_Line],
    start: int,
    end: int,
    counts: Counter[str],
    stop: frozenset[str],
    logits: list[float],
) -> tuple[int, str, int] | None:
    """The headline among the candidates, scored by a linear model over each page's candidates."""
    cands, rows = _title_rows(lines, start, end, counts, stop, logits)
    scores = [_dot(_TITLE_WEIGHTS, row) for row in rows]
    return cands[scores.index(max(scores))] if scores else None


def _deglue(
    paragraphs: list[str], text: str, vocab: Counter[str], stop: frozenset[str]
) -> list[str]:
    """Split tokens like "Putinand" (page word + stopword) that lost their space with markup."""
    cased: Counter[str] | None = None

    def split(m: re.Match[str]) -> str:
        nonlocal cased
        tok = m.group(0)
        low = tok.lower()
        if vocab[low] > 1 or low in stop:
            return tok
        for k in range(len(tok) - 2, 2, -1):
            head, tail = low[:k], low[k:]
            if len(tail) <= 6 and tail in stop and vocab[head] > 0 and head not in stop:
                # The head must occur capitalised as here: "Washington" never becomes "Washing ton".
                if cased is None:
                    cased = Counter(_WORD_RE.findall(text))
                if cased[tok[:k]]:
                    return f"{tok[:k]} {tok[k:]}"
        return tok

    return [_GLUED_QUOTE_RE.sub(r"\1 ", _SPLIT_CANDIDATE_RE.sub(split, p)) for p in paragraphs]


def _is_heading(text: str, following: str) -> bool:
    """A short line without closing punctuation that introduces a longer paragraph."""
    n = len(text.split())
    return n <= 14 and text[-1] not in '.,;:!"”’)' and len(following.split()) >= 2 * n + 6


def _split_dateline(paragraph: str) -> tuple[str | None, str]:
    """("(CNN)", rest) when a paragraph opens with an agency credit, else (None, paragraph)."""
    m = _DATELINE_RE.match(paragraph)
    if not m:
        return None, paragraph
    place = m.group("place").strip(" ,")
    credit = m.group("credit")
    return (f"{place} {credit}" if place else credit), paragraph[m.end() :]


def _subtitle_index(lines: list[_Line], ti: int | None, start: int, end: int) -> int | None:
    """Index of a standfirst: a sentence under the headline that a byline, date or image follows."""
    if ti is None:
        return None
    for i in range(ti + 1, min(end - 1, ti + 4)):
        line = lines[i]
        if line.label in _META_LABELS:
            continue
        if line.label or not 8 <= len(line.words) <= 45 or line.text[-1] not in ".!?":
            return None
        if _DATELINE_RE.match(line.text):
            return None
        # A lead paragraph looks the same; only the furniture after a standfirst tells them apart.
        if i < start or lines[i + 1].label in _META_LABELS:
            return i
        return None
    return None


def _is_site_line(line: _Line, i: int, ti: int | None, counts: Counter[str]) -> bool:
    """A short line printed once above the headline names the site, not the story."""
    return (
        ti is not None
        and i < ti
        and not line.label
        and counts[line.norm] == 1
        and (1 <= len(line.words) <= 8)
    )


def _byline_block_index(
    lines: list[_Line],
    ti: int,
    head_from: int,
    title_norm: str | None,
    stop: frozenset[str],
    vocab: Counter[str],
) -> int | None:
    """A bare name line near the headline beside a date, a reading time or a job title
    ("Andrew King / September 4, 2025", "Jack Shepherd / Co-Founder & Marketing Director").

    Only when no "By ..." line exists. The line must read as two to five name words, mostly
    not stopwords, and none printed often on the page outside the name itself: "Get
    Started" or "Travel Tips" beside a date are buttons and section names, which repeat the
    page's own words, while an author box repeats the whole name.
    """
    if any(line.label == "byline" for line in lines[head_from : ti + _BYLINE_BLOCK_REACH]):
        return None
    lo, hi = max(head_from, ti - _BYLINE_BLOCK_REACH), min(len(lines), ti + _BYLINE_BLOCK_REACH)
    for i in range(lo, hi):
        line = lines[i]
        if line.label or line.norm == title_norm or not 2 <= len(line.words) <= 5:
            continue
        # Stoplists hold some surnames ("King"), so only a line of mostly stopwords is out.
        if 2 * sum(w in stop for w in line.words) > len(line.words):
            continue
        if line.text.endswith(("…", "...")):
            continue
        # Above the headline, only the dateline may stand between the name and it: another
        # bare line there means a header of site names ("Westside People / Complete News").
        if any(not lines[k].label and not _HAS_DIGIT(lines[k].text) for k in range(i + 1, ti)):
            continue
        beside = range(max(0, i - 2), min(len(lines), i + 3))
        if not any(_is_article_furniture(lines[k]) for k in beside):
            continue
        # With no "By" to say so, only full names (two words or more) are read as a byline:
        # "Research and Innovation" beside a date splits into one-word "names".
        names = parse_authors(line.text)
        if names and all(
            len(name.split()) >= 2 and not _repeated_apart(lines, name, vocab) for name in names
        ):
            return i
    return None


def _byline_within(texts: list[str]) -> str | None:
    """The "By ..." part of the first dated line that names its author after the date
    ("September 1st, 2023 By Emily Norwood", "Published August 7, 2023 by Nicole Burke");
    reviewers and editors ("Reviewed by", "Fact-checked by") are not its authors."""
    for text in texts:
        match = _BY_WITHIN_RE.search(text)
        if match is None or text[: match.start()].lower().rstrip().endswith(_NOT_AUTHOR_BY):
            continue
        if parse_authors(text[match.start() :]):
            return text[match.start() :]
    return None


def _name_beside_date(texts: list[str], vocab: Counter[str], lines: list[_Line]) -> str | None:
    """A full name printed on one line with the date ("Zach Lezberg | May 22, 2025", "Mike
    Kappel May 18, 2016"): the line's one piece besides the date and the reading time that
    reads as a name. `texts` are the page's first date line and the lines under the headline."""
    for text in texts:
        parted, dates = _DATE_RE.subn(" | ", text)
        if not dates:
            continue
        pieces = _BESIDE_DATE_SPLIT_RE.split(parted)
        names = [p.strip() for p in pieces if p.strip() and not _READ_TIME_RE.match(p.strip())]
        if len(names) != 1:
            continue
        found = parse_authors(names[0])
        if (
            len(found) == 1
            and len(found[0].split()) >= 2
            and not _repeated_apart(lines, found[0], vocab)
        ):
            return names[0]
    return None


def _is_article_furniture(line: _Line) -> bool:
    """A date, a reading time ("9 min read") or a job title ("Content Editor"): what an
    article prints beside its author's name."""
    return line.label == "date" or bool(_READ_TIME_RE.match(line.text)) or names_a_role(line.text)


def _repeated_apart(lines: list[_Line], name: str, vocab: Counter[str]) -> bool:
    """True when a word of the name is printed over _MAX_NAME_WORD_COUNT times outside it."""
    words = _WORD_RE.findall(name.lower())
    norm = " ".join(words)
    whole = sum(line.norm.count(norm) for line in lines if f" {norm} " in f" {line.norm} ")
    return any(vocab[w] - whole > _MAX_NAME_WORD_COUNT for w in words)


def _after_bare_by(lines: list[_Line], ti: int, head_from: int) -> int | None:
    """The name line under a line that only says "By" or "Written by", near the headline."""
    lo, hi = max(head_from, ti - _BYLINE_BLOCK_REACH), min(len(lines) - 1, ti + _BYLINE_BLOCK_REACH)
    for i in range(lo, hi):
        if lines[i].norm in _BARE_BY_NORMS and parse_authors(lines[i + 1].text):
            return i + 1
    return None


def _is_byline_date(lines: list[_Line], i: int, ti: int) -> bool:
    """A date a few lines above the headline: the article's dateline.

    A date further up is the page's, and so is one that opens the page (nothing but labelled
    chrome above it) with the site's name between it and the headline: a masthead printing
    the day ("July 13, 2024 / Westside People / Complete News World / headline"). Lines
    between a dateline and its headline are mostly the story's section ("Travel", "Chart").
    """
    if ti - i > _BYLINE_DATE_REACH:
        return False
    opens_page = all(lines[k].label for k in range(i))
    # A time ("5:50 am") between them belongs to the dateline, never to the site's name.
    return not opens_page or not any(
        not lines[k].label and not _HAS_DIGIT(lines[k].text) for k in range(i + 1, ti)
    )


def _lines_of(text: str, language: str | None) -> tuple[list[_Line], frozenset[str]]:
    lines = []
    for t, gap in _split_lines(text):
        words = _WORD_RE.findall(t.lower())
        lines.append(_Line(t, gap, words, " ".join(words)))
    stop = _pick_stoplist(lines, language)
    contains = stop.__contains__
    for line in lines:
        if line.words:
            line.stop_density = sum(map(contains, line.words)) / len(line.words)
        line.label = _label(line)
    # An image's alt text sits right above its credited caption, in the same block.
    for i in range(1, len(lines)):
        if lines[i].label == "caption" and not lines[i].gap_before and not lines[i - 1].label:
            lines[i - 1].label = "alt"
    return lines, stop


def clean_text_dump(text: str, language: str | None = None) -> DumpParts:
    """Split a plain-text page dump into title, body and side fields; empty text, empty parts."""
    parts = DumpParts()
    lines, stop = _lines_of(text, language)
    if not lines:
        return parts
    counts = Counter(line.norm for line in lines)
    logits, start, end = _body_span(lines, counts)
    parts.quality = _confidence(lines, logits, start, end)

    cand = _title_candidate(lines, start, end, counts, stop, logits)
    ti = title_norm = None
    if cand is not None:
        parts.title = cand[1].strip()
        title_norm = " ".join(_WORD_RE.findall(parts.title.lower()))
        if cand[2] == 0:
            ti = cand[0]
            # A headline inside the body opens it; one picked below the body's end leaves the
            # body alone rather than emptying it.
            if ti < end:
                start = max(start, ti + 1)
    # Where the headline is printed: its own line; for a title cut from a line ("Home »
    # Headline"), a line printing it whole just below, else that line; with no title, the
    # body's start.
    headline = ti if ti is not None else start
    if ti is None and cand is not None:
        below = range(cand[0], min(len(lines), cand[0] + _TITLE_REPEAT_REACH))
        headline = next((i for i in below if lines[i].norm == title_norm), cand[0])
    head_from = max(0, min(start, headline) - _HEADER_WINDOW)
    si = _subtitle_index(lines, ti, start, end)
    if si is not None:
        parts.subtitle = lines[si].text

    vocab = Counter(chain.from_iterable(line.words for line in lines))
    bi = _byline_block_index(lines, headline, head_from, title_norm, stop, vocab)
    if bi is None:
        bi = _after_bare_by(lines, headline, head_from)
    if bi is not None:
        parts.byline = lines[bi].text
    if cand is not None:
        parts.dated_lines = [
            line.text
            for line in lines[headline + 1 : headline + 1 + _DATED_LINE_REACH]
            if not line.label and len(line.words) <= _DATED_LINE_WORDS and _HAS_DIGIT(line.text)
        ]
    for i in range(head_from, min(len(lines), end + _FOOTER_WINDOW)):
        line = lines[i]
        if i == bi:
            continue
        if line.label == "date":
            if (
                ti is not None
                and i < ti
                and parts.page_date is None
                and not parts.date_lines
                and not _is_byline_date(lines, i, ti)
            ):
                parts.page_date = line.text
            elif i < end:
                parts.date_lines.append(line.text)
        elif line.label == "byline" and parts.byline is None and i < end:
            parts.byline = line.text
        elif line.label == "caption" and i < end:
            parts.captions.append(line.text)
            credit = _caption_credit(line.text)
            if credit:
                parts.credits.append(credit)
        elif line.label == "attribution" and i >= start:
            parts.attributions.append(line.text)
        elif _is_site_line(line, i, ti, counts):
            parts.site_lines.append(line.text)
    if parts.byline is None:
        parts.byline = _byline_within(parts.dated_lines + parts.date_lines)
    if parts.byline is None:
        parts.byline = _name_beside_date(parts.date_lines[:1] + parts.dated_lines, vocab, lines)

    for i, line in enumerate(lines):
        if not start <= i < end:
            parts.removed.append(("outside", line.text))
        elif line.norm == title_norm:
            parts.removed.append(("title", line.text))
        elif i == si:
            parts.removed.append(("subtitle", line.text))
        elif i == bi:
            parts.removed.append(("byline", line.text))
        elif line.label:
            parts.removed.append((line.label, line.text))
        elif logits[i] <= 0:
            parts.removed.append(("unlikely_text", line.text))
        else:
            parts.paragraphs.append(line.text)
    parts.paragraphs = paras = _deglue(parts.paragraphs, text, vocab, stop)
    for k in range(len(paras) - 1):
        if _is_heading(paras[k], paras[k + 1]):
            parts.headings.append(paras[k])
    if paras:
        credit, rest = _split_dateline(paras[0])
        if credit:
            parts.attributions.insert(0, credit)
            parts.paragraphs[0] = rest
    return parts
