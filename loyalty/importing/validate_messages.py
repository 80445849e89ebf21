"""Messages of the import's validation, instrument and storing half (German and English).

Same shape as :data:`loyalty.i18n.MESSAGES`, into which they are registered (no key twice):
look them up with :func:`loyalty.i18n.t`.

Problem kinds have two keys: ``import.problem.KIND`` (the heading of the group, with ``{count}``)
and ``import.problem.KIND.line`` (one occurrence, with ``{row}``, ``{column}``, ``{value}``,
``{expected}``). Warnings are ``import.warning.KIND`` with their own parameters.
"""

from __future__ import annotations

from loyalty.importing import messages as _reading

MESSAGES: dict[str, dict[str, str]] = {
    # --- problems (blocking): heading + one line per occurrence ------------------------------
    "import.problem.read_error": {
        "de": "Die Datei lässt sich nicht lesen",
        "en": "The file cannot be read",
    },
    "import.problem.read_error.line": {"de": "{value}", "en": "{value}"},
    "import.problem.store_failed": {
        "de": "Der Datenspeicher lässt sich nicht beschreiben",
        "en": "The data store cannot be written",
    },
    "import.problem.store_failed.line": {"de": "{value}", "en": "{value}"},
    "import.problem.unknown_mapping": {
        "de": "Gespeicherte Zuordnung nicht gefunden",
        "en": "Saved mapping not found",
    },
    "import.problem.unknown_mapping.line": {
        "de": "Es gibt keine gespeicherte Zuordnung „{value}“ für diese Datenart.",
        "en": "There is no saved mapping “{value}” for this kind of data.",
    },
    "import.problem.instrument": {
        "de": "Der Fragebogen passt nicht zu den gespeicherten Fragen",
        "en": "The questionnaire conflicts with the stored items",
    },
    "import.problem.instrument.line": {"de": "{value}", "en": "{value}"},
    "import.problem.no_rows": {
        "de": "Die Datei enthält keine Datenzeilen",
        "en": "The file holds no data rows",
    },
    "import.problem.no_rows.line": {
        "de": "Unter der Kopfzeile folgt keine Zeile mit Daten.",
        "en": "No row with data follows the header row.",
    },
    "import.problem.unknown_kind": {
        "de": "Unbekannte Datenart",
        "en": "Unknown kind of data",
    },
    "import.problem.unknown_kind.line": {
        "de": "„{value}“ – erwartet: {expected}",
        "en": "“{value}” – expected: {expected}",
    },
    "import.problem.missing_field": {
        "de": "Pflichtangaben ohne zugeordnete Spalte",
        "en": "Required fields without a column",
    },
    "import.problem.missing_field.line": {
        "de": "„{value}“: Ordnen Sie eine Spalte der Datei zu.",
        "en": "“{value}”: assign a column of the file.",
    },
    "import.problem.unknown_field": {
        "de": "Unbekannte Felder in der Zuordnung",
        "en": "Unknown fields in the mapping",
    },
    "import.problem.unknown_field.line": {
        "de": "„{value}“ (Spalte „{column}“) ist weder ein Feld dieser Datenart ({expected}) "
        "noch eine Frage-ID des Fragebogens.",
        "en": "“{value}” (column “{column}”) is neither a field of this kind of data "
        "({expected}) nor an item id of the questionnaire.",
    },
    "import.problem.mapped_column_missing": {
        "de": "Zugeordnete Spalten fehlen in der Datei",
        "en": "Assigned columns are missing from the file",
    },
    "import.problem.mapped_column_missing.line": {
        "de": "Spalte „{column}“ (für „{value}“) gibt es in dieser Datei nicht.",
        "en": "Column “{column}” (for “{value}”) is not in this file.",
    },
    "import.problem.no_instrument": {
        "de": "Kein Fragebogen hinterlegt",
        "en": "No questionnaire defined",
    },
    "import.problem.no_instrument.line": {
        "de": "Für Welle {value} ist kein Fragebogen hinterlegt. Laden Sie ihn mit "
        "`loyalty instrument set --wave {value} fragebogen.yaml` oder geben Sie --instrument an.",
        "en": "Wave {value} has no questionnaire. Load one with "
        "`loyalty instrument set --wave {value} instrument.yaml` or pass --instrument.",
    },
    "import.problem.no_item_columns": {
        "de": "Keine Fragen des Fragebogens in der Datei gefunden",
        "en": "No questionnaire items found in the file",
    },
    "import.problem.no_item_columns.line": {
        "de": "Keine Spalte heißt wie eine Frage-ID ({expected}) oder trägt deren Wortlaut.",
        "en": "No column is named like an item id ({expected}) or carries its wording.",
    },
    "import.problem.missing_wave": {
        "de": "Welle fehlt",
        "en": "Wave missing",
    },
    "import.problem.missing_wave.line": {
        "de": "Zeile {row}: Spalte „{column}“ ist leer, und beim Import wurde keine Welle "
        "angegeben.",
        "en": "Row {row}: column “{column}” is empty and no wave was given for the import.",
    },
    "import.problem.missing_wave.file": {
        "de": "Geben Sie die Welle an (z. B. --wave 2025-H2) oder ordnen Sie eine Spalte "
        "mit der Welle zu.",
        "en": "Give the wave (e.g. --wave 2025-H2) or assign a column holding the wave.",
    },
    "import.problem.bad_wave_label": {
        "de": "Welle nicht erkannt",
        "en": "Wave not recognised",
    },
    "import.problem.bad_wave_label.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ – erwartet: {expected}",
        "en": "Row {row}, column “{column}”: “{value}” – expected: {expected}",
    },
    "import.problem.bad_wave_label.file": {
        "de": "Angegebene Welle „{value}“ – erwartet: {expected}",
        "en": "Given wave “{value}” – expected: {expected}",
    },
    "import.problem.wave_mismatch": {
        "de": "Zeilen aus einer anderen Welle",
        "en": "Rows from another wave",
    },
    "import.problem.wave_mismatch.line": {
        "de": "Zeile {row}: Welle „{value}“ in Spalte „{column}“, importiert wird {expected}",
        "en": "Row {row}: wave “{value}” in column “{column}”, importing {expected}",
    },
    "import.problem.identifying_too_long": {
        "de": "Texte, die zu lang für eine Kategorie sind",
        "en": "Texts too long for a category",
    },
    "import.problem.identifying_too_long.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ "
        "ist länger als 60 Zeichen; erwartet: eine kurze "
        "Kategorie wie {expected}. Nichts wird gespeichert, was eine Person erkennbar macht.",
        "en": "Row {row}, column “{column}”: “{value}” "
        "is longer than 60 characters; expected: a short "
        "category such as {expected}. Nothing that identifies a person is stored.",
    },
    "import.problem.identifying_email": {
        "de": "E-Mail-Adressen in gespeicherten Texten",
        "en": "E-mail addresses in stored texts",
    },
    "import.problem.identifying_email.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ "
        "enthält eine E-Mail-Adresse; erwartet: eine kurze "
        "Kategorie wie {expected}. Nichts wird gespeichert, was eine Person erkennbar macht.",
        "en": "Row {row}, column “{column}”: “{value}” "
        "holds an e-mail address; expected: a short "
        "category such as {expected}. Nothing that identifies a person is stored.",
    },
    "import.problem.identifying_phone": {
        "de": "Telefonnummern in gespeicherten Texten",
        "en": "Phone numbers in stored texts",
    },
    "import.problem.identifying_phone.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ "
        "enthält eine Telefonnummer; erwartet: eine kurze "
        "Kategorie wie {expected}. Nichts wird gespeichert, was eine Person erkennbar macht.",
        "en": "Row {row}, column “{column}”: “{value}” "
        "holds a phone number; expected: a short "
        "category such as {expected}. Nothing that identifies a person is stored.",
    },
    "import.problem.identifying_ip": {
        "de": "IP-Adressen in gespeicherten Texten",
        "en": "IP addresses in stored texts",
    },
    "import.problem.identifying_ip.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ "
        "enthält eine IP-Adresse; erwartet: eine kurze "
        "Kategorie wie {expected}. Nichts wird gespeichert, was eine Person erkennbar macht.",
        "en": "Row {row}, column “{column}”: “{value}” "
        "holds an IP address; expected: a short "
        "category such as {expected}. Nothing that identifies a person is stored.",
    },
    "import.problem.identifying_name": {
        "de": "Namen von Personen in gespeicherten Texten",
        "en": "People's names in stored texts",
    },
    "import.problem.identifying_name.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ "
        "sieht aus wie der Name einer Person; erwartet: eine kurze "
        "Kategorie wie {expected}. Nichts wird gespeichert, was eine Person erkennbar macht.",
        "en": "Row {row}, column “{column}”: “{value}” "
        "looks like a person's name; expected: a short "
        "category such as {expected}. Nothing that identifies a person is stored.",
    },
    "import.problem.identifying_free_text": {
        "de": "Freitext in gespeicherten Texten",
        "en": "Free text in stored texts",
    },
    "import.problem.identifying_free_text.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ "
        "ist Freitext (ein Satz oder mehr als sechs Wörter); erwartet: eine kurze "
        "Kategorie wie {expected}. Nichts wird gespeichert, was eine Person erkennbar macht.",
        "en": "Row {row}, column “{column}”: “{value}” "
        "is free text (a sentence or more than six words); expected: a short "
        "category such as {expected}. Nothing that identifies a person is stored.",
    },
    "import.problem.too_many_categories": {
        "de": "Kategorien mit zu vielen verschiedenen Werten",
        "en": "Categories with too many distinct values",
    },
    "import.problem.too_many_categories.line": {
        "de": "Spalte „{column}“ hat {value} verschiedene Werte; erwartet: höchstens {expected}.",
        "en": "Column “{column}” has {value} distinct values; expected: at most {expected}.",
    },
    "import.problem.too_many_categories.file": {
        "de": "Spalte „{column}“ hat {value} verschiedene Werte; erwartet: höchstens "
        "{expected} (eine Kategorie je Mindestgruppe von Antwortenden, nie mehr als 50). So "
        "viele Werte können einzelne Personen erkennbar machen; ordnen Sie eine Spalte mit "
        "Kategorien zu oder keine.",
        "en": "Column “{column}” has {value} distinct values; expected: at most {expected} "
        "(one category per minimum group of respondents, never more than 50). So many values "
        "can single out people; map a column of categories, or none.",
    },
    "import.problem.formula_without_value": {
        "de": "Excel-Formeln ohne gespeichertes Ergebnis",
        "en": "Excel formulas without a stored result",
    },
    "import.problem.formula_without_value.line": {
        "de": "Spalte „{column}“: {value} Zellen mit Formel, aber ohne gespeichertes Ergebnis.",
        "en": "Column “{column}”: {value} cells with a formula but no stored result.",
    },
    "import.problem.formula_without_value.file": {
        "de": "Spalte „{column}“ enthält in {value} Zellen Formeln ohne gespeichertes Ergebnis "
        "(es fehlt, oder die Datei überlässt das Berechnen Excel beim Öffnen und hält überall 0 "
        "bereit: geschrieben von einem Programm, das Formeln nicht berechnet). Öffnen und "
        "speichern Sie die Datei in Excel oder LibreOffice, oder fügen Sie die Spalte als Werte "
        "ein.",
        "en": "Column “{column}” holds formulas without a stored result in {value} cells (the "
        "result is missing, or the file leaves the computing to Excel on opening and holds 0 "
        "everywhere: written by a program that does not compute formulas). Open and save the "
        "file in Excel or LibreOffice, or paste the column as values.",
    },
    "import.problem.scale_seven_points": {
        "de": "Antworten auf einer 7-stufigen Skala – der Fragebogen hat 5 Stufen (5- und "
        "7-stufige Antworten gemischt?)",
        "en": "Answers on a 7-point scale – the questionnaire has 5 points (5- and 7-point "
        "answers mixed?)",
    },
    "import.problem.scale_seven_points.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ gehört zu einer 7-stufigen Skala; "
        "erwartet: {expected}, die 5-stufige Skala des Fragebogens, für alle Fragen der Datei "
        "dieselbe.",
        "en": "Row {row}, column “{column}”: “{value}” belongs to a 7-point scale; expected: "
        "{expected}, the questionnaire's 5-point scale, the same for every question of the "
        "file.",
    },
    "import.problem.scale_five_points": {
        "de": "5- und 7-stufige Antworten in einer Datei",
        "en": "5- and 7-point answers in one file",
    },
    "import.problem.scale_five_points.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ gehört zu einer 5-stufigen Skala, "
        "andere Spalten der Datei sind 7-stufig; erwartet: {expected}, die 7-stufige Skala des "
        "Fragebogens, für alle Fragen der Datei dieselbe.",
        "en": "Row {row}, column “{column}”: “{value}” belongs to a 5-point scale while other "
        "columns of the file have 7 points; expected: {expected}, the questionnaire's 7-point "
        "scale, the same for every question of the file.",
    },
    "import.problem.scale_five_points.file": {
        "de": "Spalte „{column}“: keine Antwort über {value} – 5-stufig, während andere Spalten "
        "der Datei 7-stufig sind; erwartet: {expected}, die 7-stufige Skala des Fragebogens, "
        "für alle Fragen der Datei dieselbe.",
        "en": "Column “{column}”: no answer above {value} – 5 points, while other columns of "
        "the file have 7; expected: {expected}, the questionnaire's 7-point scale, the same "
        "for every question of the file.",
    },
    "import.problem.percent_value": {
        "de": "Prozentwerte, wo eine Anzahl oder ein Betrag erwartet wird",
        "en": "Percentages where a count or an amount is expected",
    },
    "import.problem.percent_value.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ ist ein Prozentwert (mit %-Zeichen "
        "oder in Excel als Prozent formatiert); erwartet: eine Anzahl oder ein Betrag in Euro — "
        "Quoten berechnet Loyalty selbst daraus.",
        "en": "Row {row}, column “{column}”: “{value}” is a percentage (with a % sign or "
        "formatted as percent in Excel); expected: a count or an amount in euros — Loyalty "
        "computes the rates from them.",
    },
    "import.problem.too_large": {
        "de": "Zahlen außerhalb des möglichen Bereichs",
        "en": "Numbers out of range",
    },
    "import.problem.too_large.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ ist zu groß; erwartet: höchstens "
        "{expected}.",
        "en": "Row {row}, column “{column}”: “{value}” is too large; expected: at most {expected}.",
    },
    "import.problem.missing_branch": {
        "de": "Keine Filiale angegeben",
        "en": "No branch given",
    },
    "import.problem.missing_branch.line": {
        "de": "Keiner Spalte ist die Filiale zugeordnet. Ordnen Sie die Spalte mit der Filiale zu "
        "(in Exporten von Befragungswerkzeugen oft ein „Embedded Data“-Feld wie „Filiale“) "
        "oder geben Sie an, dass alle Zeilen zu einer Filiale gehören (Seite „Daten“: „Alle "
        "Zeilen gehören zur Filiale“, Kommandozeile: --branch B001).",
        "en": "No column is assigned to the branch. Assign the column that holds it (in survey "
        "tool exports often an “embedded data” field such as “Filiale”) or say that all rows "
        "belong to one branch (Data page: “All rows belong to branch”, command line: "
        "--branch B001).",
    },
    "import.problem.branch_twice": {
        "de": "Filiale doppelt angegeben",
        "en": "Branch given twice",
    },
    "import.problem.branch_twice.line": {
        "de": "Der Filiale ist die Spalte „{column}“ zugeordnet und zugleich angegeben, dass alle "
        "Zeilen zur Filiale „{value}“ gehören; wählen Sie eins von beiden.",
        "en": "The branch is assigned the column “{column}” and at the same time all rows are "
        "said to belong to branch “{value}”; choose one of the two.",
    },
    "import.problem.missing_value": {
        "de": "Leere Pflichtfelder",
        "en": "Empty required cells",
    },
    "import.problem.missing_value.line": {
        "de": "Zeile {row}: Spalte „{column}“ ist leer.",
        "en": "Row {row}: column “{column}” is empty.",
    },
    "import.problem.not_a_number": {
        "de": "Keine Zahl, wo eine Zahl erwartet wird",
        "en": "Not a number where a number is expected",
    },
    "import.problem.not_a_number.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ (erwartet: eine Zahl, in dieser Datei "
        "geschrieben wie {expected})",
        "en": "Row {row}, column “{column}”: “{value}” (expected: a number, written in this file "
        "like {expected})",
    },
    "import.problem.not_an_integer": {
        "de": "Keine ganze Zahl, wo eine Anzahl erwartet wird",
        "en": "Not a whole number where a count is expected",
    },
    "import.problem.not_an_integer.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ (erwartet: eine ganze Zahl)",
        "en": "Row {row}, column “{column}”: “{value}” (expected: a whole number)",
    },
    "import.problem.between_scale_points": {
        "de": "Antworten zwischen zwei Stufen der Skala",
        "en": "Answers between two points of the scale",
    },
    "import.problem.between_scale_points.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ (erwartet: eine ganze Zahl {expected})",
        "en": "Row {row}, column “{column}”: “{value}” (expected: a whole number {expected})",
    },
    "import.problem.out_of_range": {
        "de": "Antworten außerhalb der Skala des Fragebogens",
        "en": "Answers outside the questionnaire's scale",
    },
    "import.problem.out_of_range.line": {
        "de": "Zeile {row}, Spalte „{column}“: {value} (erwartet: {expected})",
        "en": "Row {row}, column “{column}”: {value} (expected: {expected})",
    },
    "import.problem.unknown_label": {
        "de": "Antworttexte, die keiner Skalenstufe zugeordnet werden können",
        "en": "Answer labels that match no scale point",
    },
    "import.problem.unknown_label.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ (erwartet: Zahl {expected} oder "
        "Antworttext der Skala)",
        "en": "Row {row}, column “{column}”: “{value}” (expected: number {expected} or a "
        "label of the scale)",
    },
    "import.problem.negative": {
        "de": "Negative Werte",
        "en": "Negative values",
    },
    "import.problem.negative.line": {
        "de": "Zeile {row}, Spalte „{column}“: {value} (erwartet: {expected})",
        "en": "Row {row}, column “{column}”: {value} (expected: {expected})",
    },
    "import.problem.retained_exceeds_active": {
        "de": "Mehr gehaltene als aktive Kunden",
        "en": "More retained than active customers",
    },
    "import.problem.retained_exceeds_active.line": {
        "de": "Zeile {row}, Spalte „{column}“: {value} (erwartet: höchstens {expected}, die "
        "Zahl der aktiven Kunden)",
        "en": "Row {row}, column “{column}”: {value} (expected: at most {expected}, the number "
        "of active customers)",
    },
    "import.problem.unknown_branch": {
        "de": "Filialnummern, die nicht in der Filialliste stehen",
        "en": "Branch ids that are not in the branch list",
    },
    "import.problem.unknown_branch.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ – nächstliegende Filialen: {expected}",
        "en": "Row {row}, column “{column}”: “{value}” – closest branches: {expected}",
    },
    "import.problem.duplicate_respondent": {
        "de": "Doppelte Antwort-IDs",
        "en": "Duplicate respondent ids",
    },
    "import.problem.duplicate_respondent.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ steht schon in Zeile {expected}.",
        "en": "Row {row}, column “{column}”: “{value}” already appears in row {expected}.",
    },
    "import.problem.duplicate_branch": {
        "de": "Filialen mehrfach für dieselbe Welle",
        "en": "Branches listed more than once for the same wave",
    },
    "import.problem.duplicate_branch.line": {
        "de": "Zeile {row}, Spalte „{column}“: „{value}“ steht schon in Zeile {expected}.",
        "en": "Row {row}, column “{column}”: “{value}” already appears in row {expected}.",
    },
    # --- warnings (not blocking) --------------------------------------------------------------
    "import.warning.small_branches": {
        "de": "Filialen mit weniger als {min} Antworten ({count}; ihre Engagementwerte werden "
        "nicht angezeigt): {branches}",
        "en": "Branches with fewer than {min} responses ({count}; their engagement scores are "
        "not shown): {branches}",
    },
    "import.warning.response_rate_drop": {
        "de": "Welle {wave}: Rücklaufquote {rate} % – deutlich niedriger als {previous_rate} % "
        "in Welle {previous}.",
        "en": "Wave {wave}: response rate {rate}% – much lower than {previous_rate}% in wave "
        "{previous}.",
    },
    "import.warning.more_responses_than_staff": {
        "de": "Filialen mit mehr Antworten als Mitarbeitenden ({count}): {branches}",
        "en": "Branches with more responses than staff ({count}): {branches}",
    },
    "import.warning.identifying_dropped": {
        "de": "Spalten mit personenbezogenen Angaben werden nicht gespeichert: {columns}",
        "en": "Columns with personal data are not stored: {columns}",
    },
    "import.warning.duplicate_rows": {
        "de": "Zeilen, die einer früheren Zeile vollständig gleichen ({count}; ohne Antwort-ID "
        "ist nicht prüfbar, ob sie doppelt sind; sie werden importiert), z. B. Zeilen {rows}",
        "en": "Rows identical to an earlier row ({count}; without a respondent id it cannot "
        "be told whether they are duplicates; they are imported), e.g. rows {rows}",
    },
    "import.warning.empty_responses": {
        "de": "Zeilen ohne eine einzige Antwort werden übersprungen ({count}), z. B. Zeilen {rows}",
        "en": "Rows without a single answer are skipped ({count}), e.g. rows {rows}",
    },
    "import.warning.skipped_dimensions": {
        "de": "{count} {count:plural:one=Antwort hat:other=Antworten haben} alle Fragen "
        "mindestens einer Dimension des Index übersprungen: "
        "{count:plural:one=Sie wird gespeichert, zählt:other=Sie werden gespeichert, zählen} "
        "aber in keinem Engagement-Wert (sonst ließen sich einzelne Antworten ausrechnen), "
        "z. B. {count:plural:one=Zeile:other=Zeilen} {rows}",
        "en": "{count} {count:plural:one=response:other=responses} skipped every question of "
        "at least one dimension of the index: stored, but counted in no engagement figure "
        "(otherwise single answers could be worked out), e.g. "
        "{count:plural:one=row:other=rows} {rows}",
    },
    "import.warning.dimension_left_out": {
        "de": "Weniger als {share} % der Antworten haben diese Dimensionen des Index beantwortet: "
        "{dims}. Sie bleiben in den Engagement-Werten ihrer Welle außen vor (Index und "
        "Werte ohne sie).",
        "en": "Fewer than {share}% of the responses answered these dimensions of the index: "
        "{dims}. They are left out of their wave's engagement figures (index and values "
        "without them).",
    },
    "import.warning.no_dimension_asked": {
        "de": "Keine Dimension des Index haben mindestens {share} % der Antworten beantwortet: "
        "{count:plural:one=Welle:other=Wellen} {waves} "
        "{count:plural:one=bekommt:other=bekommen} keine Engagement-Werte.",
        "en": "No dimension of the index was answered by at least {share}% of the responses: "
        "{count:plural:one=wave:other=waves} {waves} {count:plural:one=gets:other=get} no "
        "engagement figures.",
    },
    "import.warning.items_missing": {
        "de": "Fragen des Fragebogens, die in der Datei fehlen: {items}",
        "en": "Questionnaire items missing from the file: {items}",
    },
    "import.warning.unknown_branches_skipped": {
        "de": "Zeilen unbekannter Filialen werden übersprungen ({rows}): {branches}",
        "en": "Rows of unknown branches are skipped ({rows}): {branches}",
    },
    "import.warning.unknown_branches_added": {
        "de": "Neue Filialen werden in die Filialliste aufgenommen (Name = Nummer, ohne Region, "
        "Format und Mitarbeiterzahl; ergänzen Sie diese mit einem Filialimport): {branches}",
        "en": "New branches are added to the branch list (name = id, no region, format or "
        "staff count; complete them with a branch import): {branches}",
    },
    "import.warning.instrument_from_wave": {
        "de": "Für Welle {wave} ist kein eigener Fragebogen hinterlegt; verwendet wird der "
        "Fragebogen der Welle {previous}.",
        "en": "Wave {wave} has no questionnaire of its own; the one of wave {previous} is used.",
    },
    "import.warning.new_wave": {
        "de": "Welle {wave} ist neu und wird angelegt ({start} bis {end}).",
        "en": "Wave {wave} is new and will be created ({start} to {end}).",
    },
    "import.warning.formula_without_value": {
        "de": "Die nicht verwendete Spalte „{column}“ enthält in {cells} Zellen Formeln ohne "
        "gespeichertes Ergebnis; sie wird nicht gelesen.",
        "en": "The unused column “{column}” holds formulas without a stored result in {cells} "
        "cells; it is not read.",
    },
    "import.warning.branches_by_name": {
        "de": "{count} {count:plural:one=Filiale ist:other=Filialen sind} mit Namen oder anders "
        "geschriebener Nummer angegeben und {count:plural:one=wurde:other=wurden} zugeordnet: "
        "{examples}",
        "en": "{count} {count:plural:one=branch is:other=branches are} given by name or by an id "
        "written otherwise and {count:plural:one=was:other=were} matched: {examples}",
    },
    "import.warning.churn_kept": {
        "de": "Die Datei hat keine Abwanderungsgründe; die Abwanderungsgründe von {count} "
        "{count:plural:one=Filiale:other=Filialen} der Welle {wave} bleiben aus Version "
        "{version} erhalten.",
        "en": "The file has no churn reasons; the churn reasons of {count} "
        "{count:plural:one=branch:other=branches} of wave {wave} stay from version {version}.",
    },
    "import.warning.few_changed": {
        "de": "Gegenüber Version {version} der Welle {wave} ändert sich die Zahl der Antworten, "
        "die in die Engagement-Werte eingehen, bei {count} "
        "{count:plural:one=Filiale:other=Filialen} um weniger als {min}: "
        "{branches}. Wer die Werte der Version {version} gesehen hat, kann aus dem Unterschied "
        "die Antworten dieser wenigen ausrechnen. Eine schon gezeigte Welle besser nicht so "
        "korrigieren.",
        "en": "Against version {version} of wave {wave}, for {count} "
        "{count:plural:one=branch:other=branches} the number of responses counted in the "
        "engagement figures changes by fewer than {min}: {branches}. "
        "Whoever saw the figures of version {version} can work those few answers out of the "
        "difference. Better not correct a wave already shown this way.",
    },
    "import.warning.replaces_version": {
        "de": "Die Datei wird Version {new} der Welle {wave} und ersetzt die aktive Version "
        "{version}; diese bleibt unter „Versionen“ erhalten und kann wieder aktiv werden.",
        "en": "The file becomes version {new} of wave {wave} and replaces the active version "
        "{version}, which stays under “Versions” and can be made active again.",
    },
    "import.warning.same_file": {
        "de": "Diese Datei ist schon Version {version} der Welle {wave}, die aktive; mit "
        "derselben Zuordnung legt ein erneuter Import eine gleiche neue Version an.",
        "en": "This file already is version {version} of wave {wave}, the active one; with the "
        "same mapping, importing it again adds an identical new version.",
    },
    "import.warning.missing_branches.engagement": {
        "de": "{count} {count:plural:one=Filiale:other=Filialen} mit Befragungsantworten in "
        "Version {version} der Welle {wave} {count:plural:one=fehlt:other=fehlen} in dieser "
        "Datei; nach dem Import werden ihre Befragungswerte nicht mehr gezeigt: {branches}",
        "en": "{count} {count:plural:one=branch:other=branches} with survey answers in version "
        "{version} of wave {wave} {count:plural:one=is:other=are} not in this file; after the "
        "import their survey results are no longer shown: {branches}",
    },
    "import.warning.missing_branches.loyalty": {
        "de": "{count} {count:plural:one=Filiale:other=Filialen} mit Kundenbindungszahlen in "
        "Version {version} der Welle {wave} {count:plural:one=fehlt:other=fehlen} in dieser "
        "Datei; nach dem Import werden ihre Kundenbindungszahlen nicht mehr gezeigt: {branches}",
        "en": "{count} {count:plural:one=branch:other=branches} with loyalty figures in version "
        "{version} of wave {wave} {count:plural:one=is:other=are} not in this file; after the "
        "import their loyalty figures are no longer shown: {branches}",
    },
    "import.warning.missing_branches.finance": {
        "de": "{count} {count:plural:one=Filiale:other=Filialen} mit Finanzzahlen in Version "
        "{version} der Welle {wave} {count:plural:one=fehlt:other=fehlen} in dieser Datei; nach "
        "dem Import werden ihre Finanzzahlen nicht mehr gezeigt: {branches}",
        "en": "{count} {count:plural:one=branch:other=branches} with financial figures in "
        "version {version} of wave {wave} {count:plural:one=is:other=are} not in this file; "
        "after the import their financial figures are no longer shown: {branches}",
    },
    "import.warning.new_branches": {
        "de": "Neue Filialen ({count}): {branches}",
        "en": "New branches ({count}): {branches}",
    },
    # --- the report ---------------------------------------------------------------------------
    "import.report.title": {
        "de": "Import {file} ({kind})",
        "en": "Import {file} ({kind})",
    },
    "import.report.file": {
        "de": "Datei: {format}, {size}, SHA-256 {sha}",
        "en": "File: {format}, {size}, SHA-256 {sha}",
    },
    "import.report.text_file": {
        "de": "Zeichensatz {encoding}, Trennzeichen „{delimiter}“",
        "en": "encoding {encoding}, delimiter “{delimiter}”",
    },
    "import.report.sheet": {"de": "Tabellenblatt „{sheet}“", "en": "sheet “{sheet}”"},
    "import.report.header_row": {"de": "Kopfzeile in Zeile {row}", "en": "header in row {row}"},
    "import.report.layout": {"de": "Aufbau: {layout}", "en": "layout: {layout}"},
    "import.report.decimal": {
        "de": "Dezimaltrennzeichen „{decimal}“",
        "en": "decimal mark “{decimal}”",
    },
    "import.report.rows": {
        "de": "Zeilen: {read} gelesen, {valid} gültig, {skipped} übersprungen",
        "en": "Rows: {read} read, {valid} valid, {skipped} skipped",
    },
    "import.report.rows_unchecked": {
        "de": "Zeilen: {read} gelesen, nicht geprüft (erst die Spalten müssen passen)",
        "en": "Rows: {read} read, not checked (the columns must fit first)",
    },
    "import.report.mapping": {"de": "Zuordnung der Spalten:", "en": "Column mapping:"},
    "import.report.mapping_saved": {
        "de": "Zuordnung „{name}“ gespeichert.",
        "en": "Mapping “{name}” saved.",
    },
    "import.report.unmapped_fields": {
        "de": "ohne Spalte: {fields}",
        "en": "without a column: {fields}",
    },
    "import.report.items": {
        "de": "Fragen ({count}): {items}",
        "en": "Items ({count}): {items}",
    },
    "import.report.ignored": {
        "de": "Nicht verwendete Spalten (weder zugeordnet noch Frage des Fragebogens): {columns}",
        "en": "Unused columns (neither mapped nor a questionnaire item): {columns}",
    },
    "import.report.problems": {
        "de": "Probleme: {count} – nichts wurde gespeichert.",
        "en": "Problems: {count} – nothing was stored.",
    },
    "import.report.warnings": {"de": "Hinweise:", "en": "Notes:"},
    "import.report.more": {
        "de": "… und {count} weitere (vollständige Liste als CSV: {hint})",
        "en": "… and {count} more (full list as CSV: {hint})",
    },
    "import.report.csv_hint": {
        "de": "--problems-csv DATEI",
        "en": "--problems-csv FILE",
    },
    "import.report.stored": {
        "de": "Gespeichert: {kind} {wave}, Version {version} ({rows} Zeilen) – jetzt aktiv.",
        "en": "Stored: {kind} {wave}, version {version} ({rows} rows) – now active.",
    },
    "import.report.stored_branches": {
        "de": "Gespeichert: Filialliste, Version {version} ({rows} Zeilen).",
        "en": "Stored: branch list, version {version} ({rows} rows).",
    },
    "import.report.dry_run": {
        "de": "Probelauf: Die Datei ist in Ordnung; nichts wurde gespeichert.",
        "en": "Dry run: the file is fine; nothing was stored.",
    },
    "import.report.rejected": {
        "de": "Der Import wurde abgelehnt; der Datenspeicher ist unverändert.",
        "en": "The import was rejected; the data store is unchanged.",
    },
    "import.report.problems_written": {
        "de": "Alle Probleme als CSV: {path}",
        "en": "All problems as CSV: {path}",
    },
    "import.report.none": {"de": "keine", "en": "none"},
    # --- the command line ---------------------------------------------------------------------
    "import.cli.no_folder": {
        "de": "{folder} ist eine Datei, kein Ordner; {path} kann dort nicht angelegt werden. "
        "Geben Sie einen anderen Pfad an.",
        "en": "{folder} is a file, not a folder; {path} cannot be created there. Give another "
        "path.",
    },
    "import.cli.not_writable": {
        "de": "{path} kann nicht geschrieben werden: {reason}",
        "en": "{path} cannot be written: {reason}",
    },
    # why a file cannot be written ({reason} above); other OS errors keep the system's words
    "import.cli.reason.folder": {"de": "das ist ein Ordner", "en": "it is a folder"},
    "import.cli.reason.permission": {
        "de": "keine Schreibrechte",
        "en": "permission denied",
    },
    "import.cli.reason.disk_full": {"de": "der Datenträger ist voll", "en": "the disk is full"},
    "import.cli.reason.read_only": {
        "de": "das Dateisystem ist schreibgeschützt",
        "en": "the file system is read-only",
    },
    "import.cli.no_file": {
        "de": "Die Datei {path} gibt es nicht.",
        "en": "The file {path} does not exist.",
    },
    "import.cli.bad_map": {
        "de": "--map erwartet FELD=SPALTE, nicht „{entry}“.",
        "en": "--map expects FIELD=COLUMN, not “{entry}”.",
    },
    "import.cli.suggested": {
        "de": "Ohne --mapping wird die vorgeschlagene Zuordnung verwendet (ändern mit "
        "--map FELD=SPALTE, speichern mit --save-mapping NAME).",
        "en": "Without --mapping the suggested mapping is used (change it with "
        "--map FIELD=COLUMN, save it with --save-mapping NAME).",
    },
    # --- the problem list as CSV --------------------------------------------------------------
    "import.csv.kind": {"de": "Art", "en": "kind"},
    "import.csv.row": {"de": "Zeile", "en": "row"},
    "import.csv.column": {"de": "Spalte", "en": "column"},
    "import.csv.value": {"de": "Wert", "en": "value"},
    "import.csv.expected": {"de": "Erwartet", "en": "expected"},
    "import.csv.message": {"de": "Meldung", "en": "message"},
    # --- progress -----------------------------------------------------------------------------
    "import.progress.reading": {"de": "Datei wird gelesen", "en": "Reading the file"},
    "import.progress.validating": {"de": "Daten werden geprüft", "en": "Checking the data"},
    "import.progress.storing": {"de": "Daten werden gespeichert", "en": "Storing the data"},
    "import.progress.committing": {
        "de": "Änderungen werden festgeschrieben",
        "en": "Committing the changes",
    },
    "import.progress.done": {"de": "Fertig", "en": "Done"},
    # --- kinds and fields ---------------------------------------------------------------------
    "import.kind.engagement": {"de": "Mitarbeiterbefragung", "en": "employee survey"},
    "import.kind.loyalty": {"de": "Kundenbindung", "en": "customer loyalty"},
    "import.kind.finance": {"de": "Finanzzahlen", "en": "financial figures"},
    "import.kind.branches": {"de": "Filialliste", "en": "branch list"},
    "import.field.respondent_id": {"de": "Antwort-ID", "en": "Respondent id"},
    "import.field.responses": {"de": "Antworten", "en": "Responses"},
    "import.field.branch_id": {"de": "Filialnummer", "en": "Branch id"},
    "import.field.wave": {"de": "Welle", "en": "Wave"},
    "import.field.tenure_band": {"de": "Betriebszugehörigkeit", "en": "Tenure band"},
    "import.field.role": {"de": "Tätigkeitsbereich", "en": "Role"},
    "import.field.active_customers": {"de": "Aktive Kunden", "en": "Active customers"},
    "import.field.retained_customers": {"de": "Gehaltene Kunden", "en": "Retained customers"},
    "import.field.promoters": {"de": "Promotoren", "en": "Promoters"},
    "import.field.passives": {"de": "Passive", "en": "Passives"},
    "import.field.detractors": {"de": "Kritiker", "en": "Detractors"},
    "import.field.churn_price": {"de": "Abwanderung: Preis", "en": "Churn: price"},
    "import.field.churn_quality": {"de": "Abwanderung: Qualität", "en": "Churn: quality"},
    "import.field.churn_staff_trust": {
        "de": "Abwanderung: fehlendes Vertrauen",
        "en": "Churn: lack of trust",
    },
    "import.field.churn_staff_advice": {
        "de": "Abwanderung: schlechte Beratung",
        "en": "Churn: poor advice",
    },
    "import.field.churn_staff_care": {
        "de": "Abwanderung: schlechte Betreuung",
        "en": "Churn: poor care",
    },
    "import.field.churn_staff_unfriendly": {
        "de": "Abwanderung: Unfreundlichkeit",
        "en": "Churn: unfriendliness",
    },
    "import.field.churn_staff_accommodation": {
        "de": "Abwanderung: wenig Entgegenkommen",
        "en": "Churn: little accommodation",
    },
    "import.field.churn_staff_waiting": {
        "de": "Abwanderung: Wartezeiten",
        "en": "Churn: waiting times",
    },
    "import.field.churn_other": {"de": "Abwanderung: Sonstiges", "en": "Churn: other"},
    "import.field.revenue": {"de": "Umsatz", "en": "Revenue"},
    "import.field.gross_margin": {"de": "Rohertrag", "en": "Gross margin"},
    "import.field.operating_profit": {"de": "Betriebsergebnis", "en": "Operating profit"},
    "import.field.name": {"de": "Filialname", "en": "Branch name"},
    "import.field.region": {"de": "Region", "en": "Region"},
    "import.field.format": {"de": "Format", "en": "Format"},
    "import.field.headcount": {"de": "Mitarbeitende", "en": "Staff"},
    # --- the instrument -----------------------------------------------------------------------
    "instrument.unreadable": {
        "de": "Die Fragebogendatei lässt sich nicht lesen: {reason}",
        "en": "The questionnaire file cannot be read: {reason}",
    },
    "instrument.bad_suffix": {
        "de": "Fragebogendateien müssen auf .yaml, .yml oder .csv enden (nicht „{suffix}“).",
        "en": "Questionnaire files must end in .yaml, .yml or .csv (not “{suffix}”).",
    },
    "instrument.bad_format": {
        "de": "Die Fragebogendatei braucht eine Liste „dimensions“ mit Dimensionen und deren "
        "„items“ (siehe docs/data-model.md).",
        "en": "The questionnaire file needs a list “dimensions” holding dimensions and their "
        "“items” (see docs/data-model.md).",
    },
    "instrument.csv_columns": {
        "de": "In der CSV-Datei fehlen die Spalten {missing} (erwartet: {expected}).",
        "en": "The CSV file lacks the columns {missing} (expected: {expected}).",
    },
    "instrument.missing_field": {
        "de": "{where}: Angabe „{field}“ fehlt.",
        "en": "{where}: “{field}” is missing.",
    },
    "instrument.bad_bool": {
        "de": "{item}: „{field}“ muss ja oder nein sein, nicht „{value}“.",
        "en": "{item}: “{field}” must be yes or no, not “{value}”.",
    },
    "instrument.bad_int": {
        "de": "{item}: „{field}“ muss eine ganze Zahl sein, nicht „{value}“.",
        "en": "{item}: “{field}” must be a whole number, not “{value}”.",
    },
    "instrument.bad_scale_spec": {
        "de": "{item}: Skala als {{min: 1, max: 5}} angeben, nicht „{value}“.",
        "en": "{item}: give the scale as {{min: 1, max: 5}}, not “{value}”.",
    },
    "instrument.bad_scale": {
        "de": "{item}: Das Skalenende {max} muss größer sein als der Skalenanfang {min}.",
        "en": "{item}: the scale maximum {max} must be greater than its minimum {min}.",
    },
    "instrument.bad_id": {
        "de": "„{id}“ ist als ID nicht erlaubt (Buchstaben, Ziffern, _ . -; ohne Leerzeichen).",
        "en": "“{id}” is not a valid id (letters, digits, _ . -; no spaces).",
    },
    "instrument.duplicate_item": {
        "de": "Die Frage-ID {item} kommt mehrfach vor.",
        "en": "Item id {item} appears more than once.",
    },
    "instrument.duplicate_dimension": {
        "de": "Die Dimension {dimension} kommt mehrfach vor.",
        "en": "Dimension {dimension} appears more than once.",
    },
    "instrument.dimension_names_differ": {
        "de": "Die Dimension {dimension} hat in verschiedenen Zeilen verschiedene Namen.",
        "en": "Dimension {dimension} has different names in different rows.",
    },
    "instrument.unknown_dimension": {
        "de": "Item {item}: Die Dimension „{dimension}“ ist nicht angelegt.",
        "en": "Item {item}: the dimension “{dimension}” is not defined.",
    },
    "instrument.no_items": {
        "de": "Der Fragebogen enthält keine Fragen.",
        "en": "The questionnaire holds no items.",
    },
    "instrument.no_index_items": {
        "de": "Keine Frage zählt zum Engagement-Index („Im Index“, in einer Datei in_index: ja, "
        "bei mindestens einer Frage).",
        "en": "No item counts towards the engagement index (set “In the index”, in a file "
        "in_index: yes, on at least one).",
    },
    "instrument.changed_item": {
        "de": "Die Frage {item} ist bereits mit anderer Definition gespeichert (geändert: "
        "{fields}; bisher „{old}“, jetzt „{new}“) und wird in "
        "{n_waves:plural:one=Welle:other=den Wellen} {waves} verwendet. Eine "
        "geänderte Frage ist eine neue Frage: Geben Sie ihr eine neue ID (z. B. {item}b), "
        "damit Trends vergleichbar bleiben.",
        "en": "Item {item} is already stored with another definition (changed: {fields}; was "
        "“{old}”, now “{new}”) and is used in {n_waves:plural:one=wave:other=waves} {waves}. "
        "A changed item is a new item: "
        "give it a new id (e.g. {item}b) so that trends stay comparable.",
    },
    "instrument.wave_has_data": {
        "de": "Welle {wave} enthält bereits Antworten auf Fragen, die der neue Fragebogen nicht "
        "mehr enthält: {items}.",
        "en": "Wave {wave} already holds answers to items the new questionnaire drops: {items}.",
    },
    "instrument.saved": {
        "de": "Fragebogen für Welle {wave} gespeichert: {items} Fragen in {dimensions} "
        "Dimensionen.",
        "en": "Questionnaire for wave {wave} saved: {items} items in {dimensions} dimensions.",
    },
    "instrument.none": {
        "de": "Für Welle {wave} ist kein Fragebogen hinterlegt.",
        "en": "Wave {wave} has no questionnaire.",
    },
}


