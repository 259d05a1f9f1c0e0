import pytest

from flows.sources import SourceError, discover


@pytest.fixture
def landing(tmp_path):
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html.gz").write_bytes(b"b")
    (tmp_path / "sub" / "c.HTM").write_text("c")
    (tmp_path / "notes.md").write_text("not an input")
    (tmp_path / ".hidden.txt").write_text("skipped")
    return tmp_path


def names(found):
    return [f.path.name for f in found]


def test_folder_is_walked_for_supported_files(landing):
    found, ignored = discover(str(landing))
    assert names(found) == ["a.txt", "b.html.gz", "c.HTM"]
    assert ignored == 1
    assert all(f.source_uri.startswith("/") for f in found)


def test_glob_and_single_file(landing):
    assert names(discover(str(landing / "**" / "*.gz"))[0]) == ["b.html.gz"]
    assert names(discover(str(landing / "notes.md"))[0]) == ["notes.md"]


@pytest.mark.parametrize("source", ["/no/such/folder", "/no/such/*.txt"])
def test_missing_sources_raise(source):
    with pytest.raises(SourceError):
        discover(source)
