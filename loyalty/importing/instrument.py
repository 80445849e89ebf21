"""The company's own questionnaire (the survey *instrument*), versioned per wave.

HR describes the items in a YAML or CSV file (format: ``docs/data-model.md``, section "The
instrument file"; example: ``data/samples/instrument.yaml``). :func:`load_instrument` reads and
checks it, :func:`save_instrument` stores it as the instrument of one wave (one transaction),
:func:`instrument_for_wave` reads it back.

Identity rule: an item keeps its ``item_id`` across waves, so trends stay comparable. A changed
definition (wording in either language, dimension, scale, reverse keying, index membership) is a
*new* item and needs a new id: saving an instrument that reuses a stored id with a different
definition is refused with :class:`InstrumentError` (``instrument.changed_item``), unless the
stored item is used by no other wave and has no answers yet (then it is a correction and is
updated in place). Ids are never derived silently, because survey files name their columns by
the item id and a silent rename would attach the answers to the wrong question.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from loyalty.i18n import t
from loyalty.importing.privacy import text_reasons
from loyalty.store import Store
from loyalty.versions import audit

#: Fields that define what an item measures; a change needs a new item id.
IDENTITY_FIELDS = (
    "dimension_id",
    "text_de",
    "text_en",
    "scale_min",
    "scale_max",
    "reverse",
    "in_index",
)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_TRUE = {"true", "yes", "ja", "wahr", "1", "x", "j", "y"}
_FALSE = {"false", "no", "nein", "falsch", "0", "n", ""}
DEFAULT_SCALE = (1, 5)


@dataclass(frozen=True)
class Dimension:
    dimension_id: str
    name_de: str
    name_en: str


@dataclass(frozen=True)
class Item:
    item_id: str
    dimension_id: str
    text_de: str
    text_en: str
    scale_min: int = DEFAULT_SCALE[0]
    scale_max: int = DEFAULT_SCALE[1]
    reverse: bool = False
    in_index: bool = True

    def identity(self) -> tuple[Any, ...]:
        return tuple(
            _norm_text(v) if isinstance(v, str) else v
            for v in (getattr(self, f) for f in IDENTITY_FIELDS)
        )


@dataclass(frozen=True)
class Instrument:
    """Dimensions and items in questionnaire order."""

    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]

    @property
    def item_ids(self) -> list[str]:
        return [i.item_id for i in self.items]

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.item_id == item_id:
                return it
        raise KeyError(item_id)

    def subset(self, item_ids: list[str] | set[str]) -> Instrument:
        """The instrument restricted to ``item_ids`` (dimensions without items dropped)."""
        keep = set(item_ids)
        items = tuple(i for i in self.items if i.item_id in keep)
        dims = {i.dimension_id for i in items}
        return Instrument(tuple(d for d in self.dimensions if d.dimension_id in dims), items)

    def dimensions_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "dimension_id": [d.dimension_id for d in self.dimensions],
                "name_de": [d.name_de for d in self.dimensions],
                "name_en": [d.name_en for d in self.dimensions],
                "seq": list(range(1, len(self.dimensions) + 1)),
            },
            schema={
                "dimension_id": pl.String,
                "name_de": pl.String,
                "name_en": pl.String,
                "seq": pl.Int32,
            },
        )

    def items_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "item_id": [i.item_id for i in self.items],
                "dimension_id": [i.dimension_id for i in self.items],
                "text_de": [i.text_de for i in self.items],
                "text_en": [i.text_en for i in self.items],
                "scale_min": [i.scale_min for i in self.items],
                "scale_max": [i.scale_max for i in self.items],
                "reverse": [i.reverse for i in self.items],
                "in_index": [i.in_index for i in self.items],
                "seq": list(range(1, len(self.items) + 1)),
            },
            schema={
                "item_id": pl.String,
                "dimension_id": pl.String,
                "text_de": pl.String,
                "text_en": pl.String,
                "scale_min": pl.Int32,
                "scale_max": pl.Int32,
                "reverse": pl.Boolean,
                "in_index": pl.Boolean,
                "seq": pl.Int32,
            },
        )

    @classmethod
    def from_frames(cls, dimensions: pl.DataFrame, items: pl.DataFrame) -> Instrument:
        dims = tuple(
            Dimension(r["dimension_id"], r["name_de"], r["name_en"])
            for r in dimensions.sort("seq").iter_rows(named=True)
        )
        its = tuple(
            Item(
                r["item_id"],
                r["dimension_id"],
                r["text_de"],
                r["text_en"],
                int(r["scale_min"]),
                int(r["scale_max"]),
                bool(r["reverse"]),
                bool(r["in_index"]),
            )
            for r in items.sort("seq").iter_rows(named=True)
        )
        return cls(dims, its)


#: Why a questionnaire cannot be used: the codes of :class:`InstrumentError`
#: (message ``instrument.<code>``).
ERRORS = (
    "bad_bool",
    "bad_format",
    "bad_id",
    "bad_int",
    "bad_scale",
    "bad_scale_spec",
    "bad_suffix",
    "changed_item",
    "csv_columns",
    "dimension_names_differ",
    "duplicate_dimension",
    "duplicate_item",
    "identifying_email",
    "identifying_ip",
    "identifying_phone",
    "missing_field",
    "no_index_items",
    "no_items",
    "unknown_dimension",
    "unreadable",
    "wave_has_data",
)


#: The questionnaire's columns as the Data page edits them (dimensions_frame, items_frame).
COLUMNS = ("dimension_id", "name_de", "name_en", "item_id", "text_de", "text_en",
           "scale_min", "scale_max", "reverse", "in_index")  # fmt: skip


def column_labels(lang: str) -> dict[str, str]:
    """Headings of the questionnaire's columns in ``lang`` (the files keep the ids)."""
    return {c: t(f"instrument.col.{c}", lang) for c in COLUMNS}


