import pytest

from transforms.outlets import canonical_outlet, find_outlet, parse_outlets, shipped_outlets


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Spellings, domains and URLs of one outlet give one name.
        ("Elcomercio", "El Comercio"),
        ("elcomercio.pe", "El Comercio"),
        ("El Comercio", "El Comercio"),
        ("https://edition.cnn.com/2024/02/21/europe/story", "CNN"),
        ("CNN Wire", "CNN"),
        ("AP", "Associated Press"),
        ("www.aljazeera.com", "Al Jazeera"),
        ("bbc.co.uk", "BBC"),
        ("BBC News", "BBC"),
        ("  Reuters ", "Reuters"),
        # Outlets the mapping does not know keep their own name, spaces tidied.
        ("Westside  People", "Westside People"),
        ("example-news.org", "example-news.org"),
        (None, None),
        ("   ", None),
    ],
)
def test_canonical_outlet(value, expected):
    assert canonical_outlet(value) == expected


@pytest.mark.parametrize("value", ["Comercio", "news.com", "The", "cnn.com.evil.org"])
def test_near_misses_are_not_outlets(value):
    assert find_outlet(value) is None


def test_the_shipped_mapping_loads_and_names_each_outlet_once():
    index = shipped_outlets()
    names = [o.name for o in index.outlets]
    assert len(names) == len(set(names)) >= 20
    assert index.by_domain["reuters.com"].name == "Reuters"


def test_an_edited_mapping_is_used_and_conflicts_are_refused():
    index = parse_outlets('["Le Temps"]\ndomains = ["letemps.ch"]\nspellings = ["LeTemps"]\n')
    assert canonical_outlet("https://www.letemps.ch/monde", index) == "Le Temps"
    with pytest.raises(ValueError, match="names both"):
        parse_outlets('["A"]\nspellings = ["X"]\n["B"]\nspellings = ["X"]\n')
