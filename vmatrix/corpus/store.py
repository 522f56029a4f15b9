"""The corpus: one SQLite file holding documents, segments, parses, codes, suggestions.

SQL stays in this module. The schema is versioned with ``PRAGMA user_version`` and
changed only by the numbered migrations below; a corpus written by a newer vmatrix is
refused before anything touches it. Writes happen inside :meth:`Corpus.transaction`,
so a command that fails leaves the corpus as it was.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from vmatrix.errors import CorpusError, UnknownDocument

DEFAULT_PATH = "vmatrix.db"
# How long a statement waits for a lock another connection holds briefly, and how long a
# writer waits for another writer to finish (ingest writes in one short transaction).
BUSY_MS = 10_000
WRITE_WAIT_S = 600
_FULL = (
    "the disk is full (or the corpus reached its size limit); nothing was written, the "
    "corpus is as it was. Free some space there and run the command again"
)

MIGRATIONS: list[str] = [
    # 1: documents, segments, parsed docs, coding sheets and codes, suggestions, caches
    """
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        number TEXT,
        source TEXT NOT NULL,
        format TEXT NOT NULL,
        encoding TEXT,
        sha256 TEXT NOT NULL,
        text TEXT NOT NULL,
        words INTEGER NOT NULL,
        attributes TEXT NOT NULL DEFAULT '{}',
        added_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE segments (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        speaker TEXT,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        t_start REAL,
        t_end REAL,
        words INTEGER NOT NULL,
        PRIMARY KEY (document_id, idx)
    );
    CREATE TABLE parses (
        document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        sha256 TEXT NOT NULL,
        model TEXT NOT NULL,
        docbin BLOB NOT NULL
    );
    CREATE TABLE sheets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        rows INTEGER NOT NULL,
        stored_at TEXT NOT NULL
    );
    CREATE TABLE codes (
        id INTEGER PRIMARY KEY,
        sheet_id INTEGER NOT NULL REFERENCES sheets(id) ON DELETE CASCADE,
        row INTEGER NOT NULL,
        document_id TEXT NOT NULL,
        start INTEGER,
        end INTEGER,
        quote TEXT NOT NULL DEFAULT '',
        anchored_text TEXT NOT NULL DEFAULT '',
        context_before TEXT NOT NULL DEFAULT '',
        context_after TEXT NOT NULL DEFAULT '',
        value_ids TEXT NOT NULL DEFAULT '[]',
        facets TEXT NOT NULL DEFAULT '{}',
        coder TEXT,
        memo TEXT,
        anchor_kind TEXT,
        anchor_score REAL,
        status TEXT NOT NULL DEFAULT 'anchored'
    );
    CREATE INDEX codes_document ON codes(document_id);
    CREATE TABLE suggestions (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        segment_idx INTEGER NOT NULL,
        value_id TEXT NOT NULL,
        score REAL NOT NULL,
        evidence TEXT NOT NULL DEFAULT '[]',
        lexicon TEXT NOT NULL,
        PRIMARY KEY (document_id, segment_idx, value_id)
    );
    CREATE TABLE cache (
        key TEXT PRIMARY KEY,
        data BLOB NOT NULL
    );
    """,
    # 2: the tools suggest finds in each segment; lexicon readings are no longer cached
    """
    CREATE TABLE segment_tools (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        segment_idx INTEGER NOT NULL,
        tool_id TEXT NOT NULL,
        evidence TEXT NOT NULL DEFAULT '[]',
        lexicon TEXT NOT NULL,
        PRIMARY KEY (document_id, segment_idx, tool_id)
    );
    DELETE FROM cache WHERE key LIKE 'lexicon-readings/%';
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
_PER_QUERY = 500  # documents named in one query (SQLite allows 999 parameters at least)


def now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