def _field_named(field: str, lang: str) -> str:
    """A field as the Data page's editors head it, with the id a file uses:
    "Im Index (in_index)"; a file's own keys (``id``, ``text`` …) as they are."""
    return f"{t(f'instrument.col.{field}', lang)} ({field})" if field in COLUMNS else field


def error_message(code: str, params: dict[str, Any], lang: str) -> str:
    """One error of :class:`InstrumentError` in ``lang``; its fields named as the editors
    head them and as a file writes them."""
    shown = dict(params)
    if "field" in shown:
        shown["field"] = _field_named(shown["field"], lang)
    if "fields" in shown:
        shown["fields"] = ", ".join(_field_named(f, lang) for f in shown["fields"].split(", "))
    return t(f"instrument.{code}", lang, **shown)


@dataclass
class InstrumentError(ValueError):
    """The instrument cannot be used; ``errors`` holds (code of :data:`ERRORS`, params)."""

    errors: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__("; ".join(k for k, _ in self.errors))

    def messages(self, lang: str) -> list[str]:
        return [error_message(code, params, lang) for code, params in self.errors]


def _norm_text(text: str) -> str:
    return " ".join(str(text).split())


def _bool(value: Any, item: str, name: str, default: bool, errors: list) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text == "":
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    errors.append(("bad_bool", {"item": item, "field": name, "value": value}))
    return default


def _int(value: Any, item: str, name: str, default: int, errors: list) -> int:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return default
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        number = float("nan")
    if number != number or number != int(number):
        errors.append(("bad_int", {"item": item, "field": name, "value": value}))
        return default
    return int(number)


def _text(value: Any) -> str:
    return "" if value is None else _norm_text(value)


