"""Admin storage: the audit log of content changes, the event rows /stats and /missed
read, and the atomic write that puts an edit into the overlay file (BOT_OVERLAY).

The audit log (table admin_changes, migration 3 in db.py) keeps who changed what and when, the
edited field before and after, and the entry's overlay state before and after (YAML),
which is what /undo restores. Rows carry the admin's Telegram id; the admin's /forget
replaces it with a negative pseudonym (PSEUDONYMISED_TABLES) and keeps the rows, because
the edits stay live and must stay visible in /changes and undoable.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from bot.storage.db import Store

COLUMNS = (
    "id, at, admin_id, kind, entry_id, summary, old_value, new_value, "
    "state_before, state_after, undoes, undone_by"
)


# --- files ----------------------------------------------------------------------------------


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` with `text` so that it is the old file or the new one, never half of
    either: a temporary file in the same folder, fsync, os.replace, fsync of the folder.
    Empty text removes the file (os.remove is atomic too)."""
    path = Path(path)
    if not text:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
        _fsync_dir(path.parent)
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # not possible on every platform; the rename itself is atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- the audit log ------------------------------------------------------------------------


def record_change(
    store: Store,
    *,
    admin_id: int,
    kind: str,
    entry_id: str,
    summary: str,
    old_value: str | None = None,
    new_value: str | None = None,
    state_before: str | None = None,
    state_after: str | None = None,
    undoes: int | None = None,
    write: Callable[[], None] | None = None,
) -> int:
    """Record a change and run `write` (the file write) so that a crash at any point can be
    settled: the row is committed as pending first, then the file is written, then the row
    is marked done. A failed write deletes the row, so the log never shows a change that
    did not happen; a crash leaves a pending row for `settle_pending` at the next start."""
    with store.lock:
        conn = store.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            cur = conn.execute(
                "INSERT INTO admin_changes (at, admin_id, kind, entry_id, summary, old_value, "
                "new_value, state_before, state_after, undoes, pending) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (store.clock(), admin_id, kind, entry_id, summary, old_value, new_value,
                 state_before, state_after, undoes, int(write is not None)),
            )  # fmt: skip
            change_id = int(cur.lastrowid)
            if write is None:
                _link_undo(conn, change_id, undoes)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if write is None:
            return change_id
        try:
            write()
        except BaseException:
            conn.execute("DELETE FROM admin_changes WHERE id = ? AND pending = 1", (change_id,))
            raise
        _finish(conn, change_id, undoes)
    return change_id


def _link_undo(conn: sqlite3.Connection, change_id: int, undoes: int | None) -> None:
    if undoes is None:
        return
    undone = conn.execute("SELECT undoes FROM admin_changes WHERE id = ?", (undoes,)).fetchone()
    conn.execute("UPDATE admin_changes SET undone_by = ? WHERE id = ?", (change_id, undoes))
    if undone and undone["undoes"] is not None:  # undoing an undo: the change is back
        conn.execute("UPDATE admin_changes SET undone_by = NULL WHERE id = ?", (undone["undoes"],))


def _finish(conn: sqlite3.Connection, change_id: int, undoes: int | None) -> None:
    """Mark a pending change done (its file was written), in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("UPDATE admin_changes SET pending = 0 WHERE id = ?", (change_id,))
        _link_undo(conn, change_id, undoes)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def settle_pending(store: Store, written: Callable[[dict], bool]) -> tuple[list[int], list[int]]:
    """After a crash: each pending change whose file write happened (`written(row)`) is
    marked done, the others are deleted. Returns (kept ids, dropped ids)."""
    kept, dropped = [], []
    with store.lock:
        rows = store.conn.execute(
            f"SELECT {COLUMNS} FROM admin_changes WHERE pending = 1 ORDER BY id"
        ).fetchall()
        for row in map(dict, rows):
            if written(row):
                _finish(store.conn, row["id"], row["undoes"])
                kept.append(row["id"])
            else:
                store.conn.execute("DELETE FROM admin_changes WHERE id = ?", (row["id"],))
                dropped.append(row["id"])
    return kept, dropped


def get_change(store: Store, change_id: int) -> dict | None:
    row = store._exec(f"SELECT {COLUMNS} FROM admin_changes WHERE id = ?", (change_id,)).fetchone()
    return dict(row) if row else None


def last_undoable(store: Store) -> dict | None:
    """The newest edit that is in effect (not an undo, a reload, or undone already)."""
    row = store._exec(
        f"SELECT {COLUMNS} FROM admin_changes WHERE kind NOT IN ('undo', 'reload') "
        "AND undone_by IS NULL ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return dict(row) if row else None


def later_changes(store: Store, entry_id: str, after_id: int) -> list[dict]:
    rows = store._exec(
        f"SELECT {COLUMNS} FROM admin_changes WHERE entry_id = ? AND id > ? "
        "AND kind != 'reload' ORDER BY id",
        (entry_id, after_id),
    ).fetchall()
    return [dict(r) for r in rows]


def recent_changes(store: Store, limit: int = 15) -> list[dict]:
    rows = store._exec(
        f"SELECT {COLUMNS} FROM admin_changes ORDER BY id DESC LIMIT ?", (limit,)
    ).fetchall()
    return [dict(r) for r in rows]


# --- events for /stats and /missed ----------------------------------------------------------


def unanswered_since(store: Store, since: float, limit: int) -> list[tuple[str, str, float, str]]:
    rows = store._exec(
        "SELECT text, lang, at, channel FROM unanswered WHERE at >= ? ORDER BY at DESC LIMIT ?",
        (since, limit),
    ).fetchall()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def asked_since(store: Store, since: float) -> list[tuple[str | None, str, str, float, str]]:
    rows = store._exec(
        "SELECT entry_id, decision, lang, at, channel FROM asked WHERE at >= ?", (since,)
    ).fetchall()
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def feedback_since(store: Store, since: float) -> list[tuple[str, int, float]]:
    rows = store._exec(
        "SELECT entry_id, helpful, at FROM feedback WHERE at >= ?", (since,)
    ).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


def quiz_plays_since(store: Store, since: float) -> list[float]:
    """When each quiz round began (its first question was sent); [] without a quiz table."""
    try:
        rows = store._exec(
            "SELECT sent_at FROM quiz_polls WHERE qindex = 0 AND sent_at >= ?", (since,)
        ).fetchall()
    except sqlite3.OperationalError:  # no quiz in this database
        return []
    return [r[0] for r in rows]
