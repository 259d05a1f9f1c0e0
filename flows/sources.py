"""Finding and reading input files: a folder, a glob or one file, local or at an fsspec URL."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import fsspec

SUPPORTED_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml")


class SourceError(RuntimeError):
    """The source names nothing that can be read."""


@dataclass(frozen=True, slots=True)
class InputFile:
    """A discovered input: where it is, its size and modification time."""

    source_uri: str
    path: Path | str  # a local Path, or a path inside `protocol`'s file system
    size_bytes: int
    modified_at: datetime | None
    protocol: str | None = None

    def read_bytes(self) -> bytes:
        if self.protocol is None:
            return Path(self.path).read_bytes()
        return fsspec.filesystem(self.protocol).cat_file(self.path)


def is_supported(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(SUPPORTED_SUFFIXES)


def _is_url(source: str) -> bool:
    return "://" in source and not source.startswith("file://")


def _modified(info: dict) -> datetime | None:
    """Modification time from an fsspec info dict (keys differ by file system)."""
    for key in ("LastModified", "mtime", "created", "last_modified"):
        value = info.get(key)
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC)
    return None


def _discover_url(source: str) -> tuple[list[InputFile], int]:
    fs, root = fsspec.core.url_to_fs(source)
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    ignored = 0
    if glob.has_magic(root):
        infos = fs.glob(root, detail=True)
    elif fs.isdir(root):
        infos = {}
        for path, info in fs.find(root, detail=True).items():
            name = path.rsplit("/", 1)[-1]
            if name.startswith(".") or any(p.startswith(".") for p in path.split("/")[:-1]):
                continue
            if is_supported(Path(name)):
                infos[path] = info
            else:
                ignored += 1
    elif fs.isfile(root):
        infos = {root: fs.info(root)}
    else:
        raise SourceError(f"source {source} does not exist")
    found = [
        InputFile(
            source_uri=fs.unstrip_protocol(path),
            path=path,
            size_bytes=int(info.get("size") or 0),
            modified_at=_modified(info),
            protocol=protocol,
        )
        for path, info in sorted(infos.items())
        if info.get("type", "file") == "file"
    ]
    if not found and not ignored and glob.has_magic(root):
        raise SourceError(f"source {source} matches no files")
    return found, ignored


def discover(source: str) -> tuple[list[InputFile], int]:
    """(input files sorted by path, count of files skipped for an unsupported suffix).

    A folder is walked recursively for supported suffixes; a glob or a single file is
    taken as given. Hidden files and folders are skipped. Sources with a URL scheme
    (memory://, s3://, ...) go through fsspec; file:// is the local disk.
    """
    if _is_url(source):
        return _discover_url(source)
    source = source.removeprefix("file://")
    if glob.has_magic(source):
        paths = [Path(p) for p in glob.glob(source, recursive=True)]
        candidates, ignored = [p for p in paths if p.is_file()], 0
    else:
        root = Path(source)
        if root.is_file():
            candidates, ignored = [root], 0
        elif root.is_dir():
            candidates, ignored = [], 0
            for folder, dirs, files in os.walk(root, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in files:
                    path = Path(folder) / name
                    # A dangling symlink is kept: reading it fails, and it is quarantined.
                    if name.startswith(".") or not (path.is_file() or path.is_symlink()):
                        continue
                    if is_supported(path):
                        candidates.append(path)
                    else:
                        ignored += 1
        else:
            raise SourceError(f"source {source} does not exist")
    found = []
    for path in sorted(candidates):
        try:
            stat = path.stat()
        except OSError:
            if not path.is_symlink():
                continue  # vanished between listing and stat: not an input any more
            found.append(InputFile(str(path.absolute()), path, 0, None))
            continue
        found.append(
            InputFile(
                source_uri=str(path.absolute()),
                path=path,
                size_bytes=stat.st_size,
                modified_at=datetime.fromtimestamp(stat.st_mtime, UTC),
            )
        )
    if not found and not ignored and glob.has_magic(source):
        raise SourceError(f"source {source} matches no files")
    return found, ignored