class _Record:
    """Compared and shown field by field, as a dataclass is. Document and CodeRow are
    plain classes: every command imports this module at start, where building them as
    dataclasses would cost more than opening the corpus."""

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(self) == vars(other)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"

    def replace(self, **changes: Any) -> Any:
        """A copy with ``changes`` applied."""
        return type(self)(**{**vars(self), **changes})


class Document(_Record):
    """One transcript as stored: where it came from, its metadata and its counts."""

    def __init__(
        self,
        id: str,
        label: str,
        number: str | None,
        source: str,
        format: str,
        encoding: str | None,
        sha256: str,
        words: int,
        attributes: dict[str, str] | None = None,
        added_at: str = "",
        updated_at: str = "",
        revision: int = 1,
        segments: int = 0,
        speakers: list[str] | None = None,
        text: str | None = None,
    ) -> None:
        self.id = id
        self.label = label
        self.number = number
        self.source = source
        self.format = format
        self.encoding = encoding
        self.sha256 = sha256
        self.words = words
        self.attributes = attributes if attributes is not None else {}
        self.added_at = added_at
        self.updated_at = updated_at
        self.revision = revision
        self.segments = segments
        self.speakers = speakers if speakers is not None else []
        self.text = text


class SegmentRow(NamedTuple):
    """One speaker turn of a document: its character span and, for subtitles, its times."""

    document_id: str
    index: int
    speaker: str | None
    start: int
    end: int
    t_start: float | None
    t_end: float | None
    words: int


class CodeRow(_Record):
    """One coded verbatim of a coding sheet, with its anchor in the transcript."""

    def __init__(
        self,
        sheet: str,
        row: int,
        document_id: str,
        start: int | None,
        end: int | None,
        values: list[str],
        facets: dict[str, list[str]] | None = None,
        quote: str = "",
        anchored_text: str = "",
        context_before: str = "",
        context_after: str = "",
        coder: str | None = None,
        memo: str | None = None,
        anchor_kind: str | None = None,
        anchor_score: float | None = None,
        status: str = "anchored",  # anchored | orphaned
        id: int | None = None,
    ) -> None:
        self.sheet = sheet
        self.row = row
        self.document_id = document_id
        self.start = start
        self.end = end
        self.values = values
        self.facets = facets if facets is not None else {}
        self.quote = quote
        self.anchored_text = anchored_text
        self.context_before = context_before
        self.context_after = context_after
        self.coder = coder
        self.memo = memo
        self.anchor_kind = anchor_kind
        self.anchor_score = anchor_score
        self.status = status
        self.id = id


class SuggestionRow(NamedTuple):
    """A value form proposed for a segment, with the evidence that justifies it."""

    document_id: str
    segment: int
    value: str
    score: float
    evidence: list[dict[str, Any]]
    lexicon: str


class ToolRow(NamedTuple):
    """A tool found in a segment, with the words that name it."""

    document_id: str
    segment: int
    tool: str
    evidence: list[dict[str, Any]]
    lexicon: str