def _scale(spec: Any, where: str, default: tuple[int, int], errors: list) -> tuple[int, int]:
    if spec is None:
        return default
    if isinstance(spec, dict):
        lo, hi = spec.get("min"), spec.get("max")
    elif isinstance(spec, list | tuple) and len(spec) == 2:
        lo, hi = spec
    else:
        errors.append(("bad_scale_spec", {"item": where, "value": spec}))
        return default
    return (
        _int(lo, where, "scale.min", default[0], errors),
        _int(hi, where, "scale.max", default[1], errors),
    )


def _names(spec: Any, keys: tuple[str, str]) -> tuple[str, str]:
    """``{de: .., en: ..}`` or a plain string for both languages."""
    if isinstance(spec, dict):
        de, en = _text(spec.get("de")), _text(spec.get("en"))
        return de or en, en or de
    text = _text(spec)
    return text, text


def parse_yaml(text: str) -> Instrument:
    """The instrument from YAML text (see ``docs/data-model.md``)."""
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        reason = str(exc).split("\n")[0]
        raise InstrumentError([("unreadable", {"reason": reason})]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("dimensions"), list):
        raise InstrumentError([("bad_format", {})])
    errors: list[tuple[str, dict[str, Any]]] = []
    default_scale = _scale(doc.get("scale"), "scale", DEFAULT_SCALE, errors)
    dims: list[Dimension] = []
    items: list[Item] = []
    for n, d in enumerate(doc["dimensions"], start=1):
        if not isinstance(d, dict):
            errors.append(("bad_format", {}))
            continue
        did = _text(d.get("id"))
        if not did:
            errors.append(("missing_field", {"where": f"#{n}", "field": "id"}))
            continue
        name_de, name_en = _names(d.get("name"), ("de", "en"))
        name_de = _text(d.get("name_de")) or name_de
        name_en = _text(d.get("name_en")) or name_en
        if not name_de:
            errors.append(("missing_field", {"where": did, "field": "name"}))
        dims.append(Dimension(did, name_de, name_en or name_de))
        dim_scale = _scale(d.get("scale"), did, default_scale, errors)
        for raw in d.get("items") or []:
            if not isinstance(raw, dict):
                errors.append(("bad_format", {}))
                continue
            iid = _text(raw.get("id"))
            if not iid:
                errors.append(("missing_field", {"where": did, "field": "items.id"}))
                continue
            text_de, text_en = _names(raw.get("text"), ("de", "en"))
            text_de = _text(raw.get("text_de")) or text_de
            text_en = _text(raw.get("text_en")) or text_en
            lo, hi = _scale(raw.get("scale"), iid, dim_scale, errors)
            items.append(
                Item(
                    iid,
                    did,
                    text_de,
                    text_en,
                    lo,
                    hi,
                    _bool(raw.get("reverse"), iid, "reverse", False, errors),
                    _bool(raw.get("in_index"), iid, "in_index", True, errors),
                )
            )
    return _checked(dims, items, errors)


#: Columns of the CSV form (one row per item); the last four may be left out.
CSV_COLUMNS = (
    "item_id",
    "dimension_id",
    "dimension_de",
    "dimension_en",
    "text_de",
    "text_en",
    "scale_min",
    "scale_max",
    "reverse",
    "in_index",
)


