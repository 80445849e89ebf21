"""German and English texts of the reading layer (``read.*`` errors and notes, ``privacy.*``).

Shape as :data:`loyalty.i18n.MESSAGES` (``{key: {"de": ..., "en": ...}}``, ``str.format``
placeholders), into which they are registered: look them up with :func:`loyalty.i18n.t`.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- errors: the file cannot be read ---------------------------------------------------
    "read.empty_file": {
        "de": "Die Datei „{filename}“ ist leer. Exportieren Sie die Daten erneut und laden Sie "
        "die Datei noch einmal hoch.",
        "en": "The file “{filename}” is empty. Export the data again and upload the new file.",
    },
    "read.empty_sheet": {
        "de": "Das Tabellenblatt „{sheet}“ ist leer. Wählen Sie das Blatt mit den Daten "
        "(Blätter in der Datei: {sheets}).",
        "en": "The sheet “{sheet}” is empty. Choose the sheet that holds the data "
        "(sheets in the file: {sheets}).",
    },
    "read.header_only": {
        "de": "Die Datei „{filename}“ enthält nur Spaltenüberschriften und keine Datenzeilen. "
        "Prüfen Sie, ob der Export vollständig ist.",
        "en": "The file “{filename}” holds column headings only, no data rows. Check that the "
        "export is complete.",
    },
    "read.wrong_type": {
        "de": "Die Datei „{filename}“ endet auf „{extension}“, enthält aber {detected}. Speichern "
        "Sie die Datei im richtigen Format oder geben Sie ihr die passende Endung.",
        "en": "The file “{filename}” ends in “{extension}” but contains {detected}. Save it in "
        "the right format or give it the matching extension.",
    },
    "read.unsupported": {
        "de": "Die Datei „{filename}“ enthält {detected}. Lesbar sind CSV- und Textdateien "
        "(.csv, .tsv, .txt), Excel-Arbeitsmappen (.xlsx) und Parquet-Dateien.",
        "en": "The file “{filename}” contains {detected}. Loyalty reads CSV and text files "
        "(.csv, .tsv, .txt), Excel workbooks (.xlsx) and Parquet files.",
    },
    "read.unknown_format": {
        "de": "Das Format der Datei „{filename}“ ist unbekannt. Lesbar sind CSV- und "
        "Textdateien (.csv, .tsv, .txt), Excel-Arbeitsmappen (.xlsx) und Parquet-Dateien.",
        "en": "The format of the file “{filename}” is unknown. Loyalty reads CSV and text files "
        "(.csv, .tsv, .txt), Excel workbooks (.xlsx) and Parquet files.",
    },
    "read.xls_unsupported": {
        "de": "„{filename}“ ist eine alte Excel-Datei (.xls) oder eine passwortgeschützte "
        "Arbeitsmappe. Öffnen Sie sie in Excel und speichern Sie sie ohne Kennwort als "
        "„Excel-Arbeitsmappe (.xlsx)“.",
        "en": "“{filename}” is an old Excel file (.xls) or a password-protected workbook. Open "
        "it in Excel and save it without a password as “Excel Workbook (.xlsx)”.",
    },
    "read.too_large": {
        "de": "Die Datei ist {size_mb} MB groß; erlaubt sind höchstens {limit_mb} MB. Teilen Sie "
        "die Daten auf mehrere Dateien auf (z. B. eine Datei je Welle).",
        "en": "The file is {size_mb} MB; at most {limit_mb} MB are allowed. Split the data into "
        "several files (e.g. one per wave).",
    },
    "read.too_many_rows": {
        "de": "Die Datei hat mehr als {limit} Datenzeilen. Teilen Sie die Daten auf mehrere "
        "Dateien auf (z. B. eine Datei je Welle).",
        "en": "The file has more than {limit} data rows. Split the data into several files "
        "(e.g. one per wave).",
    },
    "read.too_many_columns": {
        "de": "Die Datei hat {columns} Spalten; erlaubt sind höchstens {limit}. Entfernen Sie "
        "Spalten, die nicht importiert werden sollen.",
        "en": "The file has {columns} columns; at most {limit} are allowed. Remove the columns "
        "that should not be imported.",
    },
    "read.xlsx_too_large": {
        "de": "Die Excel-Datei würde entpackt {size_mb} MB belegen; erlaubt sind höchstens "
        "{limit_mb} MB. Die Datei wurde nicht geöffnet. Speichern Sie die Daten als CSV oder "
        "teilen Sie sie auf.",
        "en": "Unpacked, the Excel file would take {size_mb} MB; at most {limit_mb} MB are "
        "allowed. The file was not opened. Save the data as CSV or split it.",
    },
    "read.xlsx_compression_ratio": {
        "de": "Der Teil „{part}“ der Excel-Datei ist {ratio}-fach komprimiert (erlaubt: "
        "{limit}-fach). So stark gepackte Dateien sind ein bekanntes Angriffsmuster "
        "(„Zip-Bombe“); die Datei wurde nicht geöffnet. Speichern Sie die Daten neu in Excel "
        "oder als CSV.",
        "en": "The part “{part}” of the Excel file is compressed {ratio} to 1 (allowed: {limit} "
        "to 1). Files packed this tightly are a known attack (“zip bomb”); the file was not "
        "opened. Save the data again from Excel or as CSV.",
    },
    "read.xlsx_unsafe": {
        "de": "Der Teil „{part}“ der Excel-Datei enthält eine XML-Dokumenttypdefinition "
        "(<!DOCTYPE>/<!ENTITY>). Excel schreibt so etwas nie; es ist ein bekanntes "
        "Angriffsmuster („XML-Bombe“). Die Datei wurde nicht geöffnet. Speichern Sie die Daten "
        "neu in Excel.",
        "en": "The part “{part}” of the Excel file contains an XML document type definition "
        "(<!DOCTYPE>/<!ENTITY>). Excel never writes one; it is a known attack (“XML bomb”). "
        "The file was not opened. Save the data again from Excel.",
    },
    "read.merged_header": {
        "de": "Die Kopfzeile enthält verbundene Zellen ({cells}). Heben Sie die Verbindung auf "
        "(Start → Verbinden und zentrieren) und geben Sie jeder Spalte eine eigene Überschrift.",
        "en": "The header row contains merged cells ({cells}). Unmerge them (Home → Merge & "
        "Center) and give every column its own heading.",
    },
    "read.unreadable": {
        "de": "Die Datei „{filename}“ lässt sich nicht lesen ({detail}). Ist sie beschädigt? "
        "Exportieren Sie die Daten erneut.",
        "en": "The file “{filename}” cannot be read ({detail}). Is it damaged? Export the data "
        "again.",
    },
    "read.cut_off": {
        "de": "Die letzte Zeile ({row}) endet nach {found} von {expected} Feldern: Die Datei "
        "sieht abgeschnitten aus (wird sie noch geschrieben, oder wurde sie nur zum Teil "
        "kopiert?). Nichts wurde gespeichert; laden Sie die vollständige Datei hoch.",
        "en": "The last row ({row}) ends after {found} of {expected} fields: the file looks cut "
        "off (is it still being written, or was it copied only in part?). Nothing was stored; "
        "upload the complete file.",
    },
    "read.ragged_row": {
        "de": "Zeile {row} hat {found} Felder, die Kopfzeile aber nur {expected}. Meist fehlen "
        "Anführungszeichen um einen Wert mit Trennzeichen (z. B. ein Dezimalkomma in einer "
        "kommagetrennten Datei). Prüfen Sie die Zeile oder exportieren Sie mit Semikolon als "
        "Trennzeichen.",
        "en": "Row {row} has {found} fields but the header only {expected}. Usually a value "
        "containing the delimiter lacks quotes (e.g. a decimal comma in a comma-separated file). "
        "Check the row or export with semicolons as the delimiter.",
    },
    "read.sheet_not_found": {
        "de": "Die Arbeitsmappe hat kein Tabellenblatt „{sheet}“. Vorhanden sind: {sheets}.",
        "en": "The workbook has no sheet “{sheet}”. It has: {sheets}.",
    },
    "read.parquet_column_type": {
        "de": "Die Spalte „{column}“ der Parquet-Datei hat den Typ {dtype}, der sich nicht als "
        "Tabellenwert lesen lässt. Speichern Sie nur einfache Spalten (Text, Zahl, Datum).",
        "en": "The column “{column}” of the Parquet file has the type {dtype}, which cannot be "
        "read as a table value. Save plain columns only (text, number, date).",
    },
    # --- notes: the file was read; things the report mentions --------------------------------
    "read.note_layout": {
        "de": "Die Datei wurde als {layout}-Export erkannt; die Kopfzeilen wurden entsprechend "
        "gelesen.",
        "en": "The file was recognised as a {layout} export; its header rows were read "
        "accordingly.",
    },
    "read.note_encoding": {
        "de": "Die Datei ist nicht UTF-8-kodiert und wurde als {encoding} gelesen. Prüfen Sie "
        "die Umlaute in den Spaltennamen der Zuordnung und, wo sie Texte zeigt, in der "
        "Vorschau.",
        "en": "The file is not UTF-8 encoded and was read as {encoding}. Check the umlauts in "
        "the column names of the mapping and, where it shows texts, in the preview.",
    },
    "read.note_mixed_encoding": {
        "de": "Die Datei mischt Zeichenkodierungen (z. B. „Ã¼“ statt „ü“). Speichern Sie sie "
        "einheitlich als „CSV UTF-8“.",
        "en": "The file mixes character encodings (e.g. “Ã¼” instead of “ü”). Save it "
        "consistently as “CSV UTF-8”.",
    },
    "read.note_sheet": {
        "de": "Gelesen wurde das Tabellenblatt „{sheet}“; die Arbeitsmappe hat {count} Blätter, "
        "auch {others}. Ein anderes wählen Sie unter „Tabellenblatt“ (Befehlszeile: --sheet).",
        "en": "The sheet “{sheet}” was read; the workbook has {count} sheets, also {others}. "
        "Choose another one under “Sheet” (command line: --sheet).",
    },
    "read.note_empty_rows": {
        "de": "{count} {count:plural:one=leere Zeile wurde:other=leere Zeilen wurden} "
        "übersprungen.",
        "en": "{count} empty {count:plural:one=row was:other=rows were} skipped.",
    },
    "read.note_empty_columns": {
        "de": "{count} {count:plural:one=leere Spalte:other=leere Spalten} ohne Überschrift "
        "{count:plural:one=wurde:other=wurden} übersprungen.",
        "en": "{count} empty {count:plural:one=column:other=columns} without a heading "
        "{count:plural:one=was:other=were} skipped.",
    },
    "read.note_unnamed_columns": {
        "de": "Spalten ohne Überschrift heißen jetzt: {columns}.",
        "en": "Columns without a heading are now called: {columns}.",
    },
    "read.note_duplicate_headers": {
        "de": "Doppelte Überschriften wurden durchnummeriert: {columns}.",
        "en": "Duplicate headings were numbered: {columns}.",
    },
    "read.note_merged_cells": {
        "de": "Die Tabelle enthält verbundene Zellen ({cells}); nur die erste Zelle jedes "
        "Verbunds trägt den Wert, die übrigen gelten als leer.",
        "en": "The sheet contains merged cells ({cells}); only the first cell of each merge "
        "holds the value, the others count as empty.",
    },
    "read.note_header_row": {
        "de": "Kopfzeile: Zeile {row}; {count} Zeilen darüber (Titel, Hinweise) wurden "
        "übersprungen. Stimmt das nicht, wählen Sie die Kopfzeile (Datenseite: „Kopfzeile“, "
        "Kommandozeile: --header-row).",
        "en": "Header row: row {row}; {count} rows above it (title, notes) were skipped. If "
        "that is wrong, choose the header row (Data page: “Header row”, command line: "
        "--header-row).",
    },
    "read.note_header_row_chosen": {
        "de": "Kopfzeile: Zeile {row} (so gewählt); die Zeilen darüber wurden übersprungen.",
        "en": "Header row: row {row} (as chosen); the rows above it were skipped.",
    },
    "read.header_row_invalid": {
        "de": "Die Kopfzeile muss eine Zeilennummer ab 1 sein, nicht {row}.",
        "en": "The header row must be a row number from 1, not {row}.",
    },
    "read.header_row_out_of_range": {
        "de": "Zeile {row} kann nicht die Kopfzeile sein: die Tabelle reicht von Zeile {first} "
        "bis {last}. Erwartet: eine Zeilennummer von {first} bis {last}.",
        "en": "Row {row} cannot be the header row: the table runs from row {first} to {last}. "
        "Expected: a row number from {first} to {last}.",
    },
    "read.note_skipped_lines": {
        "de": "{count} {count:plural:one=leere Zeile:other=leere Zeilen} vor der Kopfzeile "
        "{count:plural:one=wurde:other=wurden} übersprungen.",
        "en": "{count} empty {count:plural:one=line:other=lines} before the header row "
        "{count:plural:one=was:other=were} skipped.",
    },
    # --- privacy: why a column is treated as identifying -------------------------------------
    "privacy.ip_address": {"de": "IP-Adresse", "en": "IP address"},
    "privacy.email": {"de": "E-Mail-Adresse", "en": "e-mail address"},
    "privacy.name": {"de": "Name einer Person", "en": "a person's name"},
    "privacy.phone": {"de": "Telefonnummer", "en": "phone number"},
    "privacy.location": {"de": "Standortkoordinaten", "en": "location coordinates"},
    "privacy.response_id": {
        "de": "Kennung der Antwort im Umfragewerkzeug",
        "en": "response id of the survey tool",
    },
    "privacy.external_id": {
        "de": "externe Kennung (z. B. Personalnummer, Teilnehmer-Token)",
        "en": "external id (e.g. staff number, participant token)",
    },
    "privacy.timestamp": {"de": "genauer Zeitstempel", "en": "exact timestamp"},
    "privacy.technical": {
        "de": "technische Angaben zum Gerät oder Aufruf (Browser, Referrer)",
        "en": "technical data about the device or visit (browser, referrer)",
    },
    "privacy.free_text": {"de": "Freitext", "en": "free text"},
}
