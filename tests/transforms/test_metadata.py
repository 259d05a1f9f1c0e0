from datetime import UTC, datetime

import dateparser
import pytest

from transforms import metadata
from transforms.metadata import (
    choose_title,
    clean_title,
    date_within,
    declared_headlines,
    detect_language,
    drop_site_authors,
    identify_language,
    names_a_role,
    parse_authors,
    parse_contributors,
    parse_date,
    parse_date_line,
    publisher_from_attributions,
    site_affixes,
    site_from_url,
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("title", "site_names", "expected"),
    [
        (
            "Why the Fed is holding rates steady | NPR",
            ["NPR", "npr.org"],
            "Why the Fed is holding rates steady",
        ),
        (
            "8 Recent Trends in Photography - Flatworld Solutions",
            ["flatworldsolutions.com"],
            "8 Recent Trends in Photography",
        ),
        (
            "Best Cloud Computing Stocks of 2025 | The Motley Fool",
            ["The Motley Fool", "fool.com"],
            "Best Cloud Computing Stocks of 2025",
        ),
        (
            "Tastify | Top 7 Corporate Catering Trends for 2024",
            ["tastifyfood.com"],
            "Top 7 Corporate Catering Trends for 2024",
        ),
        (
            "Quanta Magazine: The Year in Mathematics",
            ["Quanta Magazine"],
            "The Year in Mathematics",
        ),
        (
            "Critics’ Choice: Best UK Art Exhibitions 2025 – Artlyst - Artlyst",
            ["Artlyst"],
            "Critics’ Choice: Best UK Art Exhibitions 2025",
        ),
        (
            "Smartphone Basics for Older Adults | Blue Cross Blue Shield of Oklahoma",
            ["bcbsok.com"],
            "Smartphone Basics for Older Adults",
        ),
        (
            "Top 30 Fine Art Photography Artists — CAI",
            ["Contemporary Art Issue - Platform & Gallery"],
            "Top 30 Fine Art Photography Artists",
        ),
        (
            "The Beginner's Guide to Gym Equipment - Urge Fitness | Affordable 24/7 Gyms",
            ["Urge Fitness | Affordable 24/7 Gyms"],
            "The Beginner's Guide to Gym Equipment",
        ),
        (
            "The Fold-and-Cut Problem (Erik Demaine)",
            ["erikdemaine.org"],
            "The Fold-and-Cut Problem",
        ),
        (
            "How meditation rewires brains and improves physical health | Opinion",
            [],
            "How meditation rewires brains and improves physical health",
        ),
        (
            "## Hyper-Local Regolith Binding - freederia.com",
            ["freederia.com"],
            "Hyper-Local Regolith Binding",
        ),
        ("Tom &amp; Jerry&#8217;s   big  day", [], "Tom & Jerry’s big day"),
        # Real headlines with colons and dashes stay whole.
        (
            "Redfin’s 2026 Predictions: Welcome to The Great Housing Reset",
            ["Redfin", "redfin.com"],
            "Redfin’s 2026 Predictions: Welcome to The Great Housing Reset",
        ),
        (
            "Mobile UX Design - The Ultimate Guide 2025",
            ["UXCam Blog", "uxcam.com"],
            "Mobile UX Design - The Ultimate Guide 2025",
        ),
        ("Ukraine war: Kyiv hit by drones", ["BBC News"], "Ukraine war: Kyiv hit by drones"),
        ("Machine learning, explained", [], "Machine learning, explained"),
        (None, [], None),
        ("  | NPR ", ["NPR"], "NPR"),
        # A domain printed before the headline without a separator.
        ("davidbau.com Vibe Coding", ["davidbau.com"], "Vibe Coding"),
    ],
)
def test_clean_title(title, site_names, expected):
    assert clean_title(title, site_names) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("Written by Jane Doe and John Smith", ["Jane Doe", "John Smith"]),
        ("Alice Lee, Bob Chan and Carla Diaz", ["Alice Lee", "Bob Chan", "Carla Diaz"]),
        (
            "Danielle DeSiato; Donna Enzmann; Natalie Nguyen",
            ["Danielle DeSiato", "Donna Enzmann", "Natalie Nguyen"],
        ),
        ("Linny & Peter", ["Linny", "Peter"]),
        ("BY JOHN SMITH", ["John Smith"]),
        ("Jane Doe, Jane Doe", ["Jane Doe"]),
        ("Cazzy Magennis Last Updated August 1, 2024", ["Cazzy Magennis"]),
        ("By Korin Miller Published: Jan 29, 2025", ["Korin Miller"]),
        ("Jordana Cepelewicz December", ["Jordana Cepelewicz"]),
        ("Wyndo Dec", ["Wyndo"]),
        # A date printed after the name.
        ("Andrew Gerrand 4 August 2010", ["Andrew Gerrand"]),
        ("Jane Doe May 4, 2021", ["Jane Doe"]),
        ("Jordana Cepelewicz December 3rd, 2020", ["Jordana Cepelewicz"]),
        ("By Theresa May", ["Theresa May"]),
        ("Posted by David at December 16, 2025 11:15 AM", ["David"]),
        ("Originally published November 11, 2022", []),
        # Roles and fields left over from a split bio line are no names.
        ("Danielle Padula; Head; Community Development", ["Danielle Padula"]),
        ("Licensed Q Arabica Grader; M.A. Journalism", []),
        ("Vincent Clement", ["Vincent Clement"]),
        # A trade alone is a desk; as a surname it stays.
        ("Thomson Reuters Tax & Accounting", []),
        ("Jane Pickering", ["Jane Pickering"]),
        ("Manning", ["Manning"]),
        # Citation style, last name first, ";" between people.
        ("Roy, Aniruddha; Patel, Jyoti", ["Aniruddha Roy", "Jyoti Patel"]),
        ("Chris McNamara, Editor-in-Chief", ["Chris McNamara"]),
        ("Liz Kenny Former McKinsey", ["Liz Kenny"]),
        ("Lydia Marie Child. See the letters", ["Lydia Marie Child"]),
        # Nouns from page furniture are no names; surnames that look like words stay.
        ("Development", []),
        ("HR Strategy", []),
        ("King", ["King"]),
        # "By" glued to the name by lost markup; "Byron" is a name.
        ("ByNina Pineda", ["Nina Pineda"]),
        ("Byron Smith", ["Byron Smith"]),
        ("Sam Bossleythoughtsstreamsportfolio", []),
        ("Sat", []),
        ("Nicoletta Richardson Trending Editor", ["Nicoletta Richardson"]),
        ("Harry Rabinowitz Tech Reporter", ["Harry Rabinowitz"]),
        ("Jillian Kubala, MS, RD", ["Jillian Kubala"]),
        ("Genevieve Carlton, Ph.D.", ["Genevieve Carlton"]),
        (
            "Article by Cara Dumaplin RN; BSN; Certified Pediatric Sleep Consultant",
            ["Cara Dumaplin"],
        ),
        ("Benjamin Johnson; Sr Director", ["Benjamin Johnson"]),
        ("Dr. Vahid Osman", ["Dr. Vahid Osman"]),
        ("Vincent van Gogh", ["Vincent van Gogh"]),
        # Not people.
        ("jane.doe@example.com", []),
        ("https://example.com/authors/jane", []),
        ("@janedoe", []),
        ("Staff", []),
        ("Editorial Team", []),
        ("CNN Wire", []),
        ("Associated Press", []),
        ("AFP", []),
        ("Email the author", []),
        ("Read more", []),
        ("Updated January", []),
        ("Written By", []),
        ("Personal finance January", []),
        ("Morning Newsletter", []),
        ("Agent 47", []),
        # Printed where the byline stands on real dumps and pages.
        ("Last updated:", []),
        ("Advertiser Disclosure", []),
        ("Conceptual Article", []),
        ("Code of Conduct", []),
        ("undefined", []),
        ("Kneib Dentistry PC", []),
        ("SolStock, E", []),
        # Words run together into one: a brand or a handle, not a name.
        ("HomeAdvisor", []),
        ("TurboTaxLisa", []),
        ("Mark SubbaRao and Jonas Jaegermeyer", ["Mark SubbaRao", "Jonas Jaegermeyer"]),
        ("Wedding ChecklistsJust EngagedWedding Planning", []),
        ("Find Jobs", []),
        ("Ronald McDonald", ["Ronald McDonald"]),
        ("Words: Solene Rauturier", ["Solene Rauturier"]),
        ("Written by:Elise Nass", ["Elise Nass"]),
        ("By: Ziyi Xu", ["Ziyi Xu"]),
        ("", []),
        (None, []),
    ],
)
def test_parse_authors(raw, expected):
    assert parse_authors(raw) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["CNN's Anna Chernova and Bob Lee contributed to this report."],
            ["Anna Chernova", "Bob Lee"],
        ),
        (["Anna Chernova contributed reporting."], ["Anna Chernova"]),
        (
            ["Reuters' Tom Hale, Ann Ray and Li Wei contributed to this report"],
            ["Tom Hale", "Ann Ray", "Li Wei"],
        ),
        (["(CNN)", "Source: Al Jazeera and news agencies"], []),
        ([], []),
    ],
)
def test_parse_contributors(lines, expected):
    assert parse_contributors(lines) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["(CNN)"], "CNN"),
        (["(Reuters) -"], "Reuters"),
        (["Source: Al Jazeera and news agencies"], "Al Jazeera"),
        (["Source: Elcomercio"], "Elcomercio"),
        (["CNN's Anna Chernova contributed to this report"], "CNN"),
        (["Some unrelated line", "(AP) —"], "AP"),
        (["Anna Chernova contributed to this report"], None),
        ([], None),
    ],
)
def test_publisher_from_attributions(lines, expected):
    assert publisher_from_attributions(lines) == expected


