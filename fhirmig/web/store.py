"""The one diary file the page keeps: read through the diary reader, saved only when valid.

Every change is made on the diary's JSON data and then goes through
:func:`fhirmig.diary.reader.diary_from_raw`, the same model and checks as
``fhirmig validate``. Only a diary that passes is written, atomically and with mode 0600
(:func:`fhirmig.diary.write_diary`); a refused change leaves the file as it was, byte for
byte. Reading is cached on the file's size, time and inode, so a page shown twice does not
parse the diary twice, and a change made outside the page (an editor, the CLI) is seen at
once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fhirmig.diary import Diary, diary_to_json, read_diary, write_diary
from fhirmig.diary.reader import diary_from_raw
from fhirmig.errors import DiaryError, Problem

__all__ = ["DiaryStore", "Refused"]


class Refused(Exception):
    """A change the diary checks refused; nothing was written."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


Change = Callable[[dict[str, Any]], None]


class DiaryStore:
    """The diary file at ``path``: cached reads and validated, atomic, serialised writes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._cached: tuple[tuple[int, int, int], Diary] | None = None

    def exists(self) -> bool:
        """True once the diary file exists."""
        return self.path.is_file()

    def _stamp(self) -> tuple[int, int, int]:
        st = os.stat(self.path)
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def load(self) -> Diary:
        """The diary as it is on disk now (raises the reader's errors)."""
        stamp = self._stamp()
        cached = self._cached
        if cached is not None and cached[0] == stamp:
            return cached[1]
        diary = read_diary(self.path)
        self._cached = (stamp, diary)
        return diary

    def change(self, edit: Change) -> Diary:
        """Apply ``edit`` to the diary's JSON data, check the result and write it.

        Raises :class:`Refused` with every problem when the changed diary does not pass the
        checks; the file is then left untouched.
        """
        with self._lock:
            data = diary_to_json(self.load())
            edit(data)
            return self._write(data)

    def create(self, data: dict[str, Any]) -> Diary:
        """Write a new diary from ``data``; refuses to replace an existing file."""
        with self._lock:
            if self.path.exists():
                raise Refused((Problem(str(self.path), "", "a diary file is already there"),))
            return self._write(data)

    def update(self, compute: Callable[[Diary], Diary | None]) -> Diary:
        """Write ``compute(diary)`` (a checked diary, e.g. a merged import) over the file.

        ``compute`` sees the diary as it is on disk now and runs under the store's lock; when
        it returns None nothing is written.
        """
        with self._lock:
            current = self.load()
            changed = compute(current)
            if changed is None:
                return current
            write_diary(changed, self.path)
            self._cached = None
            return changed

    def _write(self, data: dict[str, Any]) -> Diary:
        try:
            diary = diary_from_raw(data, str(self.path))
        except DiaryError as exc:
            raise Refused(tuple(exc.problems)) from None
        write_diary(diary, self.path)
        self._cached = None
        return diary
