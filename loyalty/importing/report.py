"""The import report: what was read, how it was mapped, problems, warnings, what was stored.

:class:`ImportReport` is the structure the app shows; :meth:`ImportReport.render_text` is the
plain-text form the CLI prints (German or English). Problems are grouped by kind with a count;
each group shows its first :data:`~loyalty.importing.validate.REPORT_LIMIT` occurrences and the
number of the rest; :meth:`ImportReport.problems_frame` is the complete list for a CSV file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from loyalty.i18n import num, t
from loyalty.importing.instrument import error_message
from loyalty.importing.layouts import DISPLAY_NAMES
from loyalty.importing.read import Note, ReadError
from loyalty.importing.validate import (
    PROBLEM_SCHEMA,
    REPORT_LIMIT,
    Notice,
    ValidationResult,
    field_label,
    file_problem,
    problem_line,
    problems_frame,
)
from loyalty.schema import FIELDS

#: The problems the report adds for a file that was not validated (``import.problem.<code>``).
PROBLEM_CODES = ("read_error", "instrument")


@dataclass(frozen=True)
class FileInfo:
    """What was detected about the file (the file itself is never kept)."""

    file_format: str
    size_bytes: int
    sha256: str
    encoding: str | None = None
    delimiter: str | None = None
    layout: str = "plain"
    sheet: str | None = None
    sheet_names: tuple[str, ...] = ()
    notes: tuple[tuple[str, dict[str, Any]], ...] = ()  # (code, params) of the reader's notes
    header_row: int = 1

    @classmethod
    def from_raw(cls, raw: Any, sheet: str | int | None = None) -> FileInfo:
        names = tuple(getattr(raw, "sheet_names", None) or ())
        return cls(
            file_format=str(raw.file_format),
            size_bytes=int(raw.size_bytes),
            sha256=str(raw.sha256),
            encoding=getattr(raw, "encoding", None),
            delimiter=getattr(raw, "delimiter", None),
            layout=getattr(raw, "layout", "plain") or "plain",
            sheet=getattr(raw, "sheet", None) or (str(sheet) if sheet is not None else None),
            sheet_names=names,
            notes=tuple((n.code, dict(n.params)) for n in getattr(raw, "notes", None) or ()),
            header_row=int(getattr(raw, "header_row", 1) or 1),
        )


@dataclass(frozen=True)
class StoredImport:
    wave: str | None
    import_id: int
    version: int
    rows: int


@dataclass
class ImportReport:
    filename: str
    kind: str
    wave: str | None = None
    lang: str = "de"
    dry_run: bool = False
    file: FileInfo | None = None
    read_error: tuple[str, dict[str, Any]] | None = None
    unknown_mapping: str | None = None
    instrument_errors: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    mapping_suggested: bool = False
    mapping_saved: str | None = None
    validation: ValidationResult | None = None
    stored: list[StoredImport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True if the file could be stored (no read error, no problems)."""
        return (
            self.read_error is None
            and self.unknown_mapping is None
            and not self.instrument_errors
            and self.validation is not None
            and self.validation.ok
        )

    @property
    def hides_branches(self) -> bool:
        """Whether the new version would stop showing branches of the active one (the check
        names them): the Data page asks to confirm that before it stores."""
        return self.validation is not None and any(
            w.kind.startswith("missing_branches.") for w in self.validation.warnings
        )

    def problem_count(self) -> int:
        extra = (
            int(self.read_error is not None)
            + int(self.unknown_mapping is not None)
            + len(self.instrument_errors)
        )
        return extra + (self.validation.problems.height if self.validation else 0)

    def summary(self, lang: str) -> str:
        """The check's first line on the Data page: rows read, valid, problems; where the
        columns did not fit, the rows were never looked at, and it says so (no "0 valid",
        which would blame the rows)."""
        v = self.validation
        assert v is not None
        counts = {
            "read": num(v.rows_read, lang, 0),
            "valid": num(v.rows_valid, lang, 0),
            "problems": num(self.problem_count(), lang, 0),
        }
        if v.rows_checked:
            return t("data.summary", lang, **counts)
        return t("data.summary_unchecked", lang, **counts)

    def page_warnings(self) -> list[Notice]:
        """The warnings the Data page shows as such: the dropped identifying columns it says
        apart, once, as the protection they are (:meth:`dropped_note`)."""
        v = self.validation
        return [w for w in v.warnings if w.kind != "identifying_dropped"] if v else []

    def dropped_note(self, lang: str) -> str | None:
        """The columns dropped before storing, each with its reason; None without any."""
        v = self.validation
        if v is None or not v.dropped_columns:
            return None
        dropped = ", ".join(f"{c} ({t(f'privacy.{r}', lang)})" for c, r in v.dropped_columns)
        return t("data.dropped", lang, columns=dropped)

    def store_failure(self) -> str | None:
        """The message when the file was fine but the store could not be written (a full
        disk, a read-only data directory), in the import's language; else None."""
        if self.validation is None:
            return None
        failed = self.validation.problems.filter(pl.col("kind") == "store_failed")
        return failed["value"][0] if failed.height else None

    def problems_frame(self, lang: str | None = None) -> pl.DataFrame:
        """Every problem (read error included) as a frame for the CSV download."""
        lang = lang or self.lang
        problems = (
            self.validation.problems
            if self.validation is not None
            else pl.DataFrame(schema=PROBLEM_SCHEMA)
        )
        for code, params in reversed(self.instrument_errors):
            problems = pl.concat(
                [
                    file_problem("instrument", value=error_message(code, params, lang)),
                    problems,
                ]
            )
        if self.read_error is not None:
            problems = pl.concat(
                [
                    file_problem("read_error", value=ReadError(*self.read_error).message(lang)),
                    problems,
                ]
            )
        return problems_frame(problems, lang)

    # --- text ---------------------------------------------------------------------------------

    def render_text(self, lang: str | None = None, limit: int = REPORT_LIMIT) -> str:
        lang = lang or self.lang
        lines = [
            t(
                "import.report.title",
                lang,
                file=self.filename,
                kind=t(f"import.kind.{self.kind}", lang) if self.kind in FIELDS else self.kind,
            )
        ]
        if self.file is not None:
            lines.append(self._file_line(lang))
            lines.extend(f"  {Note(*note).message(lang)}" for note in self.file.notes)
        if self.read_error is not None:
            lines.append("")
            lines.append(t("import.report.problems", lang, count=1))
            lines.append(f"  {t('import.problem.read_error', lang)}")
            lines.append(f"    {ReadError(*self.read_error).message(lang)}")
            lines.append(t("import.report.rejected", lang))
            return "\n".join(lines)
        if self.unknown_mapping is not None:
            lines.append("")
            lines.append(t("import.report.problems", lang, count=1))
            lines.append(f"  {t('import.problem.unknown_mapping', lang)}")
            lines.append(
                f"    {t('import.problem.unknown_mapping.line', lang, value=self.unknown_mapping)}"
            )
            lines.append(t("import.report.rejected", lang))
            return "\n".join(lines)
        v = self.validation
        if v is None:
            return "\n".join(lines)
        rows = {
            "read": num(v.rows_read, lang, 0),
            "valid": num(v.rows_valid, lang, 0),
            "skipped": num(v.rows_skipped, lang, 0),
        }
        if v.rows_checked:
            lines.append(t("import.report.rows", lang, **rows))
        else:  # the columns did not fit: the rows were not looked at
            lines.append(t("import.report.rows_unchecked", lang, **rows))
        if v.mapping:
            lines.append("")
            lines.append(t("import.report.mapping", lang))
            quote = ("„", "“") if lang == "de" else ("“", "”")
            mapped = {f: c for f, c in v.mapping.items() if c}
            width = max((len(field_label(f, lang)) for f in mapped), default=0)
            for name, col in mapped.items():
                lines.append(f"  {field_label(name, lang):<{width}} ← {quote[0]}{col}{quote[1]}")
            unmapped = [field_label(f, lang) for f, c in v.mapping.items() if not c]
            if unmapped:
                lines.append(
                    "  " + t("import.report.unmapped_fields", lang, fields=", ".join(unmapped))
                )
        if v.item_columns:
            shown = [i if c == i else f"{i} ← {c}" for i, c in v.item_columns.items()]
            lines.append(t("import.report.items", lang, count=len(shown), items=", ".join(shown)))
        if v.ignored_columns:
            quote = ("„", "“") if lang == "de" else ("“", "”")
            lines.append(
                t(
                    "import.report.ignored",
                    lang,
                    columns=", ".join(f"{quote[0]}{c}{quote[1]}" for c in v.ignored_columns),
                )
            )
        if v.warnings:
            lines.append("")
            lines.append(t("import.report.warnings", lang))
            lines.extend(f"  - {w.message(lang)}" for w in v.warnings)
        if self.instrument_errors:
            lines.append("")
            lines.append(t("import.report.problems", lang, count=len(self.instrument_errors)))
            lines.append(f"  {t('import.problem.instrument', lang)}")
            lines.extend(f"    {error_message(c, p, lang)}" for c, p in self.instrument_errors)
            lines.append(t("import.report.rejected", lang))
        elif not v.ok:
            lines.append("")
            lines.append(t("import.report.problems", lang, count=num(v.problems.height, lang, 0)))
            for kind, count, part in v.problem_groups(limit):
                lines.append(f"  {t(f'import.problem.{kind}', lang)} ({num(count, lang, 0)})")
                for row in part.iter_rows(named=True):
                    lines.append(f"    {problem_line(kind, row, lang)}")
                if count > limit:
                    lines.append(
                        "    "
                        + t(
                            "import.report.more",
                            lang,
                            count=num(count - limit, lang, 0),
                            hint=t("import.report.csv_hint", lang),
                        )
                    )
            lines.append(t("import.report.rejected", lang))
        elif self.stored:
            lines.append("")
            for s in self.stored:
                if s.wave is None:
                    lines.append(
                        t(
                            "import.report.stored_branches",
                            lang,
                            version=s.version,
                            id=s.import_id,
                            rows=num(s.rows, lang, 0),
                        )
                    )
                    continue
                lines.append(
                    t(
                        "import.report.stored",
                        lang,
                        kind=t(f"import.kind.{self.kind}", lang),
                        wave=s.wave,
                        version=s.version,
                        id=s.import_id,
                        rows=num(s.rows, lang, 0),
                    )
                )
            if self.mapping_saved:
                lines.append(t("import.report.mapping_saved", lang, name=self.mapping_saved))
        elif self.dry_run:
            lines.append("")
            lines.append(t("import.report.dry_run", lang))
        return "\n".join(lines)

    def _file_line(self, lang: str) -> str:
        f = self.file
        assert f is not None
        size = (
            f"{num(f.size_bytes / 1024 / 1024, lang, 1)} MB"
            if f.size_bytes >= 1024 * 1024
            else f"{num(f.size_bytes / 1024, lang, 1)} kB"
        )
        parts = [
            t(
                "import.report.file",
                lang,
                format=f.file_format.upper(),
                size=size,
                sha=f.sha256[:12],
            )
        ]
        if f.encoding or f.delimiter:
            parts.append(
                t(
                    "import.report.text_file",
                    lang,
                    encoding=f.encoding or "-",
                    delimiter={"\t": "Tab"}.get(f.delimiter or "", f.delimiter or "-"),
                )
            )
        if f.sheet:
            parts.append(t("import.report.sheet", lang, sheet=f.sheet))
        if f.layout and f.layout != "plain":
            parts.append(
                t("import.report.layout", lang, layout=DISPLAY_NAMES.get(f.layout, f.layout))
            )
        if f.file_format != "parquet":
            parts.append(t("import.report.header_row", lang, row=f.header_row))
        if self.validation is not None and self.validation.decimal:
            parts.append(t("import.report.decimal", lang, decimal=self.validation.decimal))
        return "; ".join(parts)