@pytest.mark.parametrize(
    ("text", "languages", "expected"),
    [
        ("2024-03-05", None, utc(2024, 3, 5)),
        ("2024-03-05T10:22:00+02:00", None, utc(2024, 3, 5, 8, 22)),
        ("2024-03-05T10:22:00Z", None, utc(2024, 3, 5, 10, 22)),
        ("March 3, 2023", None, utc(2023, 3, 3)),
        ("Dec. 23, 2024, 1:24 PM EST", None, utc(2024, 12, 23, 18, 24)),
        ("19 November 2019, 09:01 AM", None, utc(2019, 11, 19, 9, 1)),
        ("19 november 2019", ["sv"], utc(2019, 11, 19)),
        ("tisdag 19 november 2019 kl. 09.01", None, utc(2019, 11, 19)),
        ("13. März 2024", None, utc(2024, 3, 13)),
        ("mardi 5 mars 2024 à 10h30", ["fr"], utc(2024, 3, 5, 10, 30)),
        ("3 de marzo de 2023", None, utc(2023, 3, 3)),
        ("05.03.2024", None, utc(2024, 3, 5)),
        # No day, relative, or not a date at all.
        ("June 2022", None, None),
        ("2 hours ago", None, None),
        ("not a date", None, None),
        ("2024-13-45", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_parse_date(text, languages, expected):
    assert parse_date(text, languages=languages) == expected


def test_parse_date_rejects_future_dates():
    crawled_at = utc(2024, 7, 13)
    assert parse_date("2030-01-01", not_after=crawled_at) is None
    assert parse_date("July 14, 2024", not_after=crawled_at) is None
    assert parse_date("July 13, 2024", not_after=crawled_at) == crawled_at


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Updated: 19 November 2019, 09:01 AM", ("updated", utc(2019, 11, 19, 9, 1))),
        ("Last Updated on July 9, 2025", ("updated", utc(2025, 7, 9))),
        ("Uppdaterad 19 november 2019", ("updated", utc(2019, 11, 19))),
        ("Published March 3, 2023", ("published", utc(2023, 3, 3))),
        ("Published: Jan 29, 2025", ("published", utc(2025, 1, 29))),
        ("Posted on August 21, 2019", ("published", utc(2019, 8, 21))),
        ("Posted by Peter Bell on August 21, 2019", ("published", utc(2019, 8, 21))),
        ("July 13, 2024", ("published", utc(2024, 7, 13))),
        ("Publicerad 2023-05-04 08:00", ("published", utc(2023, 5, 4, 8))),
        ("Last Updated: June 2022", None),
        ("Posted in Recipes", None),
    ],
)
def test_parse_date_line(line, expected):
    assert parse_date_line(line) == expected


def test_parse_date_line_rejects_future_dates():
    assert parse_date_line("Updated: 1 January 2031", not_after=utc(2025, 1, 1)) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Content Editor", True),
        ("Co-Founder & Marketing Director", True),
        ("Former McKinsey Consultant", True),
        ("Andrew King", False),
        ("Buying Guides", False),
        ("The editor of this page wrote a long sentence about the weather today", False),
    ],
)
def test_names_a_role(line, expected):
    assert names_a_role(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # Lines of the WCXB dev dumps whose words around the date defeat dateparser.
        ("by whova | Apr 21, 2025", ("published", "Apr 21, 2025")),
        ("[Submitted on 18 Dec 2025]", ("published", "18 Dec 2025")),
        ("Contributor, TechHive Jul 24, 2025 9:00 am PDT", ("published", "Jul 24, 2025")),
        ("Written By Feb 11, 2019 · 3 min read", ("published", "Feb 11, 2019")),
        ("By Haley Hoekstra • March 12, 2025", ("published", "March 12, 2025")),
        ("06.18.2025", ("published", "06.18.2025")),
        ("Av Anna Svensson | 13 juli 2024", ("published", "13 juli 2024")),
        (
            "David Hartshorne•Updated on Jul 4, 2024 •28 min read",
            ("updated", "Jul 4, 2024"),
        ),
        # No full date: a version number, a read time, an IP address.
        ("forward . 10.0.1.128", None),
        ("by Jacob Trussell—10 min read", None),
        ("Version 2.3.1", None),
    ],
)
def test_date_within(line, expected):
    assert date_within(line) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.npr.org/2023/05/01/story", "npr.org"),
        ("https://edition.cnn.com/world", "cnn.com"),
        ("https://home.tarkett.co.uk/en_GB/blog", "tarkett.co.uk"),
        ("http://WWW.Example.COM", "example.com"),
        ("www.aljazeera.com/news", "aljazeera.com"),
        ("http://localhost:8000/a", "localhost"),
        ("http://192.168.1.10/a", "192.168.1.10"),
        ("", None),
        (None, None),
    ],
)
def test_site_from_url(url, expected):
    assert site_from_url(url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The central bank held interest rates steady on Wednesday, citing cooling inflation.",
            "en",
        ),
        (
            "Regeringen presenterade på tisdagen en ny budget för skolan och vården.",
            "sv",
        ),
        (
            "Die Bundesregierung hat am Mittwoch einen neuen Haushalt für das Jahr beschlossen.",
            "de",
        ),
        (
            "El gobierno anunció el martes un nuevo plan para reducir la inflación en el país.",
            "es",
        ),
        ("Hello there", None),
        ("12:30 — 2024", None),
        ("", None),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected
    language, confidence = identify_language(text)
    assert language == expected
    assert (confidence is None) == (expected is None)
    assert confidence is None or 0.5 < confidence <= 1.0


