"""One writer at a time: an advisory lock file beside the warehouse."""

from __future__ import annotations

import fcntl
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from warehouse.duck import WarehouseError


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse's writer lock."""


class WriterLock:
    """Exclusive lock on <warehouse>.lock; the OS releases it if the holder dies (even kill -9)."""

    def __init__(self, warehouse: Path, *, wait_seconds: float = 0.0):
        self.path = warehouse.with_name(warehouse.name + ".lock")
        self.wait_seconds = wait_seconds
        self._fd: int | None = None

    def __enter__(self) -> WriterLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise WarehouseError(
                f"cannot open warehouse {self.path.with_suffix('')}: {exc}"
            ) from exc
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode(errors="replace").strip()
                    os.close(fd)
                    raise WarehouseBusy(
                        f"another newsetl run is writing to {self.path.with_suffix('')} "
                        f"({holder or 'holder unknown'}); wait for it, or pass --wait SECONDS"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(
            fd, f"pid {os.getpid()} since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC".encode(), 0
        )
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