def parse_csv(text: str) -> Instrument:
    """The instrument from CSV text: one row per item, ``;`` or ``,`` separated."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS[:6] if c not in header]
    if missing:
        raise InstrumentError(
            [
                (
                    "csv_columns",
                    {"missing": ", ".join(missing), "expected": ", ".join(CSV_COLUMNS)},
                )
            ]
        )
    errors: list[tuple[str, dict[str, Any]]] = []
    dims: dict[str, Dimension] = {}
    items: list[Item] = []
    for raw in reader:
        row = {(k or "").strip().lower(): v for k, v in raw.items()}
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        iid, did = _text(row.get("item_id")), _text(row.get("dimension_id"))
        if not iid or not did:
            errors.append(("missing_field", {"where": iid or "?", "field": "item_id/dimension_id"}))
            continue
        dim = Dimension(
            did,
            _text(row.get("dimension_de")) or did,
            _text(row.get("dimension_en")) or _text(row.get("dimension_de")) or did,
        )
        if did in dims and dims[did] != dim:
            errors.append(("dimension_names_differ", {"dimension": did}))
        dims.setdefault(did, dim)
        items.append(
            Item(
                iid,
                did,
                _text(row.get("text_de")),
                _text(row.get("text_en")),
                _int(row.get("scale_min"), iid, "scale_min", DEFAULT_SCALE[0], errors),
                _int(row.get("scale_max"), iid, "scale_max", DEFAULT_SCALE[1], errors),
                _bool(row.get("reverse"), iid, "reverse", False, errors),
                _bool(row.get("in_index"), iid, "in_index", True, errors),
            )
        )
    return _checked(list(dims.values()), items, errors)


def _checked(dims: list[Dimension], items: list[Item], errors: list) -> Instrument:
    seen_dims: set[str] = set()
    for d in dims:
        if d.dimension_id in seen_dims:
            errors.append(("duplicate_dimension", {"dimension": d.dimension_id}))
        seen_dims.add(d.dimension_id)
        if not _ID.match(d.dimension_id):
            errors.append(("bad_id", {"id": d.dimension_id}))
    seen: set[str] = set()
    for it in items:
        if it.item_id.lower() in seen:
            errors.append(("duplicate_item", {"item": it.item_id}))
        seen.add(it.item_id.lower())
        if not _ID.match(it.item_id):
            errors.append(("bad_id", {"id": it.item_id}))
        if not it.text_de and not it.text_en:
            errors.append(("missing_field", {"where": it.item_id, "field": "text"}))
        if it.scale_max <= it.scale_min:
            errors.append(
                (
                    "bad_scale",
                    {"item": it.item_id, "min": it.scale_min, "max": it.scale_max},
                )
            )
    if not items:
        errors.append(("no_items", {}))
    elif not any(i.in_index for i in items):
        errors.append(("no_index_items", {}))
    errors.extend(_identifying_texts(dims, items))
    if errors:
        raise InstrumentError(errors)
    # one language may be left empty: it then shows the other one
    items = [
        Item(
            i.item_id,
            i.dimension_id,
            i.text_de or i.text_en,
            i.text_en or i.text_de,
            i.scale_min,
            i.scale_max,
            i.reverse,
            i.in_index,
        )
        for i in items
    ]
    used = {i.dimension_id for i in items}
    return Instrument(tuple(d for d in dims if d.dimension_id in used), tuple(items))


#: Why a questionnaire's text is refused: an address or number anywhere in it.
_TEXT_REASONS = ("email", "phone", "ip")


def _identifying_texts(dims: list[Dimension], items: list[Item]) -> list:
    """An error per dimension name or item wording that holds an e-mail address, a phone
    number or an IP address (:func:`loyalty.importing.privacy.text_reasons`): the
    questionnaire is stored with every wave, and gives no one's address."""
    texts = [
        *((d.dimension_id, f, getattr(d, f)) for d in dims for f in ("name_de", "name_en")),
        *((i.item_id, f, getattr(i, f)) for i in items for f in ("text_de", "text_en")),
    ]
    texts = [(where, f, value) for where, f, value in texts if value]
    if not texts:
        return []
    # length and sentences do not count (a question is a sentence), nor words that look like
    # a name: a questionnaire names its employer and brands ("Drogerie Müller", "Tom Tailor")
    values = pl.Series([value for _, _, value in texts])
    reasons = text_reasons(values, names=False, length=False).to_list()
    return [
        (f"identifying_{reason}", {"where": where, "field": f, "value": _shown(value)})
        for (where, f, value), reason in zip(texts, reasons, strict=True)
        if reason in _TEXT_REASONS
    ]


def _shown(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit] + " …"


