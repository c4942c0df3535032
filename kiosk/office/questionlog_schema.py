"""The question log's schema: its migrations, in order, each run once inside one locked transaction. The file's
``user_version`` says how many have run, so the kiosk and the office opening the log together migrate it once.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk import sqldb
from kiosk.requests.repo.schema import ALL_DAYS, one_if

_TURNS = """
CREATE TABLE IF NOT EXISTS turns (
    id TEXT PRIMARY KEY, at TEXT NOT NULL, question TEXT NOT NULL, topic TEXT NOT NULL, intent TEXT NOT NULL,
    answered INTEGER NOT NULL, engine TEXT NOT NULL, document TEXT NOT NULL, latency_ms REAL NOT NULL,
    helpful INTEGER, reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS turns_at ON turns(at);
CREATE INDEX IF NOT EXISTS turns_topic ON turns(topic, answered);
-- the last day a question was asked (or refused) is found again from these when a deleted turn was that day's
CREATE INDEX IF NOT EXISTS turns_questions ON turns(intent, question, at);
DROP INDEX IF EXISTS turns_outcomes;
CREATE INDEX IF NOT EXISTS turns_unanswered ON turns(intent, answered, topic, question, at);
"""
# The barometer's turns per day, intent, topic and outcome with their 👍 and 👎, kept by triggers so every writer
# and the purge keep them exact: counting a period's questions and each topic's refusals then sums a few thousand
# rows instead of reading two million. IF NOT EXISTS and filled only when empty: logs written before the log had
# numbered migrations may hold these already.
_TURN_KEY = "day, intent, topic, answered"
_UP, _DOWN = one_if("{r}.helpful = 1"), one_if("{r}.helpful = 0")
_TURN_ADD = (f"INSERT INTO turn_days ({_TURN_KEY}, n, up, down) VALUES (substr(NEW.at, 1, 10), NEW.intent, NEW.topic,"
             f" NEW.answered, 1, {_UP.format(r='NEW')}, {_DOWN.format(r='NEW')}) ON CONFLICT ({_TURN_KEY}) DO UPDATE"
             " SET n = turn_days.n + 1, up = turn_days.up + excluded.up, down = turn_days.down + excluded.down;")
_TURN_WHERE = "day = substr(OLD.at, 1, 10) AND intent = OLD.intent AND topic = OLD.topic AND answered = OLD.answered"
_TURN_REMOVE = (f"UPDATE turn_days SET n = n - 1, up = up - {_UP.format(r='OLD')}, down = down - {_DOWN.format(r='OLD')}"
                f" WHERE {_TURN_WHERE}; DELETE FROM turn_days WHERE {_TURN_WHERE} AND n = 0;")
_TURN_DAYS = f"""
CREATE TABLE IF NOT EXISTS turn_days (day TEXT NOT NULL, intent TEXT NOT NULL, topic TEXT NOT NULL, answered INTEGER NOT NULL,
    n INTEGER NOT NULL, up INTEGER NOT NULL, down INTEGER NOT NULL, PRIMARY KEY ({_TURN_KEY})) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS turn_days_insert AFTER INSERT ON turns BEGIN {_TURN_ADD} END;
CREATE TRIGGER IF NOT EXISTS turn_days_delete AFTER DELETE ON turns BEGIN {_TURN_REMOVE} END;
CREATE TRIGGER IF NOT EXISTS turn_days_update AFTER UPDATE OF at, intent, topic, answered, helpful ON turns BEGIN {_TURN_REMOVE} {_TURN_ADD} END;
INSERT INTO turn_days SELECT substr(at, 1, 10), intent, topic, answered, COUNT(*), SUM({_UP.format(r='turns')}),
    SUM({_DOWN.format(r='turns')})
    FROM turns WHERE NOT EXISTS (SELECT 1 FROM turn_days) GROUP BY 1, 2, 3, 4;
"""

def _counted_once(table: str, key: tuple[str, ...]) -> str:
    """The conflict clause that counts one more turn in the row kept under ``key``, keeping its latest day."""
    return (f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET n = {table}.n + 1, last = CASE WHEN excluded.last >"
            f" {table}.last THEN excluded.last ELSE {table}.last END")


def _triggered(table: str, period: str, key: tuple[str, ...], add: Callable[[str], str],
               remove: Callable[[str], str]) -> str:
    """A count table per ``period`` (day or month) and ``key``, made afresh with the triggers that keep it on the
    turns: the frame _kept and _monthly share; each fills it its own way."""
    columns = ", ".join(f"{k} {'INTEGER' if k == 'answered' else 'TEXT'} NOT NULL" for k in key)
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in ("at", "answered", *key))
    return f"""
DROP TABLE IF EXISTS {table};
CREATE TABLE {table} ({period} TEXT NOT NULL, {columns}, n INTEGER NOT NULL, last TEXT NOT NULL,
    PRIMARY KEY ({', '.join(key[:-1])}, {period}, {key[-1]})) WITHOUT ROWID;
DROP TRIGGER IF EXISTS {table}_insert;
DROP TRIGGER IF EXISTS {table}_delete;
DROP TRIGGER IF EXISTS {table}_update;
CREATE TRIGGER {table}_insert AFTER INSERT ON turns BEGIN {add('NEW')} END;
CREATE TRIGGER {table}_delete AFTER DELETE ON turns BEGIN {remove('OLD')} END;
CREATE TRIGGER {table}_update AFTER UPDATE OF at, answered, {', '.join(key)} ON turns WHEN {changed}
    BEGIN {remove('OLD')} {add('NEW')} END;"""


def _kept(table: str, key: tuple[str, ...], only: str) -> str:
    """A count table kept by triggers on turns: per day and key, how many turns (``only`` says which count) and the
    last day one was asked; and per key one row for all days (day ALL_DAYS). A period that holds most of the log
    then reads the all-days rows less the few days outside it, instead of every day's rows. The day comes before
    the key's last column (the question), so one topic's period is one range of rows.

    The all-days row's last day is found again from the turns' indexes when a deleted turn was its last day. On
    PostgreSQL a statement's row triggers run after all its rows changed: when none of the key's turns is left,
    the rest of that statement's triggers take the row to zero, so its last day is kept until then."""
    def match(row: str) -> str:
        return " AND ".join(f"{k} = {row}.{k}" for k in key)

    def add(row: str) -> str:
        return (f"INSERT INTO {table} (day, {', '.join(key)}, n, last) SELECT d, {', '.join(f'{row}.{k}' for k in key)},"
                f" 1, substr({row}.at, 1, 10) FROM (SELECT substr({row}.at, 1, 10) AS d UNION ALL SELECT '{ALL_DAYS}')"
                f" AS days WHERE {only.format(r=row)}{_counted_once(table, ('day', *key))};")

    def remove(row: str) -> str:
        days = f"day IN (substr({row}.at, 1, 10), '{ALL_DAYS}') AND {match(row)}"
        latest = f"SELECT substr(MAX(at), 1, 10) FROM turns WHERE {match(row)} AND {only.format(r='turns')}"
        return (f"UPDATE {table} SET n = n - 1 WHERE {days} AND {only.format(r=row)};"
                f" DELETE FROM {table} WHERE {days} AND n = 0;"
                f" UPDATE {table} SET last = COALESCE(({latest}), last) WHERE day = '{ALL_DAYS}'"
                f" AND {match(row)} AND last = substr({row}.at, 1, 10) AND {only.format(r=row)};")

    return _triggered(table, "day", key, add, remove) + f"""
INSERT INTO {table} SELECT substr(at, 1, 10), {', '.join(key)}, COUNT(*), substr(MAX(at), 1, 10) FROM turns
    WHERE {only.format(r='turns')} GROUP BY 1, {', '.join(key)};
INSERT INTO {table} SELECT '{ALL_DAYS}', {', '.join(key)}, SUM(n), MAX(last) FROM {table} GROUP BY {', '.join(key)};
"""


def _monthly(table: str, days: str, key: tuple[str, ...], only: str) -> str:
    """``days`` (a table made by _kept) again per month (month YYYY-MM), kept by triggers of its own: a period of a
    few months sums its whole months from here and only the days at its edges from ``days``
    (kiosk.office.period_rows). A month row's last day is found again from the turns' indexes, within that month,
    when a deleted turn was its last. Filled from ``days``, which is exact and a fraction of the turns' size."""
    def match(row: str) -> str:
        return " AND ".join(f"{k} = {row}.{k}" for k in key)

    def add(row: str) -> str:
        return (f"INSERT INTO {table} (month, {', '.join(key)}, n, last) SELECT substr({row}.at, 1, 7),"
                f" {', '.join(f'{row}.{k}' for k in key)}, 1, substr({row}.at, 1, 10) WHERE {only.format(r=row)}"
                f"{_counted_once(table, ('month', *key))};")

    def remove(row: str) -> str:
        month = f"month = substr({row}.at, 1, 7) AND {match(row)}"
        # every moment of the month starts "YYYY-MM-", which sorts before "YYYY-MM~" and after "YYYY-MM"
        within = f"at >= substr({row}.at, 1, 7) AND at < substr({row}.at, 1, 7) || '~'"
        latest = f"SELECT substr(MAX(at), 1, 10) FROM turns WHERE {match(row)} AND {only.format(r='turns')} AND {within}"
        return (f"UPDATE {table} SET n = n - 1 WHERE {month} AND {only.format(r=row)};"
                f" DELETE FROM {table} WHERE {month} AND n = 0;"
                f" UPDATE {table} SET last = COALESCE(({latest}), last) WHERE {month} AND last = substr({row}.at, 1, 10)"
                f" AND {only.format(r=row)};")

    return _triggered(table, "month", key, add, remove) + f"""
INSERT INTO {table} SELECT substr(day, 1, 7), {', '.join(key)}, SUM(n), MAX(last) FROM {days}
    WHERE day != '{ALL_DAYS}' GROUP BY 1, {', '.join(key)};
"""


def _columns(conn: sqldb.Connection, table: str) -> set[str]:
    if sqldb.postgres(conn):
        return {r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns WHERE table_schema ="
                                           " current_schema() AND table_name = ?", (table,)).fetchall()}
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})").fetchall()}