# --- generated: one wording per field and reason, per kind of text check ----------------------
# A problem line is filled from the problem's own columns only (row, column, value, expected),
# in either language, so what differs by language (a field's label, a reason's wording) is in
# the code: one code per case, its messages written here from the labels above and the reasons'
# wording (``privacy.<reason>`` in :mod:`loyalty.importing.messages`).

#: The survey fields an identifying column may not be stored as
#: (``loyalty.importing.rules.columns.GUARDED_FIELDS``) and the column reasons that refuse it
#: (``columns.REFUSED_REASONS``: every ``privacy.<reason>`` but free text).
_GUARDED_FIELDS = ("branch_id", "wave", "tenure_band", "role")
_REFUSED_REASONS = tuple(
    key.removeprefix("privacy.")
    for key in _reading.MESSAGES
    if key.startswith("privacy.") and key != "privacy.free_text"
)
for _reason in _REFUSED_REASONS:
    for _field in _GUARDED_FIELDS:
        _why = _reading.MESSAGES[f"privacy.{_reason}"]
        _label = MESSAGES[f"import.field.{_field}"]
        _code = f"import.problem.identifying_column_{_reason}_as_{_field}"
        MESSAGES[_code] = {
            "de": f"Spalten mit Angaben zu Personen, als „{_label['de']}“ zugeordnet",
            "en": f"Columns with personal data assigned as “{_label['en']}”",
        }
        MESSAGES[f"{_code}.line"] = MESSAGES[f"{_code}.file"] = {
            "de": f"Spalte „{{column}}“ enthält Angaben zu Personen ({_why['de']}) und darf "
            f"nicht als „{_label['de']}“ gespeichert werden; ordnen Sie eine andere Spalte zu.",
            "en": f"Column “{{column}}” holds personal data ({_why['en']}) and may not be "
            f"stored as “{_label['en']}”; assign another column.",
        }

