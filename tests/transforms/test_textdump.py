"""Tests for transforms.textdump on the real seed dumps kept byte-for-byte in samples/seeds/."""

import ast
from collections import Counter
from pathlib import Path

import pytest

from transforms.textdump import DumpParts, _deglue, _split_lines, clean_text_dump

REPO = Path(__file__).parents[2]
SEEDS = REPO / "samples" / "seeds"


def _clean(stem: str, language: str | None = None) -> DumpParts:
    return clean_text_dump((SEEDS / f"{stem}.txt").read_text(encoding="utf-8"), language)


def _body(parts: DumpParts) -> str:
    return "\n\n".join(parts.paragraphs)


SEED_TITLES = [
    ("000_f821f3d7de1c528f", "Putin bekräftar resa till Peking nästa månad"),
    ("001_97d4323494856c4c", "Wang Yi meets Putin in sign of deepening China-Russia ties"),
    (
        "002_e72dd647d0b7a6a1",
        "Russia’s Lavrov, China’s Wang hail cooperation ahead of Putin’s expected visit to Beijing",
    ),
    (
        "003_f0604eb540a79818",
        "Russia and China mark a “new era” with a meeting between Putin and Xi Jinping in Moscow",
    ),
    (
        "004_2fac41272dd3c322",
        "Putin and China’s top diplomat pledged to boost ties ahead of the anniversary of the "
        "Ukraine war",
    ),
]

MUST_CONTAIN = [
    ("000_f821f3d7de1c528f", "Denna vecka har Kinas toppdiplomat Wang Yi varit på besök i Peking"),
    ("000_f821f3d7de1c528f", "ett krig som inte kommer se orättfärdigt"),
    ("001_97d4323494856c4c", "The warmth of Russia’s and China’s relationship"),
    ("001_97d4323494856c4c", "Earlier on Wednesday, Wang held talks"),
    ("001_97d4323494856c4c", "using military means”."),
    ("002_e72dd647d0b7a6a1", "Top Russian and Chinese diplomats discussed strengthening"),
    ("002_e72dd647d0b7a6a1", "supply Moscow with munitions for its war in Ukraine."),
    (
        "003_f0604eb540a79818",
        "The Russian President, Vladimir Putin and its Chinese counterpart, Xi Jinping will sign",
    ),
    ("003_f0604eb540a79818", "which will enter a new era” indicated diplomatic adviser"),
    ("003_f0604eb540a79818", "Military and technical cooperation"),
    ("003_f0604eb540a79818", "there could be a talk after Xi’s visit to Moscow."),
    ("004_2fac41272dd3c322", "Russian President Vladimir Putin said relations between his country"),
    ("004_2fac41272dd3c322", "Concerns about the role of China"),
    ("004_2fac41272dd3c322", "and Taiwan tomorrow,” he said"),
]

MUST_NOT_CONTAIN = [
    ("000_f821f3d7de1c528f", "Kremlin.ru"),
    ("000_f821f3d7de1c528f", "vid ett tidigare möte innan Rysslands fullskaliga invasion"),
    ("001_97d4323494856c4c", "Alexander Nemenov"),
    ("001_97d4323494856c4c", "Sergey Lavrov smiling as he shows Wang Yi"),
    ("001_97d4323494856c4c", "Source: Al Jazeera"),
    ("002_e72dd647d0b7a6a1", "Skip to content"),
    ("002_e72dd647d0b7a6a1", "Editor’s note"),
    ("002_e72dd647d0b7a6a1", "newsletter"),
    ("003_f0604eb540a79818", "Skip to content"),
    ("003_f0604eb540a79818", "READ ALSO"),
    ("003_f0604eb540a79818", "LOOK HERE"),
    ("003_f0604eb540a79818", "Share this article"),
    ("003_f0604eb540a79818", "most popular"),
    ("003_f0604eb540a79818", ".jpg"),
    ("003_f0604eb540a79818", "Putinand"),
    ("003_f0604eb540a79818", "Jinpingwill"),
    ("003_f0604eb540a79818", "Source: Elcomercio"),
    ("004_2fac41272dd3c322", "(CNN)"),
    ("004_2fac41272dd3c322", "July 13, 2024"),
    ("004_2fac41272dd3c322", "Westside People"),
    ("004_2fac41272dd3c322", "Complete News World"),
    ("004_2fac41272dd3c322", "See also"),
    ("004_2fac41272dd3c322", "contributed to this report"),
]


