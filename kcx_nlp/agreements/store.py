"""An agreements database: documents, their entities and relations, and the agreements they report,
merged across documents, in SQLite or any database SQLAlchemy reaches (PostgreSQL, ...).

``AgreementStore("agreements.sqlite")`` (a path means SQLite) or ``AgreementStore("postgresql://user@host/db")``.
:meth:`AgreementStore.add` stores document records and their agreement records in one transaction;
the agreement records join the stored agreements by the rules of ``records merge``
(:class:`~kcx_nlp.agreements.merge.Merger`): a record joins the first agreement (oldest first) it
fits, else starts a new one, so an agreement keeps its id when new sources join it. A document
whose id is already stored is skipped (and listed in the result), with its agreement records.
:meth:`AgreementStore.query` answers "which agreements, with whom, of what type, when".

Tables: ``documents`` (id, lang, date, date_source, text), ``entities``, ``relations`` (head and
tail entity index, label and text), ``agreement_records`` (one per agreement per document, with
the full record as JSON), ``agreements`` (merged: id, type, date, confidence, parties,
signatories), ``agreement_parties`` (one row per party: name, gazetteer id, country, level),
``party_names`` (the case-folded names a party is found by: canonical name, gazetteer id, the
surface texts), ``agreement_sources`` (agreement <-> record) and ``kcx_meta`` (schema version).
Text columns cannot hold NUL or lone surrogates in every database: those characters are stored as
U+FFFD (offsets are kept; the JSON of agreement records keeps the exact text).

One process should write to a database at a time; readers may query it meanwhile.
"""
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from sqlalchemy import (JSON, Column, Date, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text,
                        create_engine, delete, event, func, insert, select, update)
from sqlalchemy.engine import Connection, Engine, make_url

from ..normalize.dates import norm_days
from .build import AgreementRecord, party_key
from .merge import Merger, merge_order, merged_record

