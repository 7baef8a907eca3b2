"""Tiles fetched over the network, kept on disk so the map still shows them when the server is gone.

One file per tile (`z/x/y.tile`), written to a temporary name and renamed, so a crash or a concurrent
reader never sees half a tile. Reads refresh the file's mtime, and pruning deletes the oldest mtimes
first: least recently used, at the cost of one utime per hit. Only tiles that decoded are stored.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

SUFFIX = ".tile"


class DiskCache:
    def __init__(self, root: Path | str, max_bytes: int = 512 * 1024 * 1024) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._total = sum(size for _, _, size in self._entries())

    def path(self, z: int, x: int, y: int) -> Path:
        return self.root / str(z) / str(x) / f"{y}{SUFFIX}"

    def get(self, z: int, x: int, y: int) -> bytes | None:
        path = self.path(z, x, y)
        try:
            data = path.read_bytes()
            os.utime(path)
        except OSError:  # absent, or pruned by another thread between read and utime
            return None
        return data

    def put(self, z: int, x: int, y: int, data: bytes) -> None:
        path = self.path(z, x, y)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            old = path.stat().st_size if path.exists() else 0
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        with self._lock:
            self._total += len(data) - old
            if self._total > self.max_bytes:
                self._prune(int(self.max_bytes * 0.9))

    def discard(self, z: int, x: int, y: int) -> None:
        """Drop a tile found to be undecodable (a disk error, or written by an older version)."""
        path = self.path(z, x, y)
        with contextlib.suppress(OSError):
            size = path.stat().st_size
            path.unlink()
            with self._lock:
                self._total -= size

    @property
    def total_bytes(self) -> int:
        return self._total

    def _entries(self) -> list[tuple[float, Path, int]]:
        entries = []
        for dirpath, _, files in os.walk(self.root):
            for name in files:
                if name.endswith(SUFFIX):
                    path = Path(dirpath, name)
                    with contextlib.suppress(OSError):
                        st = path.stat()
                        entries.append((st.st_mtime, path, st.st_size))
        return entries

    def _prune(self, target: int) -> None:
        for _, path, size in sorted(self._entries(), key=lambda e: e[0]):
            if self._total <= target:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                self._total -= size