@pytest.mark.parametrize(("stem", "title"), SEED_TITLES)
@pytest.mark.parametrize("language", [None, "auto"])
def test_title_is_found_and_not_repeated_in_body(
    stem: str, title: str, language: str | None
) -> None:
    lang = {"000": "sv"}.get(stem[:3], "en") if language == "auto" else None
    parts = _clean(stem, lang)
    assert parts.title == title
    assert title not in parts.paragraphs


@pytest.mark.parametrize(("stem", "phrase"), MUST_CONTAIN)
def test_body_contains(stem: str, phrase: str) -> None:
    assert phrase in _body(_clean(stem))


@pytest.mark.parametrize(("stem", "phrase"), MUST_NOT_CONTAIN)
def test_body_does_not_contain(stem: str, phrase: str) -> None:
    assert phrase not in _body(_clean(stem))


def test_seed_004_header_and_attributions() -> None:
    parts = _clean("004_2fac41272dd3c322")
    assert parts.page_date == "July 13, 2024"
    assert "(CNN)" in parts.attributions
    assert "CNN’s Anna Chernova contributed to this report" in parts.attributions
    assert "Westside People" in parts.site_lines
    assert parts.paragraphs[0].startswith("Russian President Vladimir Putin")
    assert sum(p.startswith("Putin and China’s top diplomat") for p in parts.paragraphs) == 0
    assert "Concerns about the role of China" in parts.headings


def test_seed_000_caption_and_credit() -> None:
    parts = _clean("000_f821f3d7de1c528f", "sv")
    assert len(parts.captions) == 1
    assert parts.captions[0].endswith("(Bild: Kremlin.ru, CC BY 4.0 , via Wikimedia Commons)")
    assert parts.credits == ["Kremlin.ru, CC BY 4.0, via Wikimedia Commons"]


def test_seed_001_caption_alt_text_and_source() -> None:
    parts = _clean("001_97d4323494856c4c")
    assert parts.attributions == ["Source: Al Jazeera and news agencies"]
    assert parts.credits == ["Alexander Nemenov/Pool Photo via AP Photo"]
    assert parts.captions[0].startswith("Before meeting Putin, Wang Yu (left)")
    assert (
        "alt",
        "Sergey Lavrov smiling as he shows Wang Yi into a room in the Kremlin. Wang looks very "
        "relaxed. Both men are in suits.",
    ) in parts.removed


def test_seed_003_source_and_headings() -> None:
    parts = _clean("003_f0604eb540a79818")
    assert "Source: Elcomercio" in parts.attributions
    assert parts.headings == [
        "Military and technical cooperation",
        "Dialogue between Xi and Zelensky?",
    ]


def test_removed_lines_are_all_accounted_for() -> None:
    text = (SEEDS / "004_2fac41272dd3c322.txt").read_text(encoding="utf-8")
    parts = clean_text_dump(text)
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(parts.paragraphs) + len(parts.removed) == len(lines)


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("Vladimir Putinand its counterpart", "Vladimir Putin and its counterpart"),
        ("Xi Jinpingwill sign", "Xi Jinping will sign"),
        ("a “new era”indicated the adviser", "a “new era” indicated the adviser"),
        # A word the page uses as it stands is never split, even when it ends in a stopword.
        ("Everyone met Putin", "Everyone met Putin"),
        ("Washington said", "Washington said"),
    ],
)
def test_deglue(paragraph: str, expected: str) -> None:
    page = "Putin met Xi Jinping. Everyone knew. Every time. Mr Smith is washing up."
    vocab = Counter(w.lower() for w in (page + " " + paragraph).replace(".", "").split())
    stop = frozenset({"and", "will", "one", "ton", "its", "the", "every", "up", "is"})
    assert _deglue([paragraph], page + " " + paragraph, vocab, stop) == [expected]


def test_title_printed_twice_is_output_once() -> None:
    body = "The minister said on Monday that the talks would go on for as long as they had to."
    later = body.replace("Monday", "Tuesday")
    text = f"Site\n\nTalks go on in Geneva\n\nTalks go on in Geneva\n\n{body}\n\n{later}"
    parts = clean_text_dump(text, "en")
    assert parts.title == "Talks go on in Geneva"
    assert all("Talks go on" not in p for p in parts.paragraphs)
    assert len(parts.paragraphs) == 2


@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_empty_input_gives_empty_parts(text: str) -> None:
    parts = clean_text_dump(text)
    assert parts.title is None and parts.paragraphs == [] and parts.removed == []


