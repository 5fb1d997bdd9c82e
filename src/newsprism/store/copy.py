"""Copy a whole store to another backend (SQLite -> PostgreSQL when a desk moves to a shared server, or
back), resumable: the copy writes in batches, records after each how far it got in the target, and a
copy run again goes on from there. Rows keep their ids, so story ids, links and jobs stay valid."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

from . import StoreError
from .sql import SQLStore

_PROGRESS = "copy:progress"  # the target's meta row recording, per table, the last key copied


@dataclass
class CopyReport:
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)  # copied in this run, per table
    resumed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "rows": self.rows, "resumed": self.resumed}


def copy_store(source: SQLStore, target: SQLStore, batch: int = 1000,
               on_progress: Callable[[str, int, int], None] | None = None) -> CopyReport:
    """Copy every table of ``source`` into ``target``, parents before children. ``on_progress(table, done,
    total)`` follows it. The target is new, or holds an earlier copy of this source (stopped midway, or
    done and now brought up to date): rows keep their ids, which another store's rows would collide with."""
    raw = target.get_meta(_PROGRESS)
    progress: dict[str, Any] = json.loads(raw) if raw else {}
    if not progress and target.count_rows("articles") and target.count_rows("articles") != len(
            set(target.article_ids()) & set(source.article_ids())):
        raise StoreError(f"{target.path} already holds articles of another store: copy into a new one")
    report = CopyReport(source.path, target.path, resumed=bool(progress))
    with target.copy_target():
        for table in SQLStore.TABLES:
            total = source.count_rows(table)
            mark = progress.get(table)
            if mark == "done":
                continue
            after = tuple(mark) if mark else None
            done = 0
            while True:
                rows = source.dump_rows(table, after, batch)
                if table == "meta":  # a copy's own bookkeeping is not data
                    rows_to_load = [r for r in rows if not str(r[0]).startswith("copy:")]
                else:
                    rows_to_load = rows
                if table == "stories":
                    # A merged story points at the story it became, which may come in a later batch:
                    # its pointer is set once every story is in.
                    rows_to_load = [(*r[:3], None) for r in rows]
                if rows_to_load:
                    target.load_rows(table, rows_to_load)
                if not rows:
                    break
                after = tuple(rows[-1][SQLStore.TABLES[table].index(k)] for k in SQLStore.KEYS[table])
                done += len(rows)
                report.rows[table] = report.rows.get(table, 0) + len(rows)
                progress[table] = list(after)
                target.put_meta(_PROGRESS, json.dumps(progress))
                if on_progress:
                    on_progress(table, done, total)
            if table == "stories":
                merges = [r for r in source.dump_rows("stories", None, 10**9) if r[3] is not None]
                if merges:
                    target.load_rows("stories", merges)
            progress[table] = "done"
            target.put_meta(_PROGRESS, json.dumps(progress))
    target.delete_meta(_PROGRESS)
    return report