def _changes(conn: sqldb.Connection) -> None:
    """Each turn's place in the order the log was written (its 👍/👎 moves it to the end), for a hall sending its
    log to the office: the number comes from a counter of its own (``turn_changes``), taken in the same
    transaction as the write, so a later write always has a larger one, whatever the clock says and after the rows
    with the largest numbers were purged. Rows written before this have 0 and go first, in id order. Added only
    when missing: a log set back to an earlier migration (an older kiosk's) may have it."""
    if "changed" not in _columns(conn, "turns"):
        conn.execute("ALTER TABLE turns ADD COLUMN changed INTEGER NOT NULL DEFAULT 0")
    for statement in sqldb.statements(
            "CREATE INDEX IF NOT EXISTS turns_changed ON turns(changed, id);"
            " CREATE TABLE IF NOT EXISTS turn_changes (n INTEGER NOT NULL);"
            " INSERT INTO turn_changes SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM turn_changes);"):
        conn.execute(statement)


MIGRATIONS: list[str | Callable[[sqldb.Connection], None]] = [
    # 1: the turns and their counts per day and topic
    _TURNS + _TURN_DAYS,
    # 2: the barometer's top questions and unanswered questions by topic, counted per day and for all days
    _kept("question_days", ("intent", "question"), "1 = 1") + _kept("refusal_days", ("intent", "topic", "question"),
                                                                "{r}.answered = 0"),
    # 3: the same two per month, so a period of months sums a few rows per question instead of one per day
    _monthly("question_months", "question_days", ("intent", "question"), "1 = 1")
    + _monthly("refusal_months", "refusal_days", ("intent", "topic", "question"), "{r}.answered = 0"),
    # 4: the order of the log's writes, for sending it to the district office
    _changes,
]


def migrate(conn: sqldb.Connection) -> None:
    """Run the migrations the log has not had, in one transaction that holds the write lock."""
    if sqldb.user_version(conn) >= len(MIGRATIONS):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = sqldb.user_version(conn)  # again, inside the lock
        for step in MIGRATIONS[version:]:
            if callable(step):
                step(conn)
                continue
            for statement in sqldb.statements(step):
                conn.execute(statement)
        sqldb.set_user_version(conn, len(MIGRATIONS))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