def test_transforms_textdump_is_pure() -> None:
    tree = ast.parse((REPO / "transforms" / "textdump.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"prefect", "duckdb", "great_expectations"}


STORY = (
    "The minister said on Monday that the talks in Geneva would go on for as long as they had "
    "to, and that no side had left the table.\n\n"
    "Delegates from both countries met for six hours on Tuesday and agreed to meet again next "
    "week, officials said.\n\n"
    "The United Nations has hosted the talks since the spring, and the next round is due to "
    "begin in the first week of June."
)


@pytest.mark.parametrize(
    ("top", "title"),
    [
        # The page's <title> line is the only place the headline is printed.
        ("Talks go on in Geneva | Daily Planet", "Talks go on in Geneva"),
        ("Talks go on in Geneva – Daily Planet", "Talks go on in Geneva"),
    ],
)
def test_title_is_cut_from_a_page_title_line(top: str, title: str) -> None:
    text = f"{top}\n\nHome\n\nWorld\n\nSport\n\n{STORY}\n\nSubscribe to our newsletter"
    parts = clean_text_dump(text, "en")
    assert parts.title == title
    assert len(parts.paragraphs) == 3
    assert not any("newsletter" in p for p in parts.paragraphs)


@pytest.mark.parametrize(
    ("top", "title"),
    [
        # Breadcrumbs print the headline after the sections, with or without spaces.
        ("Home > World > Talks go on in Geneva", "Talks go on in Geneva"),
        ("World/Europe/Talks go on in Geneva", "Talks go on in Geneva"),
    ],
)
def test_title_is_cut_from_a_breadcrumb(top: str, title: str) -> None:
    text = f"Daily Planet\n\nHome\n\nNews\n\nWorld\n\n{top}\n\n{STORY}\n\nSubscribe"
    assert clean_text_dump(text, "en").title == title


def test_title_may_use_a_word_of_site_chrome() -> None:
    # "newsletter" marks promotion lines, but a headline about newsletters is still one.
    title = "How to write a good newsletter with AI"
    story = STORY.replace("talks", "newsletter drafts")
    text = f"{title}\n\nJane Writer\n\nDec 3, 2025\n\n{story}\n\nSubscribe\n\nShare"
    assert clean_text_dump(text, "en").title == title


DUMPS = REPO / "tests" / "data" / "textdump"


@pytest.mark.parametrize(
    ("stem", "title"),
    [
        (
            "0162",
            "Graphic information technology vs. graphic design: Which program is right for you?",
        ),
        ("0294", "Best Practices for PTO Benefits"),
        ("4446", "I built a tool that creates a weekly newsletter digest"),
        # The byline under the headline is a bare "by" line, or names too many authors to
        # be labelled one.
        ("0010", "These are the best major appliances of 2025"),
        (
            "0174",
            "Tutoring was supposed to save American kids after the pandemic. "
            "The results? ‘Sobering’",
        ),
    ],
)
def test_title_of_real_dumps(stem: str, title: str) -> None:
    parts = clean_text_dump((DUMPS / f"{stem}.txt").read_text(encoding="utf-8"))
    assert parts.title == title
    assert title not in parts.paragraphs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A headline keeps its own line above a byline, a tag or a date.
        (
            "Everything You Need to Know About Online Classes\nby Karina Cohen | May 19, 2024",
            ["Everything You Need to Know About Online Classes", "by Karina Cohen | May 19, 2024"],
        ),
        (
            "Everything You Need to Know About Online Classes\nadvice for students",
            ["Everything You Need to Know About Online Classes", "advice for students"],
        ),
        # Hard-wrapped prose is joined back into one paragraph.
        (
            "The minister said on Monday that the talks would go on for as long\nas they had to.",
            ["The minister said on Monday that the talks would go on for as long as they had to."],
        ),
    ],
)
def test_split_lines_joins_only_wrapped_prose(text: str, expected: list[str]) -> None:
    assert [line for line, _ in _split_lines(text)] == expected


def test_last_paragraph_before_chrome_is_kept() -> None:
    last = "According to the newspaper, there could be a further round after the summit in May."
    text = (
        f"Talks go on in Geneva\n\n{STORY}\n\n{last}\n\nSource: Daily Planet\n\n"
        "Share this article:\n\nmost popular\n\nPrivacy policy"
    )
    parts = clean_text_dump(text, "en")
    assert parts.paragraphs[-1] == last


