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


@pytest.fixture
def memory_landing():
    import fsspec

    fs = fsspec.filesystem("memory")
    root = "/landing-test"
    fs.pipe(f"{root}/a.txt", b"a")
    fs.pipe(f"{root}/sub/b.html.gz", b"bb")
    fs.pipe(f"{root}/notes.md", b"not an input")
    fs.pipe(f"{root}/.hidden/c.txt", b"skipped")
    yield "memory://" + root
    fs.rm(root, recursive=True)


def test_fsspec_url_folder_glob_and_file(memory_landing):
    found, ignored = discover(memory_landing)
    assert [f.source_uri for f in found] == [
        "memory:///landing-test/a.txt",
        "memory:///landing-test/sub/b.html.gz",
    ]
    assert ignored == 1
    assert [f.size_bytes for f in found] == [1, 2]
    assert found[1].read_bytes() == b"bb"
    assert names_of(discover(memory_landing + "/**/*.gz")[0]) == ["b.html.gz"]
    assert names_of(discover(memory_landing + "/a.txt")[0]) == ["a.txt"]
    with pytest.raises(SourceError):
        discover(memory_landing + "/missing")


def test_file_url_is_the_local_disk(landing):
    assert names(discover(f"file://{landing}")[0]) == ["a.txt", "b.html.gz", "c.HTM"]


def names_of(found):
    return [f.source_uri.rsplit("/", 1)[-1] for f in found]