@pytest.mark.parametrize(
    ("headings", "metas", "site_names", "expected"),
    [
        # The visible headline wins when the metadata titles are about the same thing.
        (
            ["Top 10 Health and Nutrition Trends to Watch"],
            ["Health And Nutrition Trends For 2026 - Tastewise"],
            ["Tastewise"],
            ("Top 10 Health and Nutrition Trends to Watch", 0),
        ),
        # Logo and site-name <h1>s are skipped; the one the metadata agrees with is chosen.
        (
            ["Houstonia Magazine", "The Best Trails and Neighborhoods in Houston for Biking"],
            ["Where to Bike in Houston | Houstonia Magazine"],
            ["Houstonia Magazine"],
            ("The Best Trails and Neighborhoods in Houston for Biking", 1),
        ),
        (["davidbau.com"], ["davidbau.com Vibe Coding"], [], (None, None)),
        (
            ["94", "Scalable Interpretability"],
            ["Scalable Interpretability"],
            [],
            ("Scalable Interpretability", 1),
        ),
        # A date or label fused into the <h1> is left out, as the metadata title does.
        (
            ["Dec 18 2025 Preparing a transition in Debusine"],
            ["Preparing a transition in Debusine | Colin Watson's blog"],
            ["Colin Watson's blog"],
            ("Preparing a transition in Debusine", 0),
        ),
        (
            ["Blog: Best Social Media Agencies in 2025"],
            ["Best Social Media Agencies in 2025"],
            [],
            ("Best Social Media Agencies in 2025", 0),
        ),
        # An all-caps display heading yields to the metadata's own casing and wording.
        (
            ["BEST DRIP COFFEE MAKER IN 2026"],
            ["Best Drip Coffee Maker 2026"],
            [],
            ("Best Drip Coffee Maker 2026", 0),
        ),
        # An <h1> unrelated to every metadata title is page furniture.
        (
            ["A message from our sponsor"],
            ["How Google Cloud runs AI inference"],
            [],
            (None, None),
        ),
        (["Plain headline here"], [], [], ("Plain headline here", 0)),
        # A year or a question's opening words belong to the headline; they are no label.
        (
            ["2025 Software Development Price Guide & Hourly Rate Comparison"],
            ["Software Development Price Guide & Hourly Rate Comparison"],
            [],
            ("2025 Software Development Price Guide & Hourly Rate Comparison", 0),
        ),
        (
            ["What’s the Best Video Editing Software for Creators?"],
            ["Best Video Editing Software for Creators"],
            [],
            ("What’s the Best Video Editing Software for Creators?", 0),
        ),
        # A pipe inside the visible headline is part of it, unless it names the site.
        (
            ["Top 10 Cameras of 2025 | The Best Mirrorless Cameras on the Market"],
            ["Top 10 Cameras of 2025 | The Best Mirrorless Cameras on the Market — Myles Photo"],
            ["Myles Photo"],
            ("Top 10 Cameras of 2025 | The Best Mirrorless Cameras on the Market", 0),
        ),
        # After the metadata's headline, a date or a source and count are page furniture
        # (Slashdot's "(latimes.com) 87"); words that go on are the headline's own.
        (
            ["Grads Find Their Degrees No Longer Guarantee Jobs (latimes.com) 87"],
            ["Grads Find Their Degrees No Longer Guarantee Jobs - Slashdot"],
            ["Slashdot"],
            ("Grads Find Their Degrees No Longer Guarantee Jobs", 0),
        ),
        (
            ["Kitchen Appliance Trends Posted on July 1, 2024"],
            ["Kitchen Appliance Trends"],
            [],
            ("Kitchen Appliance Trends", 0),
        ),
        (
            ["Top 7 Innovative Kitchen Appliance Trends from KBIS & IBS 2025"],
            ["Top 7 Innovative Kitchen Appliance Trends | Blog | Encore Realty"],
            ["Encore Realty"],
            ("Top 7 Innovative Kitchen Appliance Trends from KBIS & IBS 2025", 0),
        ),
        (
            ["Podcast Equipment Guide: 5 Pieces You Need + How to Start Your Podcast for $90!"],
            ["Podcast Equipment Guide: 5 Pieces You Need"],
            [],
            ("Podcast Equipment Guide: 5 Pieces You Need + How to Start Your Podcast for $90!", 0),
        ),
    ],
)
def test_choose_title(headings, metas, site_names, expected):
    assert choose_title(headings, metas, site_names) == expected