class Corpus:
    """An open corpus file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path, *, create: bool = False, readonly: bool = False) -> None:
        """Open the corpus at ``path``; ``create`` makes it if missing.

        ``readonly`` is for commands that only read: SQLite opens the file read-only, so
        nothing can change it, and it may sit in a folder nobody can write to. The file
        stays in rollback-journal mode (a WAL file cannot be opened read-only from such a
        folder; a corpus an older vmatrix left in WAL mode is switched back by the first
        command that writes to it). A command that fails, or writes nothing, leaves the
        file byte for byte as it was.
        """
        if create and readonly:
            raise ValueError("a corpus opened read-only cannot be created")
        self.path = Path(path)
        self.readonly = readonly
        if not self.path.exists():
            if not create:
                raise CorpusError(
                    f"no corpus at {self.path}: run `vmatrix ingest` first, "
                    "or point to one with --corpus / VMATRIX_CORPUS"
                )
            if not self.path.parent.exists():
                raise CorpusError(f"cannot create {self.path}: folder {self.path.parent} does not exist")
        elif self.path.is_dir():
            raise CorpusError(f"{self.path} is a folder; --corpus names the corpus file")
        if not readonly:
            self._require_writable()
        try:
            self.db = self._connect()
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise CorpusError(f"{self.path} is not a vmatrix corpus ({exc})") from exc
        if version > SCHEMA_VERSION:
            self.db.close()
            raise CorpusError(
                f"{self.path} was written by a newer vmatrix (schema {version}, this one "
                f"reads up to {SCHEMA_VERSION}); upgrade vmatrix: pip install -U vmatrix"
            )
        if version == 0 and self.path.stat().st_size > 0 and self._has_tables():
            # Tables but no schema version: another SQLite file, unless another vmatrix
            # creating this corpus committed its tables (and version) since we looked.
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                self.db.close()
                raise CorpusError(f"{self.path} is an SQLite file but not a vmatrix corpus")
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        self.db.execute("PRAGMA foreign_keys = ON")
        self._depth = 0
        self.on_wait: Callable[[str], None] | None = None
        if readonly:
            if version < SCHEMA_VERSION:
                self.db.close()
                raise CorpusError(
                    f"{self.path} was written by an older vmatrix (schema {version}); run a command "
                    "that writes to it once, such as `vmatrix ingest` on its transcripts, to upgrade it"
                )
            return
        self._committed = False
        try:
            if version < SCHEMA_VERSION:
                # Creating or upgrading takes the corpus for a moment: wait for another
                # vmatrix doing the same as long as for any writer.
                self.db.execute(f"PRAGMA busy_timeout = {WRITE_WAIT_S * 1000}")
                self._migrate()
                self.db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        except sqlite3.OperationalError as exc:
            self.db.close()
            if _disk_full(exc):
                raise CorpusError(f"{self.path}: {_FULL}") from exc
            if _busy(exc):
                raise CorpusError(f"{self.path} is busy ({exc}); another vmatrix is writing to it") from exc
            raise CorpusError(f"cannot open {self.path} ({exc})") from exc

    def _has_tables(self) -> bool:
        return bool(self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])

    def _migrate(self) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
            # Read again under the lock: another vmatrix creating the corpus at the same
            # time may have done it first.
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[number]):
                    self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise
            raise CorpusError(f"cannot upgrade {self.path}: {exc}") from exc

    def _require_writable(self) -> None:
        """A command that writes refuses a corpus it cannot write, before any work."""
        folder = self.path.parent if str(self.path.parent) else Path(".")
        if self.path.exists() and not os.access(self.path, os.W_OK):
            raise CorpusError(
                f"{self.path} is read-only: this command writes to the corpus; "
                "copy it to a folder you can write to, or use a command that only reads"
            )
        if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
            raise CorpusError(
                f"{self.path}: its folder {folder} is read-only, and SQLite writes its journal "
                "there: copy the corpus to a folder you can write to, or use a command that only reads"
            )

    def _connect(self) -> sqlite3.Connection:
        if not self.readonly:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
        else:
            uri = self.path.resolve().as_uri()
            try:
                db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, timeout=10.0)
                db.execute("PRAGMA schema_version").fetchone()
            except sqlite3.OperationalError:
                # A corpus left in WAL mode (an older vmatrix, or a writer that was stopped)
                # in a folder where SQLite cannot make its shared-memory file. Nobody here
                # can change it either: read it as an immutable file.
                if os.access(self.path, os.W_OK) or os.access(self.path.parent, os.W_OK):
                    raise
                db = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None)
        db.row_factory = sqlite3.Row
        return db

    def close(self) -> None:
        if not self.readonly and self._committed:
            # A corpus an older vmatrix left in WAL mode: back to rollback-journal mode,
            # readable from a read-only folder. Never wait for another connection.
            try:
                if self.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                    self.db.execute("PRAGMA busy_timeout = 0")
                    self.db.execute("PRAGMA journal_mode = DELETE")
            except sqlite3.Error:
                pass
        self.db.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together, or not at all.

        Another vmatrix writing holds the corpus for a moment (ingest parses before it
        writes): this one waits for it, up to ``WRITE_WAIT_S`` seconds, and says so
        through :attr:`on_wait`. A full disk rolls everything back and raises
        :class:`CorpusError` saying so.
        """
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        wal = _size(self.path, "-wal")
        try:
            yield
            self.db.execute("COMMIT")
            self._committed = True
        except BaseException as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError) and _disk_full(exc):
                grown = max(0, _size(self.path, "-wal") - wal)
                needed = f"; this run needed more than {grown / 1024 / 1024:.1f} MB" if grown else ""
                raise CorpusError(f"{self.path}: {_FULL}{needed}") from exc
            raise
        finally:
            self._depth = 0

    def _begin(self) -> None:
        self.db.execute("PRAGMA busy_timeout = 0")
        try:
            self.db.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                raise
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        if self.on_wait is not None:
            self.on_wait(
                f"{self.path} is being written by another vmatrix; waiting for it "
                f"(up to {WRITE_WAIT_S // 60} minutes)"
            )
        self.db.execute(f"PRAGMA busy_timeout = {WRITE_WAIT_S * 1000}")
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise CorpusError(
                f"{self.path} is still busy after {WRITE_WAIT_S // 60} minutes ({exc}); another "
                "vmatrix is writing to it: run this command again when it is done"
            ) from exc
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")

    # -- documents -----------------------------------------------------------

    def documents(self, *, with_text: bool = False) -> list[Document]:
        return self._documents_where("1", (), with_text)

    def document(self, doc_id: str, *, with_text: bool = True) -> Document | None:
        for doc in self._documents_where("d.id = ?", (doc_id,), with_text):
            return doc
        return None

    def _documents_where(self, where: str, args: tuple[Any, ...], with_text: bool) -> list[Document]:
        columns = "d.*" if with_text else ", ".join(f"d.{c}" for c in _DOC_COLUMNS)
        rows = self.db.execute(
            f"""SELECT {columns},
                   (SELECT count(*) FROM segments s WHERE s.document_id = d.id) AS n_segments,
                   (SELECT group_concat(speaker, char(31)) FROM
                        (SELECT DISTINCT speaker FROM segments s
                         WHERE s.document_id = d.id AND speaker IS NOT NULL ORDER BY speaker))
                        AS speaker_list
                FROM documents d WHERE {where} ORDER BY d.id""",
            args,
        ).fetchall()
        return [_document(row) for row in rows]

    def document_ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT id FROM documents ORDER BY id")]

    def text(self, doc_id: str) -> str:
        row = self.db.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise UnknownDocument(f"no document {doc_id!r} in {self.path}")
        return str(row[0])

    def texts(self) -> dict[str, str]:
        return {row[0]: row[1] for row in self.db.execute("SELECT id, text FROM documents")}

    def put_document(self, doc: Document, text: str) -> None:
        """Insert or replace a document (its segments and parse are replaced separately)."""
        self.db.execute(
            """INSERT INTO documents (id, label, number, source, format, encoding, sha256, text,
                   words, attributes, added_at, updated_at, revision)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET label = excluded.label, number = excluded.number,
                   source = excluded.source, format = excluded.format,
                   encoding = excluded.encoding, sha256 = excluded.sha256, text = excluded.text,
                   words = excluded.words, attributes = excluded.attributes,
                   updated_at = excluded.updated_at, revision = excluded.revision""",
            (
                doc.id,
                doc.label,
                doc.number,
                doc.source,
                doc.format,
                doc.encoding,
                doc.sha256,
                text,
                doc.words,
                json.dumps(doc.attributes, ensure_ascii=False),
                doc.added_at or now(),
                doc.updated_at or now(),
                doc.revision,
            ),
        )

    def set_metadata(self, doc_id: str, label: str, number: str | None, attributes: dict[str, str]) -> None:
        self.db.execute(
            "UPDATE documents SET label = ?, number = ?, attributes = ?, updated_at = ? WHERE id = ?",
            (label, number, json.dumps(attributes, ensure_ascii=False), now(), doc_id),
        )

    # -- segments and parses -------------------------------------------------

    def put_segments(self, doc_id: str, segments: list[SegmentRow]) -> None:
        self.db.execute("DELETE FROM segments WHERE document_id = ?", (doc_id,))
        self.db.executemany(
            "INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(doc_id, s.index, s.speaker, s.start, s.end, s.t_start, s.t_end, s.words) for s in segments],
        )

    def turn_starts(self) -> list[tuple[str, int, str | None]]:
        """Document, start and speaker of every segment, in document order (what placing
        a verbatim in its speaker's turn needs, read without building segment rows)."""
        return self.db.execute(
            "SELECT document_id, start, speaker FROM segments ORDER BY document_id, idx"
        ).fetchall()

    def segments(self, doc_id: str | None = None) -> list[SegmentRow]:
        if doc_id is None:
            rows = self.db.execute("SELECT * FROM segments ORDER BY document_id, idx")
        else:
            rows = self.db.execute("SELECT * FROM segments WHERE document_id = ? ORDER BY idx", (doc_id,))
        return [
            SegmentRow(
                r["document_id"],
                r["idx"],
                r["speaker"],
                r["start"],
                r["end"],
                r["t_start"],
                r["t_end"],
                r["words"],
            )
            for r in rows
        ]

    def parsed_documents(
        self, doc_ids: list[str]
    ) -> Iterator[tuple[str, list[SegmentRow], str, bytes | None]]:
        """Each of ``doc_ids`` in turn with its segments, its text and its stored parse (None
        when it has none), read a few hundred documents per query."""
        for at in range(0, len(doc_ids), _PER_QUERY):
            chunk = doc_ids[at : at + _PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            found = {
                row[0]: (str(row[1]), None if row[2] is None else bytes(row[2]))
                for row in self.db.execute(
                    f"""SELECT d.id, d.text, p.docbin FROM documents d
                        LEFT JOIN parses p ON p.document_id = d.id WHERE d.id IN ({marks})""",
                    chunk,
                )
            }
            segments: dict[str, list[SegmentRow]] = {doc_id: [] for doc_id in chunk}
            for r in self.db.execute(
                f"""SELECT document_id, idx, speaker, start, end, t_start, t_end, words FROM segments
                    WHERE document_id IN ({marks}) ORDER BY document_id, idx""",
                chunk,
            ):
                segments[r[0]].append(SegmentRow(*r))
            for doc_id in chunk:
                if doc_id not in found:
                    raise UnknownDocument(f"no document {doc_id!r} in {self.path}")
                text, docbin = found[doc_id]
                yield doc_id, segments[doc_id], text, docbin

    def put_parse(self, doc_id: str, sha256: str, model: str, docbin: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO parses VALUES (?, ?, ?, ?)", (doc_id, sha256, model, docbin))

    def parse_blob(self, doc_id: str) -> tuple[str, str, bytes] | None:
        row = self.db.execute(
            "SELECT sha256, model, docbin FROM parses WHERE document_id = ?", (doc_id,)
        ).fetchone()
        return (row[0], row[1], bytes(row[2])) if row else None

    # -- cache ---------------------------------------------------------------

    def cache_get(self, key: str) -> bytes | None:
        row = self.db.execute("SELECT data FROM cache WHERE key = ?", (key,)).fetchone()
        return bytes(row[0]) if row else None

    def cache_put(self, key: str, data: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO cache VALUES (?, ?)", (key, data))

    def cache_replace(self, prefix: str, key: str, data: bytes) -> None:
        """Keep ``data`` under ``key``, in place of every entry whose key starts with
        ``prefix`` (one of a kind: the latest)."""
        self.db.execute(
            "DELETE FROM cache WHERE substr(key, 1, ?) = ? AND key != ?", (len(prefix), prefix, key)
        )
        self.cache_put(key, data)

    def cache_has(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM cache WHERE key = ?", (key,)).fetchone() is not None

    def cache_replace_if_free(self, prefix: str, key: str, data: bytes) -> bool:
        """:meth:`cache_replace` in a transaction of its own, unless another command is
        writing (never wait for it); a corpus opened read-only keeps its cache as it is."""
        if self.readonly:
            return False
        if self._depth:  # inside a transaction already: written with it
            self.cache_replace(prefix, key, data)
            return True
        self.db.execute("PRAGMA busy_timeout = 0")
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        try:
            self.cache_replace(prefix, key, data)
            self.db.execute("COMMIT")
        except sqlite3.OperationalError:  # a full disk: a cache is not worth an error
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            return False
        self._committed = True
        return True

    def cache_put_if_free(self, key: str, data: bytes) -> bool:
        """Keep a cache entry unless another command is writing (never wait for it); a
        corpus opened read-only keeps its cache as it is."""
        if self.readonly:
            return False
        self.db.execute("PRAGMA busy_timeout = 0")
        try:
            self.cache_put(key, data)
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")

    # -- re-anchoring ------------------------------------------------------------

    def code_anchors(self, doc_id: str) -> list[sqlite3.Row]:
        """Stored codes of a document with what re-anchoring needs."""
        return self.db.execute(
            """SELECT id, start, end, quote, anchored_text, context_before, context_after,
                      anchor_kind, anchor_score, status
               FROM codes WHERE document_id = ? ORDER BY start""",
            (doc_id,),
        ).fetchall()

    def move_code(
        self,
        code_id: int,
        start: int | None,
        end: int | None,
        *,
        kind: str | None,
        score: float | None,
        status: str,
        anchored_text: str | None = None,
        context: tuple[str, str] | None = None,
    ) -> None:
        self.db.execute(
            """UPDATE codes SET start = ?, end = ?, anchor_kind = ?, anchor_score = ?, status = ?,
                   anchored_text = coalesce(?, anchored_text),
                   context_before = coalesce(?, context_before),
                   context_after = coalesce(?, context_after)
               WHERE id = ?""",
            (
                start,
                end,
                kind,
                score,
                status,
                anchored_text,
                context[0] if context else None,
                context[1] if context else None,
                code_id,
            ),
        )

    # -- coding sheets and codes ----------------------------------------------

    def replace_sheet(self, name: str, source: str, sha256: str, codes: list[CodeRow]) -> int:
        """Store a validated sheet's codes, replacing what the same sheet stored before.

        Returns how many codes the sheet held before.
        """
        old = self.db.execute("SELECT id FROM sheets WHERE name = ?", (name,)).fetchone()
        replaced = 0
        if old is not None:
            replaced = self.db.execute("DELETE FROM codes WHERE sheet_id = ?", (old[0],)).rowcount
            self.db.execute("DELETE FROM sheets WHERE id = ?", (old[0],))
        sheet_id = self.db.execute(
            "INSERT INTO sheets (name, source, sha256, rows, stored_at) VALUES (?, ?, ?, ?, ?)",
            (name, source, sha256, len(codes), now()),
        ).lastrowid
        self.db.executemany(
            """INSERT INTO codes (sheet_id, row, document_id, start, end, quote, anchored_text,
                   context_before, context_after, value_ids, facets, coder, memo, anchor_kind,
                   anchor_score, status)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (
                    sheet_id,
                    c.row,
                    c.document_id,
                    c.start,
                    c.end,
                    c.quote,
                    c.anchored_text,
                    c.context_before,
                    c.context_after,
                    json.dumps(c.values, ensure_ascii=False),
                    json.dumps(c.facets, ensure_ascii=False),
                    c.coder,
                    c.memo,
                    c.anchor_kind,
                    c.anchor_score,
                    c.status,
                )
                for c in codes
            ],
        )
        return replaced

    def forget_sheet(self, name: str) -> int:
        """Remove a stored sheet and its codes; returns how many codes it held."""
        old = self.db.execute("SELECT id FROM sheets WHERE name = ?", (name,)).fetchone()
        if old is None:
            return 0
        removed = self.db.execute("DELETE FROM codes WHERE sheet_id = ?", (old[0],)).rowcount
        self.db.execute("DELETE FROM sheets WHERE id = ?", (old[0],))
        return int(removed)

    def sheets(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT * FROM sheets ORDER BY name")]

    def codes(
        self,
        *,
        documents: list[str] | None = None,
        coders: list[str] | None = None,
        sheets: list[str] | None = None,
        status: str | None = None,
    ) -> list[CodeRow]:
        """Stored codes in document order; filters combine with AND."""
        where, args = ["1"], []
        for column, wanted in (("c.document_id", documents), ("c.coder", coders), ("s.name", sheets)):
            if wanted:
                where.append(f"{column} IN ({', '.join('?' * len(wanted))})")
                args.extend(wanted)
        if status:
            where.append("c.status = ?")
            args.append(status)
        rows = self.db.execute(
            f"""SELECT c.*, s.name AS sheet_name FROM codes c JOIN sheets s ON s.id = c.sheet_id
                WHERE {" AND ".join(where)}
                ORDER BY c.document_id, c.start IS NULL, c.start, c.end, s.name, c.row""",
            args,
        ).fetchall()
        return [
            CodeRow(
                sheet=r["sheet_name"],
                row=r["row"],
                document_id=r["document_id"],
                start=r["start"],
                end=r["end"],
                values=json.loads(r["value_ids"]),
                facets=json.loads(r["facets"]),
                quote=r["quote"],
                anchored_text=r["anchored_text"],
                context_before=r["context_before"],
                context_after=r["context_after"],
                coder=r["coder"],
                memo=r["memo"],
                anchor_kind=r["anchor_kind"],
                anchor_score=r["anchor_score"],
                status=r["status"],
                id=r["id"],
            )
            for r in rows
        ]

    def code_summaries(self) -> list[CodeRow]:
        """Every stored code, in document order, without its anchoring details (anchored
        text, context, anchor kind and score, memo): what counting needs, read fast.

        Codes with the same values or facets share one list or dict: treat them as
        read-only.
        """
        rows = self.db.execute(
            """SELECT s.name, c.row, c.document_id, c.start, c.end, c.value_ids, c.facets, c.quote,
                      c.coder, c.status, c.id
               FROM codes c JOIN sheets s ON s.id = c.sheet_id
               ORDER BY c.document_id, c.start IS NULL, c.start, c.end, s.name, c.row"""
        ).fetchall()
        decoded: dict[str, Any] = {}

        def load(text: str) -> Any:
            found = decoded.get(text)
            if found is None:
                found = decoded[text] = json.loads(text)
            return found

        return [
            CodeRow(
                sheet=r[0],
                row=r[1],
                document_id=r[2],
                start=r[3],
                end=r[4],
                values=load(r[5]),
                facets=load(r[6]),
                quote=r[7],
                coder=r[8],
                status=r[9],
                id=r[10],
            )
            for r in rows
        ]

    # -- suggestions ---------------------------------------------------------

    def replace_suggestions(self, documents: list[str], values: list[str], rows: list[SuggestionRow]) -> None:
        """Replace the suggestions of these documents for these value forms."""
        import orjson

        for at in range(0, len(documents), _PER_QUERY):
            chunk = documents[at : at + _PER_QUERY]
            self.db.execute(
                f"DELETE FROM suggestions WHERE document_id IN ({', '.join('?' * len(chunk))}) "
                f"AND value_id IN ({', '.join('?' * len(values))})",
                (*chunk, *values),
            )
        self.db.executemany(
            "INSERT INTO suggestions VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    r.document_id,
                    r.segment,
                    r.value,
                    r.score,
                    orjson.dumps(r.evidence).decode(),
                    r.lexicon,
                )
                for r in rows
            ],
        )

    def suggestions(
        self, *, documents: list[str] | None = None, values: list[str] | None = None
    ) -> list[SuggestionRow]:
        where, args = ["1"], []
        for column, wanted in (("document_id", documents), ("value_id", values)):
            if wanted:
                where.append(f"{column} IN ({', '.join('?' * len(wanted))})")
                args.extend(wanted)
        rows = self.db.execute(
            f"""SELECT * FROM suggestions WHERE {" AND ".join(where)}
                ORDER BY document_id, segment_idx, score DESC, value_id""",
            args,
        ).fetchall()
        import orjson  # several times faster than json on thousands of small evidence lists

        return [
            SuggestionRow(
                r["document_id"],
                r["segment_idx"],
                r["value_id"],
                r["score"],
                orjson.loads(r["evidence"]),
                r["lexicon"],
            )
            for r in rows
        ]

    def drop_suggestions(self, doc_id: str) -> int:
        self.db.execute("DELETE FROM segment_tools WHERE document_id = ?", (doc_id,))
        return self.db.execute("DELETE FROM suggestions WHERE document_id = ?", (doc_id,)).rowcount

    def replace_segment_tools(self, documents: list[str], rows: list[ToolRow]) -> None:
        """Replace the tools found in these documents."""
        import orjson

        for at in range(0, len(documents), _PER_QUERY):
            chunk = documents[at : at + _PER_QUERY]
            self.db.execute(
                f"DELETE FROM segment_tools WHERE document_id IN ({', '.join('?' * len(chunk))})", chunk
            )
        self.db.executemany(
            "INSERT INTO segment_tools VALUES (?, ?, ?, ?, ?)",
            [(r.document_id, r.segment, r.tool, orjson.dumps(r.evidence).decode(), r.lexicon) for r in rows],
        )

    def segment_tools(self, *, documents: list[str] | None = None) -> list[ToolRow]:
        """The tools found in each segment, in document and segment order, then text order."""
        where, args = "1", []
        if documents:
            where = f"document_id IN ({', '.join('?' * len(documents))})"
            args = list(documents)
        try:
            rows = self.db.execute(
                f"""SELECT document_id, segment_idx, tool_id, evidence, lexicon FROM segment_tools
                    WHERE {where} ORDER BY document_id, segment_idx, rowid""",
                args,
            ).fetchall()
        except sqlite3.OperationalError:  # a corpus of schema 1 opened without upgrading it
            return []
        return [ToolRow(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]


_DOC_COLUMNS = [
    "id",
    "label",
    "number",
    "source",
    "format",
    "encoding",
    "sha256",
    "words",
    "attributes",
    "added_at",
    "updated_at",
    "revision",
]


def _document(row: sqlite3.Row) -> Document:
    keys = row.keys()
    speakers = row["speaker_list"].split("\x1f") if row["speaker_list"] else []
    return Document(
        id=row["id"],
        label=row["label"],
        number=row["number"],
        source=row["source"],
        format=row["format"],
        encoding=row["encoding"],
        sha256=row["sha256"],
        words=row["words"],
        attributes=json.loads(row["attributes"]),
        added_at=row["added_at"],
        updated_at=row["updated_at"],
        revision=row["revision"],
        segments=row["n_segments"],
        speakers=speakers,
        text=row["text"] if "text" in keys else None,
    )


def _disk_full(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(exc)


def _busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in str(exc) or "busy" in str(exc)


def _size(path: Path, suffix: str) -> int:
    try:
        return os.stat(f"{path}{suffix}").st_size
    except OSError:
        return 0


def _statements(script: str) -> Iterator[str]:
    for statement in script.split(";"):
        if statement.strip():
            yield statement