def from_tables(dimensions: pl.DataFrame, items: pl.DataFrame) -> Instrument:
    """An instrument as edited on the Data page (two tables, rows in their order), checked
    like a file: ids, wording, scale, at least one index item; items of an unknown dimension
    are refused."""
    errors: list = []

    def text(value: Any) -> str:
        return _text(value).strip() if value is not None else ""

    dims = [
        Dimension(text(r["dimension_id"]), text(r["name_de"]), text(r["name_en"]))
        for r in dimensions.iter_rows(named=True)
        if text(r["dimension_id"])
    ]
    known = {d.dimension_id for d in dims}
    its = []
    for r in items.iter_rows(named=True):
        item_id = text(r["item_id"])
        if not item_id:
            continue
        dim = text(r["dimension_id"])
        if dim not in known:
            errors.append(("unknown_dimension", {"item": item_id, "dimension": dim}))
        its.append(
            Item(
                item_id,
                dim,
                text(r["text_de"]),
                text(r["text_en"]),
                _int(r["scale_min"], item_id, "scale_min", 1, errors),
                _int(r["scale_max"], item_id, "scale_max", 5, errors),
                bool(r["reverse"]),
                True if r["in_index"] is None else bool(r["in_index"]),
            )
        )
    return _checked(dims, its, errors)