@pytest.mark.parametrize(
    ("page_title", "cues", "expected"),
    [
        (
            "Engora Data Blog: Small adventures with small language models",
            ["Small adventures with small language models"],
            ["Engora Data Blog"],
        ),
        ("Weekend Coding Agent | TheFocus.AI Labs", ["Weekend Coding Agent"], ["TheFocus.AI Labs"]),
        ("Same as the cue", ["Same as the cue"], []),
        # A domain shown as the logo <h1> is not the headline the title wraps.
        ("davidbau.com Vibe Coding", ["davidbau.com"], []),
        # Leftovers too long to be a name belong to the headline.
        (
            "Why it matters: a long explanation of what it is that we do here today | X",
            ["Why it matters"],
            [],
        ),
    ],
)
def test_site_affixes(page_title, cues, expected):
    assert site_affixes(page_title, cues) == expected


@pytest.mark.parametrize(
    ("page_title", "cues", "site_names", "expected"),
    [
        # The logo <h1> is the known site name, not the headline the title wraps.
        (
            "Best Yoga Retreat Travel Insurance Options | Ambuja Yoga",
            ["Ambuja Yoga", "Travel Insurance For Yoga Retreats"],
            ["Ambuja Yoga", "ambujayoga.com"],
            [],
        ),
        # No separator: the title's "in 2025" continues the headline, it names no site.
        (
            "Best Travel Insurance for Seniors in 2025",
            ["Best Travel Insurance for Seniors"],
            [],
            [],
        ),
        (
            "Where to Bike in Houston | Houstonia Magazine",
            ["Where to Bike in Houston"],
            ["houstoniamag.com"],
            ["Houstonia Magazine"],
        ),
    ],
)
def test_site_affixes_with_known_site_names(page_title, cues, site_names, expected):
    assert site_affixes(page_title, cues, site_names) == expected