BODY_LINES = (
    "Fall is a time when nutrition and wellness trends take center stage for many of us.\n\n"
    "From athletes to busy professionals, everyone is looking for ways to stay fueled and "
    "to support their long-term health with meals that are simple to prepare.\n\n"
    "Protein continues to dominate the wellness conversation, and for good reason: it "
    "supports muscle recovery and keeps you feeling full through busy days.\n"
)


@pytest.mark.parametrize(
    ("header", "page_date", "dateline"),
    [
        # Byline, date and time right above the headline: the article's own date.
        ("Login\n\nOrder Now\n\nAndrew King\n\nSeptember 4, 2025\n\n5:50 am\n\n", None, True),
        # A date opening the page, the site's name between it and the headline: the page's.
        ("July 13, 2024\n\nWestside People\n\nComplete News World\n\n", "July 13, 2024", False),
        # Lower on the page, the line between is the story's section: the article's date.
        ("Login\n\nOrder Now\n\nSeptember 4, 2025\n\nNutrition\n\n", None, True),
    ],
)
def test_a_date_above_the_headline(header, page_date, dateline) -> None:
    title = "Top Nutrition Trends for Fall 2025: What Fitness Experts Are Eating"
    parts = clean_text_dump(f"{header}{title}\n\n{BODY_LINES}")
    assert parts.title == title
    assert parts.page_date == page_date
    assert bool(parts.date_lines) == dateline


@pytest.mark.parametrize(
    ("header", "byline"),
    [
        # A bare name beside the date above the headline is the byline, not the site's name.
        ("Login\n\nAndrew King\n\nSeptember 4, 2025\n\n", "Andrew King"),
        # Buttons and section names beside a date are not names.
        ("Login\n\nGet Started\n\nSeptember 4, 2025\n\n", None),
        ("Login\n\nOrder Now\n\nSeptember 4, 2025\n\n", None),
        # A reading time stands among the article's furniture as its date does.
        ("Login\n\nAndrew King\n\n9 min read\n\n", "Andrew King"),
        # No date beside it: a short line above the headline stays a site line.
        ("Login\n\nAndrew King\n\n", None),
    ],
)
def test_a_bare_name_beside_a_date_is_the_byline(header, byline) -> None:
    title = "Top Nutrition Trends for Fall 2025: What Fitness Experts Are Eating"
    parts = clean_text_dump(f"{header}{title}\n\n{BODY_LINES}")
    assert parts.title == title
    assert parts.byline == byline
    if byline:
        assert byline not in parts.site_lines


@pytest.mark.parametrize(
    ("header", "footer", "byline"),
    [
        # An author box repeats the whole name: still the byline.
        (
            "Login\n\nAndrew King\n\nSeptember 4, 2025\n\n",
            "About Andrew King\n\nAndrew King writes about food.\n\nMore by Andrew King\n\n"
            "Andrew King\n\n",
            "Andrew King",
        ),
        # Words the page prints apart from the line are its topic, not a name.
        (
            "Login\n\nProtein Trends\n\nSeptember 4, 2025\n\n",
            "Protein\n\nMore protein\n\nProtein bars\n\nProtein again\n\n",
            None,
        ),
        # Beside a date, a line that splits into one-word "names" is a section's name.
        ("Login\n\nResearch and Innovation\n\nSeptember 4, 2025\n\n", "", None),
    ],
)
def test_a_bare_name_beside_a_date_as_the_page_repeats_it(header, footer, byline) -> None:
    title = "Top Nutrition Trends for Fall 2025: What Fitness Experts Are Eating"
    parts = clean_text_dump(f"{header}{title}\n\n{BODY_LINES}\n{footer}")
    assert parts.title == title
    assert parts.byline == byline


@pytest.mark.parametrize(
    ("under", "byline"),
    [
        # A line that only says "By" announces the name on the next.
        ("By\n\nJoanna Okedara\n\n", "Joanna Okedara"),
        ("Written by\n\nPhilip Stefanov\n\n", "Philip Stefanov"),
        # ... but not what is no name.
        ("By\n\nTable of Contents\n\n", None),
        # A bare name over the author's job title.
        ("Andrew King\n\nSenior Content Editor\n\n", "Andrew King"),
        # A full name on one line with the date, and no "By".
        ("Zach Lezberg | May 22, 2025\n\n", "Zach Lezberg"),
        ("Mike Kappel May 18, 2016\n\n", "Mike Kappel"),
        # The author named after the date on a dated line; a reviewer is no author.
        ("September 1st, 2023 By Emily Norwood\n\n", "By Emily Norwood"),
        ("Reviewed by Jane Roe on May 3, 2024\n\n", None),
        # "ByNina Pineda", "Written by:Elise Nass": the space lost with the markup.
        ("ByNina Pineda\n\n", "ByNina Pineda"),
        ("Written by:Elise Nass\n\n", "Written by:Elise Nass"),
    ],
)
def test_a_byline_under_the_headline(under, byline) -> None:
    title = "Top Nutrition Trends for Fall 2025: What Fitness Experts Are Eating"
    parts = clean_text_dump(f"Login\n\n{title}\n\n{under}{BODY_LINES}")
    assert parts.title == title
    assert parts.byline == byline