def load_instrument(path: Path | str) -> Instrument:
    """Read an instrument file: ``.yaml``/``.yml`` or ``.csv`` (UTF-8, or Windows-1252)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InstrumentError([("unreadable", {"reason": reason})]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return parse_yaml(text)
    if suffix in (".csv", ".txt"):
        return parse_csv(text)
    raise InstrumentError([("bad_suffix", {"suffix": path.suffix or "-"})])


def to_yaml(instrument: Instrument) -> str:
    """The instrument as YAML in the documented format (what ``loyalty instrument show`` prints)."""
    import yaml

    dims = []
    for d in instrument.dimensions:
        entries = []
        for i in instrument.items:
            if i.dimension_id != d.dimension_id:
                continue
            entry: dict[str, Any] = {"id": i.item_id, "text": {"de": i.text_de, "en": i.text_en}}
            if (i.scale_min, i.scale_max) != DEFAULT_SCALE:
                entry["scale"] = {"min": i.scale_min, "max": i.scale_max}
            if i.reverse:
                entry["reverse"] = True
            if not i.in_index:
                entry["in_index"] = False
            entries.append(entry)
        dims.append(
            {"id": d.dimension_id, "name": {"de": d.name_de, "en": d.name_en}, "items": entries}
        )
    doc = {"scale": {"min": DEFAULT_SCALE[0], "max": DEFAULT_SCALE[1]}, "dimensions": dims}
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


# --- the store -------------------------------------------------------------------------------


def apply_instrument(
    cur: duckdb.DuckDBPyConnection, wave: str, instrument: Instrument, actor: str
) -> None:
    """Make ``instrument`` the instrument of ``wave`` inside the caller's transaction.

    Raises :class:`InstrumentError` (nothing written) when an item id is reused with a
    different definition while the stored item is in use elsewhere, or when the wave already
    holds answers to items the new instrument drops.
    """
    errors: list[tuple[str, dict[str, Any]]] = []
    ids = instrument.item_ids
    cur.register("_instr_ids", pl.DataFrame({"item_id": ids}))
    try:
        stored_rows = cur.execute(
            "SELECT i.item_id, i.dimension_id, i.text_de, i.text_en, i.scale_min, i.scale_max, "
            "i.reverse, i.in_index FROM items i WHERE i.item_id IN (SELECT item_id FROM _instr_ids)"
        ).fetchall()
        usage_rows = cur.execute(
            "SELECT item_id, string_agg(DISTINCT wave, ', ' ORDER BY wave) FROM wave_items "
            "WHERE wave <> ? AND item_id IN (SELECT item_id FROM _instr_ids) GROUP BY item_id",
            [wave],
        ).fetchall()
    finally:
        cur.unregister("_instr_ids")
    stored = {r[0]: Item(*r[:6], bool(r[6]), bool(r[7])) for r in stored_rows}
    used_in = {r[0]: r[1] for r in usage_rows}
    # whether an item defined otherwise than stored has answers: asked only for such items
    # (a scan of every stored answer, which the usual import, same items, does not need)
    changed_ids = [
        i.item_id
        for i in instrument.items
        if i.item_id in stored and stored[i.item_id].identity() != i.identity()
    ]
    answered: set[str] = set()
    if changed_ids:
        cur.register("_changed_ids", pl.DataFrame({"item_id": changed_ids}))
        try:
            answered = {
                r[0]
                for r in cur.execute(
                    "SELECT DISTINCT item_id FROM response_scores "
                    "WHERE item_id IN (SELECT item_id FROM _changed_ids)"
                ).fetchall()
            }
        finally:
            cur.unregister("_changed_ids")
    updates = []
    for item in instrument.items:
        old = stored.get(item.item_id)
        if old is None or old.identity() == item.identity():
            continue
        if item.item_id in used_in or item.item_id in answered:
            changed = [
                f
                for f, a, b in zip(IDENTITY_FIELDS, old.identity(), item.identity(), strict=True)
                if a != b
            ]
            errors.append(
                (
                    "changed_item",
                    {
                        "item": item.item_id,
                        "fields": ", ".join(changed),
                        "old": getattr(old, changed[0]),
                        "new": getattr(item, changed[0]),
                        "waves": (waves := used_in.get(item.item_id) or wave),
                        "n_waves": waves.count(", ") + 1,
                    },
                )
            )
        else:
            updates.append(item.item_id)
    # the wave's answers are those of its active engagement import (one per wave): read by
    # its import id, not by joining every stored answer to its response
    dropped = cur.execute(
        "SELECT DISTINCT item_id FROM response_scores WHERE import_id IN ("
        "SELECT import_id FROM imports WHERE kind = 'engagement' AND wave = ? AND active "
        "AND deleted_at IS NULL) ORDER BY 1",
        [wave],
    ).fetchall()
    lost = [r[0] for r in dropped if r[0] not in set(ids)]
    if lost:
        errors.append(("wave_has_data", {"wave": wave, "items": ", ".join(lost)}))
    if errors:
        raise InstrumentError(errors)

    # dimension names are labels: a new wording updates them for every wave; order is kept
    dim_order = [
        r[0] for r in cur.execute("SELECT dimension_id FROM dimensions ORDER BY seq").fetchall()
    ]
    dim_order = _merge_order(dim_order, [d.dimension_id for d in instrument.dimensions])
    dims = instrument.dimensions_frame().with_columns(
        pl.col("dimension_id")
        .replace_strict(dim_order, list(range(1, len(dim_order) + 1)), return_dtype=pl.Int32)
        .alias("seq")
    )
    cur.register("_order", pl.DataFrame({"id": dim_order, "seq": range(1, len(dim_order) + 1)}))
    cur.execute("UPDATE dimensions SET seq = o.seq FROM _order o WHERE dimension_id = o.id")
    cur.unregister("_order")
    cur.register("_dims", dims)
    cur.execute(
        "INSERT OR REPLACE INTO dimensions (dimension_id, name_de, name_en, seq) "
        "SELECT dimension_id, name_de, name_en, seq FROM _dims"
    )
    cur.unregister("_dims")
    # items keep one global order: new items go right after their predecessor in this
    # questionnaire, so every wave reads in questionnaire order
    item_order = [r[0] for r in cur.execute("SELECT item_id FROM items ORDER BY seq").fetchall()]
    item_order = _merge_order(item_order, ids)
    cur.register("_order", pl.DataFrame({"id": item_order, "seq": range(1, len(item_order) + 1)}))
    cur.execute("UPDATE items SET seq = o.seq FROM _order o WHERE item_id = o.id")
    cur.unregister("_order")
    items = instrument.items_frame().with_columns(
        pl.col("item_id")
        .replace_strict(item_order, list(range(1, len(item_order) + 1)), return_dtype=pl.Int32)
        .alias("seq")
    )
    new_or_updated = items.filter(
        ~pl.col("item_id").is_in(list(stored)) | pl.col("item_id").is_in(updates)
    )
    cur.register("_items", new_or_updated)
    cur.execute(
        "INSERT OR REPLACE INTO items (item_id, dimension_id, text_de, text_en, scale_min, "
        "scale_max, reverse, in_index, seq) SELECT item_id, dimension_id, text_de, text_en, "
        "scale_min, scale_max, reverse, in_index, seq FROM _items"
    )
    cur.unregister("_items")
    cur.execute("DELETE FROM wave_items WHERE wave = ?", [wave])
    cur.executemany("INSERT INTO wave_items VALUES (?, ?)", [[wave, i] for i in ids])
    new = [i for i in ids if i not in stored]
    audit(
        cur,
        actor,
        "instrument",
        f"wave {wave}",
        f"{len(ids)} items ({len(new)} new, {len(updates)} corrected): {', '.join(ids)}",
    )


def _merge_order(existing: list[str], wanted: list[str]) -> list[str]:
    """``existing`` with the ids of ``wanted`` it lacks inserted after their predecessor in
    ``wanted`` (or before their successor, for a new first id)."""
    merged = list(existing)
    for n, key in enumerate(wanted):
        if key in merged:
            continue
        if n > 0:
            merged.insert(merged.index(wanted[n - 1]) + 1, key)
            continue
        later = [k for k in wanted[1:] if k in merged]
        merged.insert(merged.index(later[0]) if later else len(merged), key)
    return merged


def save_instrument(store: Store, wave: str, instrument: Instrument, actor: str) -> None:
    """Store ``instrument`` as the instrument of ``wave`` (one transaction, all or nothing)."""
    with store.transaction() as cur:
        apply_instrument(cur, wave, instrument, actor)


def _read_instrument(store: Store, where: str, params: list[Any]) -> Instrument | None:
    items = store.sql(
        "SELECT i.* FROM items i WHERE i.item_id IN "
        f"(SELECT item_id FROM wave_items WHERE {where}) ORDER BY i.seq",
        params,
    )
    if items.is_empty():
        return None
    dims = store.sql(
        "SELECT * FROM dimensions WHERE dimension_id IN (SELECT DISTINCT dimension_id FROM items "
        f"WHERE item_id IN (SELECT item_id FROM wave_items WHERE {where})) ORDER BY seq",
        params,
    )
    return Instrument.from_frames(dims, items)


def instrument_for_wave(store: Store, wave: str) -> Instrument | None:
    """The instrument stored for ``wave``, or ``None`` if the wave has none."""
    return _read_instrument(store, "wave = ?", [wave])


def latest_instrument(store: Store, before: str | None = None) -> tuple[str, Instrument] | None:
    """The most recent wave that has an instrument (optionally only waves before ``before``,
    by the waves table's order, else by label), with that instrument; ``None`` if none."""
    rows = store.sql(
        "SELECT DISTINCT wi.wave, w.seq FROM wave_items wi LEFT JOIN waves w USING (wave) "
        "ORDER BY w.seq NULLS LAST, wi.wave"
    ).rows()
    waves = [r[0] for r in rows]
    if before is not None:
        order = store.sql("SELECT wave, seq FROM waves").rows()
        seq = dict(order)
        if before in seq:
            waves = [w for w in waves if w in seq and seq[w] < seq[before]]
        else:
            waves = [w for w in waves if w < before]
    if not waves:
        return None
    wave = waves[-1]
    found = instrument_for_wave(store, wave)
    return (wave, found) if found is not None else None
