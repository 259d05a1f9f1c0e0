"""Finding and reading input files (a folder, a glob or one file)."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml")


class SourceError(RuntimeError):
    """The source names nothing that can be read."""


@dataclass(frozen=True, slots=True)
class InputFile:
    """A discovered input: where it is, its size and modification time."""

    source_uri: str
    path: Path
    size_bytes: int
    modified_at: datetime


def is_supported(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(SUPPORTED_SUFFIXES)


def _has_magic(source: str) -> bool:
    return glob.has_magic(source)


def discover(source: str) -> tuple[list[InputFile], int]:
    """(input files sorted by path, count of files skipped for an unsupported suffix).

    A folder is walked recursively for supported suffixes; a glob or a single file is
    taken as given. Hidden files and folders are skipped.
    """
    if _has_magic(source):
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
                    if name.startswith(".") or not path.is_file():
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
            continue  # vanished between listing and stat: not an input any more
        found.append(
            InputFile(
                source_uri=str(path.absolute()),
                path=path,
                size_bytes=stat.st_size,
                modified_at=datetime.fromtimestamp(stat.st_mtime, UTC),
            )
        )
    if not found and not ignored and _has_magic(source):
        raise SourceError(f"source {source} matches no files")
    return found, ignored