@pytest.mark.parametrize(
    ("page_title", "site_names", "expected"),
    [
        # og:site_name holding the headline, beside the part that names gardenary.com.
        (
            "Gardenary Planting vs. Ordinary Planting • Gardenary",
            ["Gardenary Planting vs. Ordinary Planting", "gardenary.com"],
            ["Gardenary Planting vs. Ordinary Planting"],
        ),
        # The site's own name beside the headline stays a site name.
        (
            "Where to Bike in Houston | Houstonia Magazine",
            ["Houstonia Magazine", "houstoniamag.com"],
            [],
        ),
        # Without a domain there is nothing to tell the two parts apart.
        ("Planting Guide • Gardenary", ["Planting Guide"], []),
    ],
)
def test_declared_headlines(page_title, site_names, expected):
    assert declared_headlines(page_title, site_names) == expected


@pytest.mark.parametrize(
    ("names", "site_names", "expected"),
    [
        (["Buzzsprout"], ["Buzzsprout", "buzzsprout.com"], []),
        (["Human"], ["Human in the Loop"], []),
        # A personal site named after its author keeps the author.
        (["Pierce Freeman"], ["Pierce Freeman", "piercefreeman.com"], ["Pierce Freeman"]),
        (["Alexa", "Jane Doe"], ["Example Times"], ["Alexa", "Jane Doe"]),
    ],
)
def test_drop_site_authors(names, site_names, expected):
    assert drop_site_authors(names, site_names) == expected


def test_parse_authors_splits_at_dot_operator():
    assert parse_authors("Ben Applebaum-Bauch ⋅ Review") == ["Ben Applebaum-Bauch"]


@pytest.mark.parametrize(
    "text",
    [
        "July 13, 2024",
        "Mar 8, 2024",
        "Sept 9, 2021",
        "November 24, 2016 at 4:32 pm",
        "December 19, 2025, 12:26 am",
        "December 20, 2025 at 14:01",
        "20 Dec 2025, 11:59",
        "30 Sep 2022, 11:07am",
        "29th August, 2023",
        "Tuesday, July 13, 2024",
        "Mon, 3 Feb 2025",
    ],
)
def test_common_english_dates_skip_dateparser_with_its_answer(text):
    fast = metadata._parse_english(text)
    assert fast is not None
    slow = dateparser.parse(text, languages=["en"], settings=metadata._DATEPARSER_SETTINGS)
    assert fast == slow.replace(tzinfo=None)


@pytest.mark.parametrize(
    "text", ["Smarch 3, 2024", "February 30, 2024", "July 13, 2024 at 14:01 pm", "4/1/2024"]
)
def test_what_the_english_reader_cannot_read_is_left_to_dateparser(text):
    assert metadata._parse_english(text) is None
