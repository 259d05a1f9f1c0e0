"""A generated corpus of hostile and broken inputs through the real flow: every input is
accounted for, each bad one has its reason, the good ones beside them load, nothing hangs."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from flows.pipeline import newsetl_flow
from tests.conftest import REPO, SAMPLES

pytestmark = pytest.mark.flow

SEED = SAMPLES / "seeds" / "000_f821f3d7de1c528f.txt"
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]><html><body><p>&lol9;</p></body></html>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<html><body><p>&xxe;</p></body></html>"
)


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def build(root):
    """The hostile corpus: (expected reason or 'loaded') per file name."""
    root.mkdir()
    seed = SEED.read_text(encoding="utf-8")
    files = {
        "empty.txt": (b"", "empty_file"),
        "blank.txt": (b" \n\t\n  ", "empty_file"),
        "image.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary_file"),
        "nul.txt": (seed.encode() + b"\x00\x00\x00" * 50, "binary_file"),
        "bomb.txt.gz": (gzip.compress(b"\x00" * 8_000_000), "too_large_decompressed"),
        "truncated.html.gz": (_truncated(gzip.compress(SEED.read_bytes())), "bad_gzip"),
        "big.txt": (b"word " * 1_200_000, "too_large"),
        "many-tags.html": (
            b"<html><body>" + b"<b>x</b>" * 60_000 + b"</body></html>",
            "too_many_elements",
        ),
        "billion-laughs.xhtml": (BILLION_LAUGHS.encode(), "no_text"),
        "xxe.html": (XXE.encode(), "no_text"),
        "script-only.html": (
            b"<html><head><script>var a = 1;"
            + b"a++;" * 5000
            + b"</script></head><body></body></html>",
            "no_text",
        ),
        "login.html": (
            b"<html><body><form><p>Please sign in to continue.</p>"
            b"<input name=user></form></body></html>",
            "not_an_article",
        ),
        "listing.html": (
            (
                "<html><body><main><h1>Latest news</h1><ul>"
                + "".join(
                    f'<li><a href="/story/{i}">Council votes on new budget plan {i}</a></li>'
                    for i in range(40)
                )
                + "</ul></main></body></html>"
            ).encode(),
            "not_an_article",
        ),
        "deep.html": (
            (
                "<html><body>"
                + "<div>" * 50_000
                + "<p>"
                + seed[200:1500]
                + "</p>"
                + "</div>" * 50_000
                + "</body></html>"
            ).encode(),
            "too_many_elements",
        ),
        "huge-attribute.html": (
            (
                '<html><body><div data-x="'
                + "a" * 1_000_000
                + '"><p>'
                + seed[:2000]
                + "</p></div></body></html>"
            ).encode(),
            "loaded",
        ),
        "latin1 svensk text.txt": (
            seed.replace("Putin", "Kreml").encode("latin-1", "replace"),
            "loaded",
        ),
        "utf16.txt": (seed.replace("Putin", "Moskva").encode("utf-16"), "loaded"),
        "bom.txt": (b"\xef\xbb\xbf" + seed.replace("Putin", "Peking").encode(), "loaded"),
        "mojibake.txt": (
            seed.replace("Putin", "Lavrov").encode().decode("cp1252", "replace").encode(),
            "loaded",
        ),
        "ünïcödé name, with spaces.txt": (seed.replace("Putin", "Xi").encode(), "loaded"),
    }
    for name, (data, _) in files.items():
        (root / name).write_bytes(data)
    shutil.copy(SEED, root / "seed.txt")
    os.symlink(root / "seed.txt", root / "link-to-seed.txt")
    os.symlink(root / "missing.txt", root / "dangling.txt")
    os.symlink(root, root / "loop")  # a folder that contains itself
    expected = {name: reason for name, (_, reason) in files.items()}
    # link-to-seed.txt sorts first: it loads, and the seed itself is its duplicate.
    expected.update(
        {"link-to-seed.txt": "loaded", "seed.txt": "duplicate", "dangling.txt": "unreadable"}
    )
    return expected


def test_hostile_corpus_is_accounted_for(prefect_server, tmp_path):
    landing = tmp_path / "landing"
    expected = build(landing)
    warehouse = tmp_path / "w.duckdb"
    summary = newsetl_flow(
        source=str(landing),
        warehouse=str(warehouse),
        max_input_bytes=5_000_000,
        max_decompressed_bytes=5_000_000,
        max_html_elements=100_000,
        doc_timeout_seconds=30,
    )
    assert summary["status"] == "success", summary["error"]
    assert summary["inputs_seen"] == len(expected)
    assert summary["seconds"] < 120

    con = duckdb.connect(str(warehouse), read_only=True)
    outcome = {
        uri.rsplit("/", 1)[-1]: (state, reason)
        for uri, state, reason in con.execute(
            "select i.source_uri, i.outcome, q.reason from inputs i "
            "left join quarantine q using (source_uri)"
        ).fetchall()
    }
    texts = " ".join(t for (t,) in con.execute("select text from articles").fetchall())
    encodings_fixed = con.execute(
        "select count(*) from articles where text like '%träffade%'"
    ).fetchone()[0]
    con.close()

    assert set(outcome) == set(expected)  # every input, once
    for name, want in expected.items():
        state, reason = outcome[name]
        if want in ("loaded", "duplicate"):
            assert state == want, (name, state, reason)
        else:
            assert (state, reason) == ("quarantined", want), name
    assert "root:" not in texts  # no external entity was resolved
    assert "lollollol" not in texts  # no entity was expanded
    assert encodings_fixed >= 5  # Latin-1, UTF-16, BOM, mojibake and the unicode name


@pytest.mark.slow
def test_a_folder_of_100_000_tiny_files(prefect_server, tmp_path):
    landing = tmp_path / "landing"
    for i in range(100_000):
        folder = landing / f"{i // 1000:03d}"
        if i % 1000 == 0:
            folder.mkdir(parents=True)
        (folder / f"t{i}.txt").write_bytes(b"" if i % 3 == 0 else f"tiny note {i}".encode())
    warehouse = str(tmp_path / "w.duckdb")
    first = newsetl_flow(source=str(landing), warehouse=warehouse, batch_size=2000)
    assert first["status"] == "success", first["error"]
    assert first["quarantine_reasons"] == {"extract/no_text": 66_666, "ingest/empty_file": 33_334}
    again = newsetl_flow(source=str(landing), warehouse=warehouse, batch_size=2000)
    assert (again["status"], again["inputs_unchanged"]) == ("no_op", 100_000)


def test_a_file_without_read_permission_is_quarantined_as_unreadable(tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text("secret text")
    locked.chmod(0)
    # Root reads anything: the child imports as itself, then drops to 'nobody' to read.
    code = (
        "import os, sys\n"
        "from flows.work import read_input\n"
        "from flows.settings import Settings\n"
        "from flows.sources import discover\n"
        "files, _ = discover(sys.argv[1])\n"
        "if os.getuid() == 0:\n"
        "    os.setgid(65534); os.setuid(65534)\n"
        "r = read_input(files[0], Settings().read_limits)\n"
        "print(r.stage, r.reason, r.detail)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ingest unreadable PermissionError")