#: A refused stored text whose column has no value that passes the checks: neutral examples
#: instead of the file's (``identifying_<reason>_without_examples``).
_NEUTRAL_EXAMPLES = {
    "de": "Verkauf, Kasse, 1–3 Jahre (kein Wert, den mehrere Zeilen dieser Spalte teilen, "
    "besteht die Prüfung – ist die richtige Spalte zugeordnet?)",
    "en": "Sales, Cashier, 1–3 years (no value that several rows of this column share passes "
    "the check – is the right column assigned?)",
}
for _reason in ("too_long", "email", "phone", "ip", "name", "free_text"):
    _code = f"import.problem.identifying_{_reason}"
    MESSAGES[f"{_code}_without_examples"] = MESSAGES[_code]
    MESSAGES[f"{_code}_without_examples.line"] = {
        lang: MESSAGES[f"{_code}.line"][lang].replace("{expected}", _NEUTRAL_EXAMPLES[lang])
        for lang in ("de", "en")
    }

#: Why a text is refused, as the messages about one value say it: a branch given for all rows
#: (``--branch``, "All rows belong to branch"; about the file as a whole,
#: ``identifying_<reason>[_without_examples].file``, no column to name) and a questionnaire's
#: text (``instrument.identifying_<reason>``).
_REFUSED_WHY = {
    "too_long": ("ist länger als 60 Zeichen", "is longer than 60 characters"),
    "email": ("enthält eine E-Mail-Adresse", "holds an e-mail address"),
    "phone": ("enthält eine Telefonnummer", "holds a phone number"),
    "ip": ("enthält eine IP-Adresse", "holds an IP address"),
    "name": ("sieht aus wie der Name einer Person", "looks like a person's name"),
    "free_text": ("ist Freitext", "is free text"),
}
for _reason, (_de, _en) in _REFUSED_WHY.items():
    _code = f"import.problem.identifying_{_reason}"
    MESSAGES[f"{_code}.file"] = MESSAGES[f"{_code}_without_examples.file"] = {
        "de": f"Die für alle Zeilen angegebene Filiale „{{value}}“ {_de}; erwartet: eine "
        "Filialnummer ohne Angaben zu Personen (z. B. B001). Nichts wird gespeichert.",
        "en": f"The branch given for all rows, “{{value}}”, {_en}; expected: a branch id "
        "without personal data (e.g. B001). Nothing is stored.",
    }
# a questionnaire's wording or dimension name with an address or number
# (loyalty.importing.instrument: identifying_<reason>)
for _reason in ("email", "phone", "ip"):
    _de, _en = _REFUSED_WHY[_reason]
    MESSAGES[f"instrument.identifying_{_reason}"] = {
        "de": f"{{where}}, {{field}}: „{{value}}“ {_de}. Ein Fragebogen nennt niemanden; "
        "nichts wird gespeichert.",
        "en": f"{{where}}, {{field}}: “{{value}}” {_en}. A questionnaire names no one; "
        "nothing is stored.",
    }