def test_quality_is_the_models_certainty_on_the_body_span() -> None:
    seeds = [_clean(stem) for stem, _ in SEED_TITLES]
    assert all(0.5 <= parts.quality <= 1.0 for parts in seeds)
    # A page of short link lines gives the model little to be sure of.
    menu = "\n".join(f"Section {n}" for n in range(30))
    assert clean_text_dump(menu).quality < min(parts.quality for parts in seeds)
    assert clean_text_dump("").quality == 0.0


def test_a_headline_picked_below_the_body_leaves_the_body_whole(monkeypatch) -> None:
    import transforms.textdump as td

    text = (SEEDS / "004_2fac41272dd3c322.txt").read_text(encoding="utf-8")
    body = clean_text_dump(text).paragraphs
    last = len(td._split_lines(text)) - 1
    # The title model's pick, forced to the page's last line (site chrome below the story).
    monkeypatch.setattr(td, "_title_candidate", lambda lines, *_: (last, lines[last].text, 0))
    parts = clean_text_dump(text)
    assert parts.title == td._split_lines(text)[last][0]
    # Every paragraph of the story stays (the first may keep its "(CNN)" dateline): the body is
    # not cut to what follows the pick.
    assert all(any(p in kept for kept in parts.paragraphs) for p in body)


def test_line_model_scores_as_the_trees_it_was_exported_from() -> None:
    """The cleaner's numpy reading of boosted trees gives scikit-learn's own log-odds."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    import transforms.textdump as td
    from bench.train_textdump import _TREES, _export_trees

    rows, labels = [], []
    for stem, _ in SEED_TITLES:
        lines, _ = td._lines_of((SEEDS / f"{stem}.txt").read_text(encoding="utf-8"), None)
        counts = Counter(line.norm for line in lines)
        rows += td._body_features(lines, counts, td._best_region(lines))
        labels += [float(td._is_prose(line)) for line in lines]
    x, y = np.array(rows), np.array(labels)
    params = {**_TREES, "max_iter": 20, "min_samples_leaf": 5}
    model = HistGradientBoostingClassifier(**params).fit(x, y)
    forest = td.Forest(_export_trees(model))
    assert len(forest.steps) > 1
    assert np.allclose(forest(x), model.decision_function(x), atol=1e-9)
    # A page longer than one slice of rows scores as its slices do.
    many = np.vstack([x] * (td._FOREST_ROWS // len(x) + 2))
    assert len(many) > td._FOREST_ROWS
    assert np.allclose(forest(many), model.decision_function(many), atol=1e-9)


def test_shipped_line_model_fits_the_line_features() -> None:
    import transforms.textdump as td
    from bench.train_textdump import _body_width

    forest = td._read_line_model()
    width = _body_width()
    assert len(forest.roots) >= 100
    assert forest.feature.min() >= 0 and forest.feature.max() < width


def test_lines_under_the_headline_that_print_a_date_among_other_words() -> None:
    title = "Top Nutrition Trends for Fall 2025: What Fitness Experts Are Eating"
    meta = "March 15, 2022 · 3 min read · By ASU Online"
    parts = clean_text_dump(f"Login\n\n{title}\n\n{meta}\n\n{BODY_LINES}")
    assert parts.title == title
    assert parts.dated_lines == [meta]
    assert parts.date_lines == []


def test_a_dated_line_under_the_headline_printed_again_under_its_breadcrumb() -> None:
    # The title is cut from the breadcrumb; the dated line sits under the headline's own line.
    title = "Graphic information technology vs. graphic design: Which program is right for you?"
    meta = "March 15, 2022 · 3 min read · By ASU Online"
    text = f"Sign in\n\nNewsroom/Online learning tips/{title}\n\n{title}\n\n{meta}\n\n{BODY_LINES}"
    parts = clean_text_dump(text)
    assert parts.title == title
    assert parts.dated_lines == [meta]