SCHEMA_VERSION = "1"
_CHUNK = 500  # ids per IN (...) clause

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("id", String(512), primary_key=True),
    Column("lang", String(16)),
    Column("date", Date),
    Column("date_source", String(64)),
    Column("text", Text, nullable=False),
)
entities = Table(
    "entities", metadata,
    Column("doc_id", String(512), ForeignKey("documents.id"), primary_key=True),
    Column("idx", Integer, primary_key=True),  # position in the document record's entities
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("label", String(32), nullable=False),
    Column("text", Text),
    Column("norm", JSON),
    Column("score", Float),
)
relations = Table(
    "relations", metadata,
    Column("doc_id", String(512), ForeignKey("documents.id"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("label", String(32), nullable=False),
    Column("head", Integer, nullable=False),  # entity idx
    Column("tail", Integer, nullable=False),
    Column("head_label", String(32)),
    Column("head_text", Text),
    Column("tail_label", String(32)),
    Column("tail_text", Text),
    Column("score", Float),
)
agreement_records = Table(
    "agreement_records", metadata,
    Column("record_id", String(600), primary_key=True),
    Column("doc_id", String(512), ForeignKey("documents.id"), nullable=False, index=True),
    Column("type", String(64), nullable=False),
    Column("date", String(64)),  # as in the CSV: 2024-10-21, 2024-10, or start/end
    Column("date_start", Date),
    Column("date_end", Date),
    Column("confidence", Float),
    Column("evidence", Text),
    Column("record", JSON, nullable=False),  # the full agreement record
)
agreements = Table(
    "agreements", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("agreement_id", String(32), nullable=False, unique=True),
    Column("type", String(64), nullable=False, index=True),
    Column("date", String(64)),
    Column("date_start", Date),
    Column("date_end", Date),
    Column("confidence", Float),
    Column("n_sources", Integer, nullable=False),
    Column("parties", JSON, nullable=False),
    Column("signatories", JSON, nullable=False),
)
agreement_parties = Table(
    "agreement_parties", metadata,
    Column("agreement", Integer, ForeignKey("agreements.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("name", Text),
    Column("gazetteer_id", String(128), index=True),
    Column("country", String(8), index=True),
    Column("level", String(64)),
    Column("parent", Text),
)
party_names = Table(
    "party_names", metadata,
    Column("agreement", Integer, ForeignKey("agreements.id"), primary_key=True),
    Column("name", String(512), primary_key=True),  # case-folded
    Index("ix_party_names_name", "name"),
)
agreement_sources = Table(
    "agreement_sources", metadata,
    Column("id", Integer, primary_key=True),
    Column("agreement", Integer, ForeignKey("agreements.id"), nullable=False, index=True),
    Column("record_id", String(600), ForeignKey("agreement_records.record_id"), nullable=False, unique=True),
)
kcx_meta = Table(
    "kcx_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text),
)

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class StoreError(ValueError):
    """The database cannot be opened or used; the message names it."""


@dataclass
class AddResult:
    """What one or more :meth:`AgreementStore.add` calls did."""

    documents: int = 0  # documents stored
    skipped: List[str] = field(default_factory=list)  # ids already in the database (or twice in the input)
    agreement_records: int = 0  # agreement records stored
    new_agreements: int = 0  # merged agreements created
    joined: int = 0  # agreement records that joined an agreement stored before

    def update(self, other: "AddResult") -> None:
        """Add the counts of ``other`` to these."""
        self.documents += other.documents
        self.skipped.extend(other.skipped)
        self.agreement_records += other.agreement_records
        self.new_agreements += other.new_agreements
        self.joined += other.joined


def database_url(url: Union[str, Path]):
    """A SQLAlchemy URL for ``url``: a file path means SQLite; ``postgresql://`` uses psycopg 3
    when psycopg2 is not installed."""
    text = str(url)
    if "://" not in text:
        return make_url("sqlite:///" + str(Path(text).expanduser().resolve()))
    parsed = make_url(text)
    if parsed.drivername == "postgresql":
        import importlib.util

        if importlib.util.find_spec("psycopg2") is None and importlib.util.find_spec("psycopg") is not None:
            parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _one_line(error: BaseException) -> str:
    """An error message on one line (a DBAPI error's own message, without SQLAlchemy's link)."""
    return " ".join(str(getattr(error, "orig", None) or error).split())


def _text(value: Any) -> Any:
    return _UNSTORABLE.sub("\ufffd", value) if isinstance(value, str) else value


def _days(value: Any) -> Tuple[Optional[date], Optional[date]]:
    try:
        days = norm_days(value)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None, None
    return days if days is not None else (None, None)


def _date_text(value: Any) -> Optional[str]:
    if isinstance(value, dict):
        return f"{value.get('start')}/{value.get('end')}"
    return None if value is None else str(value)


def _entity_text(record: Dict[str, Any], e: Dict[str, Any]) -> Optional[str]:
    return e["text"] if e.get("text") is not None else record.get("text", "")[e["start"]:e["end"]]


def _doc_date(record: Dict[str, Any]) -> Optional[date]:
    value = record.get("date")
    if value is None:
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"document {record.get('id')!r}: publication date {value!r} is not YYYY-MM-DD") from None


class AgreementStore:
    """Documents, entities, relations and merged agreements in a database (see the module doc).

    ``url``: a file path (SQLite) or a SQLAlchemy URL; ``window_days`` and ``min_overlap`` are the
    merge rules' settings, as in :func:`~kcx_nlp.agreements.merge_records`.
    """

    def __init__(self, url: Union[str, Path], window_days: int = 30, min_overlap: float = 0.6):
        self.url = database_url(url)
        self.name = str(url) if "://" not in str(url) else self.url.render_as_string(hide_password=True)
        self.window_days, self.min_overlap = window_days, min_overlap
        self._merger: Optional[Merger] = None
        self._n_sources = -1  # agreement_sources rows the cached merger knows about
        try:
            self.engine: Engine = create_engine(self.url)
        except ImportError as e:
            raise StoreError(f"database {self.name}: {e} (install the database's Python driver: psycopg for PostgreSQL)") from e
        except Exception as e:  # unknown dialect
            raise StoreError(f"database {self.name}: {_one_line(e)}") from e
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._create()

    def __enter__(self) -> "AgreementStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def _create(self) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            metadata.create_all(self.engine)
            with self.engine.begin() as conn:
                version = conn.execute(select(kcx_meta.c.value).where(kcx_meta.c.key == "schema_version")).scalar()
                if version is None:
                    conn.execute(insert(kcx_meta).values(key="schema_version", value=SCHEMA_VERSION))
        except SQLAlchemyError as e:
            raise StoreError(f"database {self.name}: {_one_line(e)}") from e
        if version not in (None, SCHEMA_VERSION):
            raise StoreError(f"database {self.name}: schema version {version}, this kcx_nlp reads {SCHEMA_VERSION}")

    # -- writing -------------------------------------------------------------------------------

    def add(self, document_records: Iterable[Dict[str, Any]],
            agreement_records: Optional[Iterable[AgreementRecord]] = None) -> AddResult:
        """Store document records (``python -m kcx_nlp extract`` output, no error records) and their
        agreement records (built with :func:`~kcx_nlp.agreements.records_from_record` when not
        given) in one transaction, merging the agreement records into the stored agreements.
        Documents whose id is already stored, or repeated in the input, are skipped with their
        agreement records."""
        docs = list(document_records)
        if agreement_records is None:
            return self.add_documents([(d, None) for d in docs])
        by_doc: Dict[str, List[AgreementRecord]] = {}
        for a in agreement_records:
            by_doc.setdefault(str(a.get("doc_id")), []).append(a)
        pairs = [(d, by_doc.pop(str(d.get("id")), [])) for d in docs]  # a repeated document gets none
        if by_doc:
            doc_id, (a, *_) = next(iter(by_doc.items()))
            raise ValueError(f"agreement record {a.get('record_id')!r}: document {doc_id!r} is not among the documents added")
        return self.add_documents(pairs)

    def add_documents(self, pairs: Sequence[Tuple[Dict[str, Any], Optional[Sequence[AgreementRecord]]]]) -> AddResult:
        """Like :meth:`add`, for ``(document record, its agreement records or None)`` pairs."""
        from . import records_from_record

        for d, _ in pairs:
            if "error" in d:
                raise ValueError(f"document {d.get('id')!r} is an error record: {d['error']}")
            if d.get("id") is None:
                raise ValueError("a document record without an id cannot be stored")
        try:
            with self.engine.begin() as conn:
                return self._add(conn, pairs, records_from_record)
        except BaseException:
            self._merger = None  # the cached groups may hold what was rolled back
            raise

    def _add(self, conn: Connection, pairs: Sequence[Tuple[Dict[str, Any], Any]], build: Any) -> AddResult:
        result = AddResult()
        merger = self._load_merger(conn)
        stored = set()
        ids = [str(d["id"]) for d, _ in pairs]
        for i in range(0, len(ids), _CHUNK):
            stored.update(conn.execute(select(documents.c.id).where(documents.c.id.in_(ids[i:i + _CHUNK]))).scalars())
        new_docs, new_records, taken = [], [], set()
        for doc_id, (d, found) in zip(ids, pairs):
            if doc_id in stored or doc_id in taken:
                result.skipped.append(doc_id)
                continue
            taken.add(doc_id)
            new_docs.append((doc_id, d))
            for a in (build(d) if found is None else found):
                if a.get("record_id") is None or str(a.get("doc_id")) != doc_id:
                    raise ValueError(f"document {doc_id!r}: agreement record {a.get('record_id')!r} of document "
                                     f"{a.get('doc_id')!r} (a record_id and the document's id are needed)")
                new_records.append(a)
        self._insert_documents(conn, new_docs)
        if new_records:
            conn.execute(insert(agreement_records), [self._record_row(a) for a in new_records])
        result.documents, result.agreement_records = len(new_docs), len(new_records)

        touched: Dict[int, Any] = {}  # id(group) -> group, in first-touch order
        sources: List[Tuple[Any, str]] = []
        for i in merge_order(new_records):
            group = merger.add(new_records[i], i)
            touched.setdefault(id(group), group)
            sources.append((group, new_records[i]["record_id"]))
            result.joined += group.key is not None
        fresh = sorted((g for g in touched.values() if g.key is None), key=lambda g: g.first)
        next_id = (conn.execute(select(func.max(agreements.c.id))).scalar() or 0) + 1
        for n, g in enumerate(fresh):
            g.key = next_id + n
        fresh_ids = {id(g) for g in fresh}
        old = [g for g in touched.values() if id(g) not in fresh_ids]
        rows = {id(g): self._agreement_rows(g) for g in fresh + old}
        if fresh:
            conn.execute(insert(agreements), [rows[id(g)][0] for g in fresh])
        for g in old:
            conn.execute(update(agreements).where(agreements.c.id == g.key).values(
                {k: v for k, v in rows[id(g)][0].items() if k not in ("id", "agreement_id")}))
        if old:
            keys = [g.key for g in old]
            conn.execute(delete(agreement_parties).where(agreement_parties.c.agreement.in_(keys)))
            conn.execute(delete(party_names).where(party_names.c.agreement.in_(keys)))
        party_rows = [p for g in fresh + old for p in rows[id(g)][1]]
        name_rows = [n for g in fresh + old for n in rows[id(g)][2]]
        if party_rows:
            conn.execute(insert(agreement_parties), party_rows)
        if name_rows:
            conn.execute(insert(party_names), name_rows)
        if sources:
            conn.execute(insert(agreement_sources), [{"agreement": g.key, "record_id": rid} for g, rid in sources])
        result.new_agreements = len(fresh)
        self._n_sources += len(sources)
        return result

    def _load_merger(self, conn: Connection) -> Merger:
        """The stored agreements as merge groups; read again when another writer changed them."""
        n = conn.execute(select(func.count()).select_from(agreement_sources)).scalar()
        if self._merger is not None and n == self._n_sources:
            return self._merger
        merger = Merger(self.window_days, self.min_overlap)
        rows = conn.execute(
            select(agreement_sources.c.agreement, agreement_records.c.record)
            .join(agreement_records, agreement_records.c.record_id == agreement_sources.c.record_id)
            .order_by(agreement_sources.c.agreement, agreement_sources.c.id))
        key, recs = None, []
        for agreement, record in rows:
            if agreement != key and recs:
                merger.restore(recs, key)
                recs = []
            key = agreement
            recs.append(record)
        if recs:
            merger.restore(recs, key)
        self._merger, self._n_sources = merger, n
        return merger

    def _insert_documents(self, conn: Connection, new_docs: List[Tuple[str, Dict[str, Any]]]) -> None:
        doc_rows, ent_rows, rel_rows = [], [], []
        for doc_id, d in new_docs:
            doc_rows.append({"id": doc_id, "lang": d.get("lang"), "date": _doc_date(d),
                             "date_source": d.get("date_source"), "text": _text(d.get("text", ""))})
            ents = d.get("entities", [])
            for i, e in enumerate(ents):
                ent_rows.append({"doc_id": doc_id, "idx": i, "start_char": e["start"], "end_char": e["end"],
                                 "label": e["label"], "text": _text(_entity_text(d, e)), "norm": e.get("norm"),
                                 "score": e.get("score")})
            for i, r in enumerate(d.get("relations", [])):
                try:
                    head, tail = ents[r["head"]], ents[r["tail"]]
                except (IndexError, TypeError):
                    raise ValueError(f"document {doc_id!r}: relation {i} ({r.get('label')}) indexes no entity") from None
                rel_rows.append({"doc_id": doc_id, "idx": i, "label": r["label"], "head": r["head"], "tail": r["tail"],
                                 "head_label": head["label"], "head_text": _text(_entity_text(d, head)),
                                 "tail_label": tail["label"], "tail_text": _text(_entity_text(d, tail)),
                                 "score": r.get("score")})
        for table, rows in ((documents, doc_rows), (entities, ent_rows), (relations, rel_rows)):
            if rows:
                conn.execute(insert(table), rows)

    @staticmethod
    def _record_row(a: AgreementRecord) -> Dict[str, Any]:
        start, end = _days(a.get("date"))
        return {"record_id": str(a["record_id"]), "doc_id": str(a["doc_id"]), "type": a["type"],
                "date": _date_text(a.get("date")), "date_start": start, "date_end": end,
                "confidence": a.get("confidence"), "evidence": _text(a.get("evidence")), "record": a}

    @staticmethod
    def _agreement_rows(group: Any) -> Tuple[Dict[str, Any], List[Dict[str, Any]], List[Dict[str, Any]]]:
        """The ``agreements`` row of a merge group, its ``agreement_parties`` and ``party_names`` rows."""
        merged = merged_record(group.records, f"agreement-{group.key:05d}")
        start, end = _days(merged["date"])
        row = {"id": group.key, "agreement_id": merged["agreement_id"], "type": merged["type"],
               "date": _date_text(merged["date"]), "date_start": start, "date_end": end,
               "confidence": merged["confidence"], "n_sources": len(merged["sources"]),
               "parties": merged["parties"], "signatories": merged["signatories"]}
        surfaces: Dict[str, set] = {}
        for r in group.records:
            for p in r["parties"]:
                surfaces.setdefault(party_key(p), set()).add(p.get("surface"))
        party_rows, names = [], set()
        for n, p in enumerate(merged["parties"]):
            party_rows.append({"agreement": group.key, "position": n, "name": _text(p.get("name")),
                               "gazetteer_id": p.get("id"), "country": p.get("country"), "level": p.get("level"),
                               "parent": _text(p.get("parent"))})
            for name in {p.get("name"), p.get("id")} | surfaces.get(party_key(p), set()):
                if name:
                    names.add(_text(" ".join(str(name).split()).casefold())[:512])
        return row, party_rows, [{"agreement": group.key, "name": name} for name in sorted(names)]

    def batches(self, size: int = 32) -> "Batches":
        """A writer that stores documents ``size`` at a time, one transaction per batch."""
        return Batches(self, size)

    # -- reading -------------------------------------------------------------------------------

    def query(self, party: Optional[str] = None, country: Optional[str] = None, type: Optional[str] = None,
              since: Optional[str] = None, until: Optional[str] = None) -> List[Dict[str, Any]]:
        """Merged agreements (as ``records merge`` writes them, every source kept), oldest first.

        ``party``: canonical name, gazetteer id or surface text of a party (case-insensitive,
        whole name); ``country``: ISO code of a party's country; ``type``: agreement type;
        ``since``/``until``: the signing date lies (partly) on or after / on or before this date
        (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; agreements without a known date are left out).
        """
        q = select(agreements.c.id, agreements.c.agreement_id).order_by(agreements.c.id)
        if party:
            q = q.where(agreements.c.id.in_(select(party_names.c.agreement).where(
                party_names.c.name == " ".join(party.split()).casefold())))
        if country:
            q = q.where(agreements.c.id.in_(select(agreement_parties.c.agreement).where(
                func.upper(agreement_parties.c.country) == country.upper())))
        if type:
            q = q.where(agreements.c.type == type)
        if since:
            q = q.where(agreements.c.date_end >= _bound("since", since)[0])
        if until:
            q = q.where(agreements.c.date_start <= _bound("until", until)[1])
        with self.engine.connect() as conn:
            found = list(conn.execute(q))
            records: Dict[int, List[AgreementRecord]] = {}
            keys = [k for k, _ in found]
            for i in range(0, len(keys), _CHUNK):
                rows = conn.execute(
                    select(agreement_sources.c.agreement, agreement_records.c.record)
                    .join(agreement_records, agreement_records.c.record_id == agreement_sources.c.record_id)
                    .where(agreement_sources.c.agreement.in_(keys[i:i + _CHUNK]))
                    .order_by(agreement_sources.c.id))
                for key, record in rows:
                    records.setdefault(key, []).append(record)
        return [merged_record(records[key], agreement_id) for key, agreement_id in found]

    def counts(self) -> Dict[str, int]:
        """Rows per table."""
        tables = [documents, entities, relations, agreement_records, agreements, agreement_parties, party_names,
                  agreement_sources]
        with self.engine.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in tables}

    def document_ids(self) -> List[str]:
        """Ids of the stored documents."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(documents.c.id).order_by(documents.c.id)).scalars())


def _bound(option: str, value: str) -> Tuple[date, date]:
    try:
        if not re.fullmatch(r"\d{4}(-\d{2}){0,2}", value):
            raise ValueError
        return norm_days(value)
    except ValueError:
        raise ValueError(f"{option}: {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from None


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint; a crash loses no committed batch's consistency
    cursor.close()


class Batches:
    """Stores documents a batch at a time (one transaction each): :meth:`add` each document record
    with its agreement records, :meth:`error` each failed document, then :meth:`finish`. A batch is
    all or nothing, so a crash mid-run leaves whole documents only; running again skips the stored ones."""

    def __init__(self, store: AgreementStore, size: int = 32):
        self.store, self.size = store, max(1, size)
        self.result = AddResult()
        self.errors: List[str] = []
        self._docs: List[Dict[str, Any]] = []
        self._records: List[Optional[Sequence[AgreementRecord]]] = []

    def add(self, document_record: Dict[str, Any], agreement_records: Optional[Sequence[AgreementRecord]] = None) -> None:
        """Queue one document (``agreement_records`` built from it when not given)."""
        self._docs.append(document_record)
        self._records.append(agreement_records)
        if len(self._docs) >= self.size:
            self.flush()

    def error(self, doc_id: Any) -> None:
        """Count a document that failed (it is not stored)."""
        self.errors.append(str(doc_id))

    def flush(self) -> None:
        """Store the queued documents in one transaction."""
        from sqlalchemy.exc import SQLAlchemyError

        if self._docs:
            docs, records = self._docs, self._records
            self._docs, self._records = [], []
            try:
                self.result.update(self.store.add_documents(list(zip(docs, records))))
            except (ValueError, SQLAlchemyError) as e:
                ids = f"{docs[0].get('id')!r} to {docs[-1].get('id')!r}"
                raise StoreError(f"database {self.store.name}: batch of documents {ids} not stored: {_one_line(e)}") from e

    def finish(self) -> AddResult:
        """Store what is queued; returns the totals."""
        self.flush()
        return self.result

    def summary(self) -> str:
        """One line for stderr: stored, skipped (with the first ids), failed, merged."""
        r = self.result
        parts = [f"{self.store.name}: {r.documents} document(s) stored"]
        if r.skipped:
            shown = ", ".join(r.skipped[:5]) + (", ..." if len(r.skipped) > 5 else "")
            parts.append(f"{len(r.skipped)} skipped as already stored ({shown})")
        if self.errors:
            parts.append(f"{len(self.errors)} failed and not stored")
        parts.append(f"{r.agreement_records} agreement record(s): {r.new_agreements} new agreement(s), "
                     f"{r.joined} joined stored ones")
        return "; ".join(parts)
