"""German and English text and number formats (Babel), for the app, exports and the CLI."""

from __future__ import annotations

import math
import numbers
import string
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache

import polars as pl
from babel import Locale
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from loyalty import actions_messages, users_messages
from loyalty.importing import messages as reading_messages
from loyalty.importing import validate_messages

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
_LOCALES = {"de": "de_DE", "en": "en_GB"}

MESSAGES: dict[str, dict[str, str]] = {
    "app.title": {"de": "Loyalitätskette", "en": "Loyalty chain"},
    "nav.overview": {"de": "Überblick", "en": "Overview"},
    "nav.branch": {"de": "Filiale", "en": "Branch"},
    "store.empty": {
        "de": "Der Datenspeicher ist leer. Importieren Sie Ihre Daten auf der Seite Daten "
        "(zuerst die Filialliste) oder laden Sie die Demodaten mit `loyalty demo` (oder starten "
        "Sie mit `make run`).",
        "en": "The data store is empty. Import your data on the Data page (the branch list "
        "first) or load the demo data with `loyalty demo` (or start with `make run`).",
    },
    "store.unavailable": {
        "de": "Der Datenspeicher {path} lässt sich nicht öffnen ({reason}). Ein anderer "
        "Prozess hat die Datei länger als 20 Sekunden belegt (z. B. `loyalty demo` oder ein "
        "großer Import); versuchen Sie es danach noch einmal.",
        "en": "The data store {path} cannot be opened ({reason}). Another process has held "
        "the file for more than 20 seconds (e.g. `loyalty demo` or a large import); try again "
        "when it is done.",
    },
    "store.disk_full": {
        "de": "Loyalty kann nicht in den Datenspeicher {path} schreiben: Der Datenträger mit "
        "dem Datenverzeichnis {directory} ist voll (oder die zulässige Dateigröße ist "
        "erreicht). Es wurde nichts gespeichert; der Datenspeicher ist unverändert. Schaffen "
        "Sie Platz auf diesem Datenträger (oder bitten Sie Ihre IT darum) und versuchen Sie es "
        "erneut.",
        "en": "Loyalty cannot write to the data store {path}: the disk holding the data "
        "directory {directory} is full (or the file size limit is reached). Nothing was "
        "stored; the data store is unchanged. Free up space on that disk (or ask your IT to) "
        "and try again.",
    },
    "store.not_writable": {
        "de": "Loyalty kann nicht in den Datenspeicher {path} schreiben: Das Datenverzeichnis "
        "{directory} (oder die Datei) ist schreibgeschützt, oder dem Benutzer, unter dem "
        "Loyalty läuft, fehlt die Schreibberechtigung. Es wurde nichts gespeichert; der "
        "Datenspeicher ist unverändert. Geben Sie diesem Benutzer Schreibrechte auf das "
        "Verzeichnis und die Datei (oder setzen Sie LOYALTY_DB auf einen beschreibbaren Ort) "
        "und versuchen Sie es erneut.",
        "en": "Loyalty cannot write to the data store {path}: the data directory {directory} "
        "(or the file) is read-only, or the user running Loyalty lacks write permission. "
        "Nothing was stored; the data store is unchanged. Give that user write permission on "
        "the directory and the file (or set LOYALTY_DB to a writable place) and try again.",
    },
    "store.pg_unavailable": {
        "de": "Die PostgreSQL-Datenbank {path} ist nicht erreichbar ({reason}). Prüfen Sie, ob "
        "sie läuft und ob LOYALTY_DB (oder --db) sie richtig nennt (Rechner, Port, Benutzer, "
        "Datenbank), und versuchen Sie es erneut.",
        "en": "The PostgreSQL database {path} cannot be reached ({reason}). Check that it runs "
        "and that LOYALTY_DB (or --db) names it correctly (host, port, user, database), and "
        "try again.",
    },
    "store.pg_disk_full": {
        "de": "Loyalty kann nicht in die PostgreSQL-Datenbank {path} schreiben: Der Datenträger "
        "des Datenbankservers ist voll. Es wurde nichts gespeichert; die Datenbank ist "
        "unverändert. Bitten Sie die Betreiber der Datenbank, Platz zu schaffen, und versuchen "
        "Sie es erneut.",
        "en": "Loyalty cannot write to the PostgreSQL database {path}: the database server's "
        "disk is full. Nothing was stored; the database is unchanged. Ask the database's "
        "operators to free up space and try again.",
    },
    "store.pg_not_writable": {
        "de": "Loyalty darf nicht in die PostgreSQL-Datenbank {path} schreiben (die Datenbank "
        "ist schreibgeschützt, oder dem Datenbankbenutzer fehlen Rechte). Es wurde nichts "
        "gespeichert; die Datenbank ist unverändert. Geben Sie dem Benutzer aus LOYALTY_DB "
        "Schreibrechte und versuchen Sie es erneut.",
        "en": "Loyalty may not write to the PostgreSQL database {path} (the database is "
        "read-only, or the database user lacks privileges). Nothing was stored; the database "
        "is unchanged. Give the user named in LOYALTY_DB write privileges and try again.",
    },
    "versions.unknown": {
        "de": "Es gibt keine Version mit der Nummer {id}.",
        "en": "There is no version with id {id}.",
    },
    "versions.label": {
        "de": "{kind}{wave}, Version {version}",
        "en": "{kind}{wave}, version {version}",
    },
    "versions.not_found": {
        "de": "{kind}{wave} hat keine Version {version}; vorhanden: {known}. "
        "`loyalty versions` listet alle Versionen.",
        "en": "{kind}{wave} has no version {version}; there are: {known}. "
        "`loyalty versions` lists every version.",
    },
    "versions.no_versions": {
        "de": "Für {kind}{wave} gibt es keine Versionen. `loyalty versions` listet alle Versionen.",
        "en": "There are no versions of {kind}{wave}. `loyalty versions` lists every version.",
    },
    "versions.deleted": {
        "de": "{label} wurde bereits gelöscht.",
        "en": "{label} has already been deleted.",
    },
    "versions.active": {
        "de": "{label} ist aktiv. Machen Sie zuerst eine andere Version aktiv "
        "(`loyalty versions activate --kind … --wave … --version N`) oder bestätigen Sie mit "
        "--allow-active, dass die Welle danach keine aktiven Daten mehr hat.",
        "en": "{label} is active. Make another version active first "
        "(`loyalty versions activate --kind … --wave … --version N`) or confirm with "
        "--allow-active that the wave will have no active data.",
    },
    "versions.branches_not_versioned": {
        "de": "{label} ist eine Filialliste; sie wird durch einen neuen Import ersetzt.",
        "en": "{label} is a branch list; a new import replaces it.",
    },
    "versions.activated": {
        "de": "Jetzt aktiv: {label}.",
        "en": "Now active: {label}.",
    },
    "versions.deleted_rows": {
        "de": "Gelöscht: {label}; {rows} Datensätze aus dem Datenspeicher entfernt (bei einer "
        "Befragung jede Antwort auf jede Frage).",
        "en": "Deleted: {label}; {rows} records removed from the store (for a survey, each "
        "answer to each question).",
    },
    "versions.confirm": {
        "de": "Löschen ist endgültig. Wiederholen Sie den Befehl mit --yes, um {label} zu löschen.",
        "en": "Deleting is final. Repeat the command with --yes to delete {label}.",
    },
    "versions.col.kind": {"de": "Art", "en": "Kind"},
    "versions.col.wave": {"de": "Welle", "en": "Wave"},
    "versions.col.version": {"de": "Version", "en": "Version"},
    "versions.col.status": {"de": "Status", "en": "Status"},
    "versions.col.rows": {"de": "Zeilen", "en": "Rows"},
    "versions.col.when": {"de": "Importiert", "en": "Imported"},
    "versions.col.by": {"de": "Von", "en": "By"},
    "versions.col.source": {"de": "Datei", "en": "File"},
    "auth.remote_none": {
        "de": "Ohne Anmeldung darf Loyalty nur auf localhost laufen. Setzen Sie "
        "LOYALTY_AUTH oder starten Sie den Server mit --server.address localhost.",
        "en": "Without sign-in Loyalty may only listen on localhost. Set LOYALTY_AUTH or start "
        "the server with --server.address localhost.",
    },
    "admin.col.username": {"de": "Benutzername", "en": "User name"},
    "admin.col.display_name": {"de": "Anzeigename", "en": "Display name"},
    "admin.col.email": {"de": "E-Mail", "en": "E-mail"},
    "admin.col.role": {"de": "Rolle", "en": "Role"},
    "admin.col.disabled": {"de": "Gesperrt", "en": "Disabled"},
    "admin.col.failed_attempts": {"de": "Fehlversuche", "en": "Failed attempts"},
    "admin.col.locked_until": {"de": "Gesperrt bis", "en": "Locked until"},
    "admin.col.must_change_password": {"de": "Muss Passwort ändern", "en": "Must change password"},
    "admin.col.has_password": {"de": "Hat Passwort", "en": "Has password"},
    "admin.col.created_at": {"de": "Angelegt am", "en": "Created at"},
    "admin.col.regions": {"de": "Regionen", "en": "Regions"},
    "admin.col.branches": {"de": "Filialen", "en": "Branches"},
    "admin.col.event_id": {"de": "Nr.", "en": "No."},
    "audit.by.start": {"de": "System (beim Start)", "en": "system (at start)"},
    "audit.by.unknown": {"de": "(unbekannter Name)", "en": "(unknown name)"},
    "audit.action.import": {"de": "Import", "en": "import"},
    "audit.action.activate": {"de": "Version aktiv gemacht", "en": "version made active"},
    "audit.action.delete": {"de": "Version gelöscht", "en": "version deleted"},
    "audit.action.purge": {
        "de": "Antworten gelöscht (Aufbewahrungsfrist)",
        "en": "answers deleted (retention period)",
    },
    "audit.action.instrument": {"de": "Fragebogen festgelegt", "en": "questionnaire set"},
    "audit.action.save_mapping": {"de": "Zuordnung gespeichert", "en": "mapping saved"},
    "audit.action.export": {"de": "Export", "en": "export"},
    "audit.action.action_add": {"de": "Maßnahme erfasst", "en": "action recorded"},
    "audit.action.action_change": {"de": "Maßnahme geändert", "en": "action changed"},
    "audit.action.user_add": {"de": "Benutzer angelegt", "en": "user added"},
    "audit.action.user_remove": {"de": "Benutzer entfernt", "en": "user removed"},
    "audit.action.password_change": {"de": "Passwort geändert", "en": "password changed"},
    "audit.action.password_reset": {"de": "Passwort zurückgesetzt", "en": "password reset"},
    "audit.action.sign_in": {"de": "Anmeldung", "en": "sign-in"},
    "audit.action.sign_in_failed": {"de": "Anmeldung fehlgeschlagen", "en": "sign-in failed"},
    "audit.action.sign_in_locked": {"de": "Anmeldung gesperrt", "en": "sign-in locked"},
    "audit.action.sign_out": {"de": "Abmeldung", "en": "sign-out"},
    "instrument.col.dimension_id": {"de": "Dimension (Kennung)", "en": "Dimension (id)"},
    "instrument.col.name_de": {"de": "Name deutsch", "en": "Name in German"},
    "instrument.col.name_en": {"de": "Name englisch", "en": "Name in English"},
    "instrument.col.item_id": {"de": "Frage (Kennung)", "en": "Question (id)"},
    "instrument.col.text_de": {"de": "Wortlaut deutsch", "en": "Wording in German"},
    "instrument.col.text_en": {"de": "Wortlaut englisch", "en": "Wording in English"},
    "instrument.col.scale_min": {"de": "Skala von", "en": "Scale from"},
    "instrument.col.scale_max": {"de": "Skala bis", "en": "Scale to"},
    "instrument.col.reverse": {"de": "Umgepolt", "en": "Reversed"},
    "instrument.col.in_index": {"de": "Im Index", "en": "In the index"},
    "role.admin": {"de": "Administration", "en": "Administration"},
    "role.hr": {"de": "Personalabteilung (HR)", "en": "Human resources (HR)"},
    "role.controller": {"de": "Controlling", "en": "Controlling"},
    "role.executive": {"de": "Geschäftsleitung", "en": "Management"},
    "role.presenter": {"de": "Präsentation", "en": "Presentation"},
    "admin.col.happened_at": {"de": "Zeitpunkt", "en": "Time"},
    "admin.col.actor": {"de": "Wer", "en": "Who"},
    "admin.col.action": {"de": "Aktion", "en": "Action"},
    "admin.col.target": {"de": "Gegenstand", "en": "Target"},
    "admin.col.detail": {"de": "Einzelheiten", "en": "Detail"},
    "upload.button": {"de": "Datei wählen", "en": "Choose a file"},
    "upload.limit": {
        "de": "oder hierher ziehen · höchstens {size} MB",
        "en": "or drop it here · at most {size} MB",
    },
    "upload.drop": {"de": "Datei hier ablegen", "en": "Drop the file here"},
    "wave.label": {"de": "Befragungswelle", "en": "Survey wave"},
    "loyalty.label": {"de": "Kundenbindung gemessen als", "en": "Customer loyalty measured as"},
    "measure.engagement": {"de": "Engagement-Index (1–5)", "en": "Engagement index (1–5)"},
    "measure.nps": {"de": "NPS (Punkte)", "en": "NPS (points)"},
    "measure.retention": {"de": "Kundenbindungsrate (%)", "en": "Retention rate (%)"},
    "measure.ros": {"de": "Umsatzrendite (%)", "en": "Return on sales (%)"},
    "overview.title": {"de": "Die Loyalitätskette", "en": "The loyalty chain"},
    "overview.intro": {
        "de": "Motivierte Mitarbeitende → treue Kunden → höhere Rendite. Jeder Punkt ist eine "
        "Filiale (Filialebene); Engagement ist der Mittelwert der Mitarbeitenden.",
        "en": "Motivated employees → loyal customers → higher returns. Each point is a branch "
        "(branch level); engagement is the mean over its employees.",
    },
    "overview.headline": {
        "de": "Filialen im obersten Kundenbindungs-Quartil erzielen das {ratio}-Fache "
        "[{low}–{high}] der Umsatzrendite des untersten Quartils.",
        "en": "Branches in the top loyalty quartile earn {ratio}× [{low}–{high}] the return on "
        "sales of the bottom quartile.",
    },
    "overview.headline_detail": {
        "de": "Umsatzrendite {top} % gegenüber {bottom} %; je {n_top} bzw. {n_bottom} Filialen, "
        "Filialebene, n = {n}; 95‑%‑Intervall aus {n_boot} Bootstrap-Stichproben.",
        "en": "Return on sales {top}% vs {bottom}%; {n_top} and {n_bottom} branches, branch "
        "level, n = {n}; 95% interval from {n_boot} bootstrap resamples.",
    },
    "overview.headline_na": {
        "de": "Für das Quartilsverhältnis sind zu wenige Filialen mit Daten vorhanden.",
        "en": "Too few branches with data for the quartile ratio.",
    },
    "overview.click_hint": {
        "de": "Klicken Sie auf einen Punkt, um die Filiale zu öffnen.",
        "en": "Click a point to open that branch.",
    },
    "overview.suppressed": {
        "de": "{k} von {n} Filialen haben weniger als {min} Antworten: ohne Engagement-Wert, "
        "nicht in den Engagement-Zusammenhängen enthalten.",
        "en": "{k} of {n} branches have fewer than {min} responses: no engagement score, left "
        "out of the engagement links.",
    },
    "link.engagement_loyalty": {"de": "Engagement → Kundenbindung", "en": "Engagement → loyalty"},
    "link.loyalty_return": {"de": "Kundenbindung → Rendite", "en": "Loyalty → return"},
    "link.engagement_return": {"de": "Engagement → Rendite", "en": "Engagement → return"},
    "link.sentence": {
        "de": "r = {r} [95‑%‑KI {low}; {high}], n = {n} Filialen (Filialebene)",
        "en": "r = {r} [95% CI {low}; {high}], n = {n} branches (branch level)",
    },
    "link.strength": {
        "de": "{strength} {direction} Zusammenhang",
        "en": "{strength} {direction} association",
    },
    "strength.none": {"de": "kein nennenswerter", "en": "no notable"},
    "strength.weak": {"de": "schwacher", "en": "weak"},
    "strength.moderate": {"de": "mittlerer", "en": "moderate"},
    "strength.strong": {"de": "starker", "en": "strong"},
    "direction.pos": {"de": "positiver", "en": "positive"},
    "direction.neg": {"de": "negativer", "en": "negative"},
    "direction.none": {"de": "", "en": ""},
    "link.na": {
        "de": "zu wenige Filialen für eine Korrelation (n = {n})",
        "en": "too few branches for a correlation (n = {n})",
    },
    "association_note": {
        "de": "Zusammenhänge in Beobachtungsdaten, keine Belege für Ursache und Wirkung.",
        "en": "Associations in observational data, not proof of cause and effect.",
    },
    "quadrant.title": {
        "de": "Engagement × Kundenbindung: Umsatzrendite je Quadrant",
        "en": "Engagement × loyalty: return on sales by quadrant",
    },
    "quadrant.subtitle": {
        "de": "Teilung am Median; Mittelwert mit 95‑%‑Bootstrap-Intervall, n = {n} "
        "{n:plural:one=Filiale:other=Filialen} (Filialebene)",
        "en": "Split at the median; mean with 95% bootstrap interval, n = {n} "
        "{n:plural:one=branch:other=branches} (branch level)",
    },
    "quadrant.subtitle_no_interval": {
        "de": "Teilung am Median; Mittelwert ohne Intervall (zu wenige Filialen für den "
        "Bootstrap), n\u00a0=\u00a0{n} {n:plural:one=Filiale:other=Filialen} (Filialebene)",
        "en": "Split at the median; mean without an interval (too few branches for the "
        "bootstrap), n\u00a0=\u00a0{n} {n:plural:one=branch:other=branches} (branch level)",
    },
    "quadrant.high_high": {
        "de": "Engagement hoch<br>{loyalty} hoch",
        "en": "Engagement high<br>{loyalty} high",
    },
    "quadrant.high_low": {
        "de": "Engagement hoch<br>{loyalty} niedrig",
        "en": "Engagement high<br>{loyalty} low",
    },
    "quadrant.low_high": {
        "de": "Engagement niedrig<br>{loyalty} hoch",
        "en": "Engagement low<br>{loyalty} high",
    },
    "quadrant.low_low": {
        "de": "Engagement niedrig<br>{loyalty} niedrig",
        "en": "Engagement low<br>{loyalty} low",
    },
    "quadrant.multiplier": {
        "de": "Filialen mit hohem Engagement und hoher Kundenbindung ({loyalty}) erzielen das "
        "**{ratio}-Fache** [95‑%‑KI {low}; {high}] der Umsatzrendite der übrigen Filialen "
        "(n = {n_top} gegenüber {n_rest} Filialen, Filialebene; Bootstrap mit {n_boot} "
        "Stichproben).",
        "en": "Branches with high engagement and high loyalty ({loyalty}) earn **{ratio}×** "
        "[95% CI {low}; {high}] the return on sales of the other branches (n = {n_top} vs "
        "{n_rest} branches, branch level; bootstrap with {n_boot} resamples).",
    },
    "quadrant.multiplier_na": {
        "de": "Kein Verhältnis der Renditen: Die übrigen Filialen haben im Mittel keine positive "
        "Umsatzrendite, oder es sind zu wenige Filialen.",
        "en": "No ratio of returns: the other branches have no positive mean return on sales, "
        "or there are too few branches.",
    },
    "short.nps": {"de": "NPS", "en": "NPS"},
    "short.retention": {"de": "Kundenbindung", "en": "Retention"},
    # the loyalty measure inside a sentence, and "at equal <measure> now" (German: its gender)
    "mid.nps": {"de": "NPS", "en": "NPS"},
    "mid.retention": {"de": "Kundenbindung", "en": "retention"},
    "lag.same.nps": {"de": "bei gleichem NPS jetzt", "en": "at equal NPS now"},
    "lag.same.retention": {
        "de": "bei gleicher Kundenbindung jetzt",
        "en": "at equal retention now",
    },
    "nav.branches": {"de": "Filialen", "en": "Branches"},
    "branches.title": {"de": "Filialen im Vergleich", "en": "Branches compared"},
    "branches.all": {"de": "Alle", "en": "All"},
    "ui.choose": {"de": "Bitte wählen", "en": "Please choose"},
    "branches.region": {"de": "Region", "en": "Region"},
    "branches.format": {"de": "Format", "en": "Format"},
    "branches.size": {"de": "Mitarbeitende", "en": "Staff"},
    "branches.search": {"de": "Suche nach Name oder Nummer", "en": "Search by name or id"},
    "branches.none_found": {
        "de": "Keine Filiale passt zu dieser Auswahl; lockern Sie die Filter oder die Suche.",
        "en": "No branch matches this selection; widen the filters or the search.",
    },
    "branches.count": {
        "de": "{k} von {n} Filialen · Klicken Sie auf eine Zeile oder Zelle, um die Filiale "
        "zu öffnen.",
        "en": "{k} of {n} branches · Click a row or cell to open the branch.",
    },
    "branches.table_limit": {
        "de": "Die Tabelle zeigt die ersten {k} von {n} Filialen in der gewählten Reihenfolge; "
        "der Export enthält alle.",
        "en": "The table shows the first {k} of {n} branches in the chosen order; the export "
        "holds all of them.",
    },
    "heatmap.title": {
        "de": "Engagement nach Dimension, Farbe: Abstand zum Unternehmensmedian "
        "(Mitarbeitendenebene, Mittelwert je Filiale)",
        "en": "Engagement by dimension, colour: difference to the company median "
        "(employee level, mean per branch)",
    },
    "funnel.title": {
        "de": "Engagement je Filiale nach Zahl der Antworten (Trichterdiagramm)",
        "en": "Engagement per branch by number of responses (funnel plot)",
    },
    "funnel.subtitle": {
        "de": "n = {n} Filialen, {respondents} Antworten; Unternehmensmittel {target}, SD in der "
        "Filiale {sd} (Mitarbeitendenebene); Filialen außerhalb 95 %: {out95}, außerhalb "
        "99,8 %: {out998}",
        "en": "n = {n} branches, {respondents} responses; company mean {target}, SD within "
        "branch {sd} (employee level); branches outside 95%: {out95}, outside 99.8%: {out998}",
    },
    "funnel.axis": {"de": "Antworten je Filiale", "en": "Responses per branch"},
    "funnel.limit_95": {"de": "95‑%‑Grenzen", "en": "95% limits"},
    "funnel.limit_998": {"de": "99,8‑%‑Grenzen", "en": "99.8% limits"},
    # a plotly hovertemplate (no values of ours filled in)
    "funnel.hover": {
        "de": "%{x:,.0f} Antworten, Engagement %{y:.2f}",
        "en": "%{x:,.0f} responses, engagement %{y:.2f}",
    },
    "funnel.note": {
        "de": "Punkte außerhalb der äußeren Grenzen (rot) weichen mehr vom Unternehmensmittel ab, "
        "als der Zufall bei ihrer Größe erwarten lässt (Spiegelhalter 2005). Kleine Filialen "
        "streuen schon zufällig stark. Filialen mit weniger als {min} Antworten fehlen.",
        "en": "Points outside the outer limits (red) differ from the company mean more than "
        "chance would make likely for their size (Spiegelhalter 2005). Small branches scatter "
        "widely by chance alone. Branches with fewer than {min} responses are left out.",
    },
    "heatmap.colorbar": {"de": "Abstand", "en": "Difference"},
    "heatmap.region_row": {
        "de": "{region} ({n} {n:plural:one=Filiale:other=Filialen})",
        "en": "{region} ({n} {n:plural:one=branch:other=branches})",
    },
    "heatmap.view": {"de": "Heatmap zeigt", "en": "Heatmap shows"},
    "heatmap.view.branches": {"de": "Filialen", "en": "Branches"},
    "heatmap.view.regions": {"de": "Regionen", "en": "Regions"},
    "heatmap.order": {"de": "Reihenfolge", "en": "Order"},
    "heatmap.order.engagement": {"de": "nach Engagement", "en": "by engagement"},
    "heatmap.order.region": {"de": "nach Region", "en": "by region"},
    "heatmap.order.profile": {
        "de": "nach Profil (ähnliche nebeneinander)",
        "en": "by profile (similar ones together)",
    },
    "heatmap.order.branch_id": {"de": "nach Filialnummer", "en": "by branch id"},
    "heatmap.page": {"de": "Seite", "en": "Page"},
    "heatmap.page_of": {
        "de": "Filialen {first}–{last} von {n}, Seite {page} von {pages}. Ohne Engagement-Wert "
        "(weniger als {min} Antworten) am Ende, schraffiert.",
        "en": "Branches {first}–{last} of {n}, page {page} of {pages}. Without an engagement "
        "score (fewer than {min} responses) at the end, hatched.",
    },
    "heatmap.regions_hint": {
        "de": "Je Region der Mittelwert ihrer Filialen mit Engagement-Wert (Filialebene). "
        "Wählen Sie eine Region, um ihre Filialen zu sehen.",
        "en": "Per region the mean of its branches with an engagement score (branch level). "
        "Choose a region to see its branches.",
    },
    "export.csv": {"de": "Tabelle als CSV", "en": "Table as CSV"},
    "export.xlsx": {"de": "Tabelle als Excel", "en": "Table as Excel"},
    "export.filename": {"de": "filialen_{wave}", "en": "branches_{wave}"},
    # the downloads' sheet names and the branch table download's headers (n, level, interval)
    "export.sheet.branches": {"de": "Filialen", "en": "Branches"},
    "export.sheet.actions": {"de": "Maßnahmen", "en": "Actions"},
    "export.col.n_respondents": {
        "de": "Engagement: n (Antworten)",
        "en": "Engagement: n (responses)",
    },
    "export.col.engagement": {
        "de": "Engagement (Mitarbeitendenebene, Mittelwert)",
        "en": "Engagement (employee level, mean)",
    },
    "export.col.engagement_low": {
        "de": "Engagement: 95‑%‑KI unten",
        "en": "Engagement: 95% CI low",
    },
    "export.col.engagement_high": {
        "de": "Engagement: 95‑%‑KI oben",
        "en": "Engagement: 95% CI high",
    },
    "export.col.nps_answers": {"de": "NPS: n (Kundenantworten)", "en": "NPS: n (customer answers)"},
    "export.col.nps": {"de": "NPS (Filialebene)", "en": "NPS (branch level)"},
    "export.col.nps_low": {"de": "NPS: 95‑%‑KI unten", "en": "NPS: 95% CI low"},
    "export.col.nps_high": {"de": "NPS: 95‑%‑KI oben", "en": "NPS: 95% CI high"},
    "export.col.active_customers": {
        "de": "Kundenbindung: n (Kunden)",
        "en": "Retention: n (customers)",
    },
    "export.col.retention": {
        "de": "Kundenbindung % (Filialebene)",
        "en": "Retention % (branch level)",
    },
    "export.col.retention_low": {
        "de": "Kundenbindung: 95‑%‑KI unten",
        "en": "Retention: 95% CI low",
    },
    "export.col.retention_high": {
        "de": "Kundenbindung: 95‑%‑KI oben",
        "en": "Retention: 95% CI high",
    },
    "export.col.ros": {
        "de": "Umsatzrendite % (Filialebene, Finanzkennzahl: Vollerhebung, ohne Intervall)",
        "en": "Return on sales % (branch level, financial figure: full count, no interval)",
    },
    "col.branch_id": {"de": "Nr.", "en": "ID"},
    "col.name": {"de": "Filiale", "en": "Branch"},
    "col.region": {"de": "Region", "en": "Region"},
    "col.format": {"de": "Format", "en": "Format"},
    "col.headcount": {"de": "Mitarbeitende", "en": "Staff"},
    "col.n_respondents": {"de": "Antworten", "en": "Responses"},
    "col.engagement": {"de": "Engagement", "en": "Engagement"},
    "col.nps": {"de": "NPS", "en": "NPS"},
    "col.retention": {"de": "Kundenbindung %", "en": "Retention %"},
    "col.ros": {"de": "Umsatzrendite %", "en": "Return on sales %"},
    "col.note": {"de": "Hinweis", "en": "Note"},
    "nav.compare": {"de": "Vergleich", "en": "Compare"},
    "compare.title": {"de": "Filialen vergleichen", "en": "Compare branches"},
    "compare.select": {"de": "Zwei bis vier Filialen", "en": "Two to four branches"},
    "compare.too_few": {
        "de": "Wählen Sie mindestens zwei Filialen.",
        "en": "Choose at least two branches.",
    },
    "compare.note": {
        "de": "Balken: Filiale mit 95‑%‑Intervall (wo es eines gibt); gestrichelt: Unternehmen. "
        "Engagement auf Mitarbeitendenebene gemittelt, alle anderen Werte auf Filialebene.",
        "en": "Bars: branch with 95% interval (where there is one); dashed: company. Engagement "
        "averaged over employees, all other figures at branch level.",
    },
    "dimensions.unmeasured": {
        "de": "Keine Werte in dieser Welle: {dims} (nicht gefragt, von weniger als der Hälfte "
        "der Antworten beantwortet oder nicht aufbewahrt).",
        "en": "No values in this wave: {dims} (not asked, answered by fewer than half of the "
        "responses, or not kept).",
    },
    "story.chain.title": {
        "de": "Die Kette: Engagement, Kundenbindung, Rendite",
        "en": "The chain: engagement, loyalty, return",
    },
    "story.return.title": {
        "de": "Treue Kunden, höhere Rendite",
        "en": "Loyal customers, higher returns",
    },
    "story.quadrants.title": {"de": "Wo beides stimmt", "en": "Where both are right"},
    "story.quadrants.line": {
        "de": "Engagement und Kundenbindung beide hoch: Umsatzrendite {hh}; beide niedrig: {ll}.",
        "en": "Engagement and loyalty both high: return on sales {hh}; both low: {ll}.",
    },
    # a quadrant's mean return in story.quadrants.line: with its interval, or without one (a
    # quadrant of one branch, or too few branches for the bootstrap), or none (an empty one)
    "story.quadrants.mean": {
        "de": "{mean} % [{low}–{high}] (n = {n})",
        "en": "{mean}% [{low}–{high}] (n = {n})",
    },
    "story.quadrants.mean_no_interval": {
        "de": "{mean} % (n = {n}, kein Intervall)",
        "en": "{mean}% (n = {n}, no interval)",
    },
    "story.quadrants.mean_none": {
        "de": "– (n = {n})",
        "en": "– (n = {n})",
    },
    "story.branches.title": {
        "de": "Die Filialen, auf die es ankommt",
        "en": "The branches that matter",
    },
    "story.branches.line": {
        "de": "Diese {k} {k:plural:one=Filiale verliert:other=Filialen verlieren} {lost} Kunden, "
        "{share} % aller verlorenen Kunden "
        "(Filialebene).",
        "en": "{k:plural:one=This:other=These} {k} {k:plural:one=branch loses:other=branches lose} "
        "{lost} {lost:plural:one=customer:other=customers}, {share}% of all customers lost "
        "(branch level).",
    },
    "story.branches.colour": {
        "de": "Farbe: Engagement-Index der Filiale; grau: weniger als {min} Antworten.",
        "en": "Colour: the branch's engagement index; grey: fewer than {min} responses.",
    },
    "story.lost_axis": {
        "de": "Verlorene Kunden im Halbjahr",
        "en": "Customers lost in the half-year",
    },
    "story.why.title": {"de": "Warum Kunden gehen", "en": "Why customers leave"},
    "story.why.line": {
        "de": "Verhalten des Personals: {staff} % der verlorenen Kunden; Preis {price} %, "
        "Qualität {quality} % (n = {n} {n:plural:one=verlorener Kunde:other=verlorene Kunden}, "
        "Unternehmen).",
        "en": "Staff behaviour: {staff}% of lost customers; price {price}%, quality {quality}% "
        "(n = {n} {n:plural:one=lost customer:other=lost customers}, company).",
    },
    "chart.download": {"de": "Bild", "en": "Image"},
    "story.whatif.title": {"de": "Was wäre, wenn …", "en": "What if …"},
    "story.whatif.line": {
        "de": "… das untere Engagement-Viertel der Filialen um {delta} Punkte zulegte?",
        "en": "… the bottom engagement quartile of branches rose by {delta} points?",
    },
    "story.why.study": {
        "de": "Zum Vergleich die Studie, von der Loyalty ausgeht: Personal 67 %, Qualität 14 %, "
        "Preis 9 %.",
        "en": "For comparison, the study Loyalty starts from: staff 67%, quality 14%, price 9%.",
    },
    "report.title": {"de": "Die Loyalitätskette", "en": "The loyalty chain"},
    "report.subtitle": {
        "de": "Befragungswelle {wave} · erstellt am {date} mit Loyalty",
        "en": "Survey wave {wave} · made on {date} with Loyalty",
    },
    "report.done": {"de": "fertig", "en": "done"},
    "report.progress": {"de": "Export wird erstellt …", "en": "Building the export …"},
    "nav.present": {"de": "Präsentation", "en": "Present"},
    "chain.title": {"de": "Die Kette als Modell", "en": "The chain as a model"},
    "chain.box.engagement": {"de": "Engagement", "en": "Engagement"},
    "chain.box.nps": {"de": "Kundenbindung (NPS)", "en": "Loyalty (NPS)"},
    "chain.box.retention": {"de": "Kundenbindung (Rate)", "en": "Loyalty (retention)"},
    "chain.box.ros": {"de": "Umsatzrendite", "en": "Return on sales"},
    "chain.subtitle": {
        "de": "indirekt a·b = {indirect} Prozentpunkte Rendite, n = {n} Filialen (Filialebene), "
        "Bootstrap mit {n_boot} Stichproben",
        "en": "indirect a·b = {indirect} percentage points return, n = {n} branches "
        "(branch level), bootstrap with {n_boot} resamples",
    },
    # a change in loyalty, by grammatical number of {count}: nominative ("+9,4 NPS-Punkte je
    # Filiale") and dative ("geht mit +9,4 NPS-Punkten einher")
    "chain.unit.nps": {
        "de": "{count:plural:one=NPS-Punkt:other=NPS-Punkte}",
        "en": "{count:plural:one=NPS point:other=NPS points}",
    },
    "chain.unit.retention": {
        "de": "{count:plural:one=Prozentpunkt:other=Prozentpunkte} Kundenbindungsrate",
        "en": "{count:plural:one=percentage point:other=percentage points} retention",
    },
    "chain.unit_dative.nps": {
        "de": "{count:plural:one=NPS-Punkt:other=NPS-Punkten}",
        "en": "{count:plural:one=NPS point:other=NPS points}",
    },
    "chain.unit_dative.retention": {
        "de": "{count:plural:one=Prozentpunkt:other=Prozentpunkten} Kundenbindungsrate",
        "en": "{count:plural:one=percentage point:other=percentage points} retention",
    },
    "chain.one.nps": {"de": "NPS-Punkt", "en": "NPS point"},
    "chain.one.retention": {
        "de": "Prozentpunkt Kundenbindungsrate",
        "en": "percentage point retention",
    },
    "chain.a": {
        "de": "+1 Punkt Engagement (Skala 1–5) geht mit {value} {unit} einher "
        "[95‑%‑KI {low}; {high}], n = {n} Filialen (Filialebene).",
        "en": "+1 point engagement (scale 1–5) goes with {value} {unit} "
        "[95% CI {low}; {high}], n = {n} branches (branch level).",
    },
    "chain.b": {
        "de": "+1 {unit} geht bei gleichem Engagement mit {value} "
        "{value:plural:one=Prozentpunkt:other=Prozentpunkten} Umsatzrendite einher "
        "[95‑%‑KI {low}; {high}].",
        "en": "+1 {unit} goes with {value} {value:plural:one=percentage point:other=percentage "
        "points} return on sales at equal "
        "engagement [95% CI {low}; {high}].",
    },
    "chain.indirect": {
        "de": "Über die Kundenbindung geht +1 Punkt Engagement mit {value} "
        "{value:plural:one=Prozentpunkt:other=Prozentpunkten} Rendite einher [95‑%‑KI {low}; "
        "{high}, Bootstrap mit {n_boot} Stichproben]; direkt "
        "{direct} [{direct_low}; {direct_high}], zusammen {total}.",
        "en": "Through loyalty, +1 point engagement goes with {value} "
        "{value:plural:one=percentage point:other=percentage points} return [95% CI {low}; "
        "{high}, bootstrap with {n_boot} resamples]; directly {direct} "
        "[{direct_low}; {direct_high}], in total {total}.",
    },
    "chain.adjusted": {
        "de": "Alle Pfade sind für die Filialgröße (Mitarbeiterzahl) bereinigt. Zusammenhänge in "
        "Beobachtungsdaten, kein Beweis für Ursache und Wirkung.",
        "en": "All paths are adjusted for branch size (headcount). Associations in observational "
        "data, not proof of cause and effect.",
    },
    "corrected.reliability": {
        "de": "Mit im Mittel {size} Antworten je Filiale sind die Filialmittelwerte {quality} "
        "zuverlässig (ICC(2) {icc2})",
        "en": "With {size} respondents per branch on average, branch means are {quality} "
        "reliable (ICC(2) {icc2})",
    },
    "corrected.quality.high": {"de": "hoch", "en": "highly"},
    "corrected.quality.ok": {"de": "ausreichend", "en": "adequately"},
    "corrected.quality.moderate": {"de": "nur mäßig", "en": "only moderately"},
    "corrected.quality.low": {"de": "wenig", "en": "poorly"},
    "corrected.link": {
        "de": "{reliability}; bereinigt um die Zuverlässigkeit der Filialmittelwerte beträgt der "
        "Zusammenhang r = {r} [95‑%‑KI {low}; {high}] statt {observed} (n = {n} Filialen, "
        "Filialebene).",
        "en": "{reliability}; corrected for the reliability of branch means, the link is "
        "r = {r} [95% CI {low}; {high}] instead of {observed} (n = {n} branches, branch level).",
    },
    "corrected.links": {
        "de": "{reliability}; bereinigt um die Zuverlässigkeit der Filialmittelwerte: {links} "
        "(n = {n} Filialen, Filialebene).",
        "en": "{reliability}; corrected for the reliability of branch means: {links} "
        "(n = {n} branches, branch level).",
    },
    "corrected.links_item": {
        "de": "{link} r = {r} [95‑%‑KI {low}; {high}] statt {observed}",
        "en": "{link} r = {r} [95% CI {low}; {high}] instead of {observed}",
    },
    "corrected.chain": {
        "de": "{reliability}. Bereinigt um die Zuverlässigkeit der Filialmittelwerte geht +1 "
        "Punkt Engagement mit {value} {unit} einher [95‑%‑KI {low}; {high}] statt {observed}, "
        "insgesamt mit {c_value} Prozentpunkten Umsatzrendite [{c_low}; {c_high}] statt "
        "{c_observed} (n = {n} Filialen, Filialebene, für die Filialgröße bereinigt).",
        "en": "{reliability}. Corrected for the reliability of branch means, +1 point "
        "engagement goes with {value} {unit} [95% CI {low}; {high}] instead of {observed}, and "
        "in total with {c_value} percentage points return on sales [{c_low}; {c_high}] instead "
        "of {c_observed} (n = {n} branches, branch level, adjusted for branch size).",
    },
    "corrected.none": {
        "de": "Ohne Bereinigung: Die Bereinigung betrifft Filialmittelwerte der Antworten der "
        "Mitarbeitenden, und dieser Zusammenhang enthält keine.",
        "en": "No correction: it concerns branch means of employees' answers, and this link "
        "has none.",
    },
    "corrected.chain_rest": {
        "de": "Die übrigen Pfade (b, direkt, indirekt) und das Schaubild zeigen die beobachteten "
        "Werte.",
        "en": "The other paths (b, direct, indirect) and the diagram show the observed values.",
    },
    "corrected.na": {
        "de": "Die Bereinigung um die Zuverlässigkeit der Filialmittelwerte lässt sich hier "
        "nicht schätzen (das Modell ist nicht konvergiert: zu wenige Filialen, n = {n}, oder "
        "kaum Unterschiede zwischen ihnen); es gilt nur der beobachtete Wert.",
        "en": "The correction for the reliability of branch means cannot be estimated here "
        "(the model did not converge: too few branches, n = {n}, or hardly any difference "
        "between them); only the observed value stands.",
    },
    "corrected.title": {
        "de": "Zusammenhänge, bereinigt um die Zuverlässigkeit der Filialmittelwerte",
        "en": "Links corrected for the reliability of branch means",
    },
    "corrected.method": {
        "de": "Der Mittelwert weniger Antworten misst das Engagement einer Filiale nur ungenau; "
        "ein Zusammenhang mit einem ungenau gemessenen Mittelwert fällt zu schwach aus. Das "
        "Modell mit latentem Filialmittelwert (Croon & van Veldhoven 2007; Lüdtke et al. 2008) "
        "teilt das Engagement in einen Teil zwischen den Filialen (τ) und einen innerhalb "
        "(σ²) und bezieht die Filialkennzahl auf den Teil zwischen den Filialen; geschätzt mit "
        "voller Maximum-Likelihood aus Anzahl, Mittelwert und Streuung der Antworten je Filiale, "
        "Standardfehler aus der beobachteten Information, Intervall von r über Fishers z. "
        "Geprüft gegen lavaan (R) auf öffentlichen Daten, siehe docs/statistics.md.",
        "en": "The mean of a few answers measures a branch's engagement only roughly; a link "
        "with a roughly measured mean comes out too weak. The latent-covariate model (Croon & "
        "van Veldhoven 2007; Lüdtke et al. 2008) splits engagement into a part between "
        "branches (τ) and a part within (σ²) and relates the branch figure to the part between "
        "branches; fitted by full maximum likelihood from the number, mean and spread of the "
        "answers per branch, standard errors from the observed information, the interval of r "
        "by Fisher's z. Checked against lavaan (R) on public data, see docs/statistics.md.",
    },
    "corrected.components": {
        "de": "{link}: τ = {tau}, σ² = {sigma}, ICC(1) {icc1}, ICC(2) {icc2} bei im Mittel "
        "{size} Antworten, n = {n} Filialen; Steigung latent {slope} (SE {slope_se}), "
        "beobachtet {manifest}; log-Likelihood {loglik}; {converged}.",
        "en": "{link}: τ = {tau}, σ² = {sigma}, ICC(1) {icc1}, ICC(2) {icc2} with {size} "
        "answers on average, n = {n} branches; slope latent {slope} (SE {slope_se}), observed "
        "{manifest}; log-likelihood {loglik}; {converged}.",
    },
    "corrected.converged.yes": {"de": "konvergiert", "en": "converged"},
    "corrected.converged.no": {
        "de": "nicht konvergiert – nicht verwenden",
        "en": "not converged – do not use",
    },
    "corrected.trust": {
        "de": "Wann nicht vertrauen: bei wenigen Filialen (unter etwa 50 werden τ und damit die "
        "Bereinigung unsicher, die Intervalle breit), wenn das Modell nicht konvergiert ist "
        "(dann zeigt die App nur den beobachteten Wert) und wenn ICC(1) nahe 0 liegt (kaum "
        "Unterschiede zwischen Filialen: die Bereinigung würde fast nur Rauschen vergrößern). "
        "Die Bereinigung betrifft nur die Messungenauigkeit der Filialmittelwerte, nicht "
        "Störgrößen; es bleiben Zusammenhänge in Beobachtungsdaten.",
        "en": "When not to trust it: with few branches (below about 50, τ and so the correction "
        "become uncertain and the intervals wide), when the model did not converge (the app "
        "then shows only the observed value) and when ICC(1) is near 0 (hardly any difference "
        "between branches: the correction would mostly magnify noise). It corrects only the "
        "measurement error of branch means, not confounding; these remain associations in "
        "observational data.",
    },
    "whatif.observed_paths": {
        "de": "Die Rechnung verwendet die beobachteten Pfade (Filialmittelwerte, wie gemessen). "
        "Bereinigt um die Zuverlässigkeit der Filialmittelwerte ist Pfad a stärker ({corrected} "
        "statt {observed} {unit} je Punkt Engagement); diese Zahlen sind also eher vorsichtig.",
        "en": "This uses the observed paths (branch means as measured). Corrected for the "
        "reliability of branch means, path a is stronger ({corrected} instead of {observed} "
        "{unit} per point of engagement), so these figures are on the cautious side.",
    },
    "whatif.observed_paths_short": {
        "de": "Die Rechnung verwendet die beobachteten Pfade (Filialmittelwerte, wie gemessen).",
        "en": "This uses the observed paths (branch means as measured).",
    },
    "power.none": {
        "de": "Vorsicht: Mit {n} {n:plural:one=Filiale:other=Filialen} lässt sich kein "
        "Zusammenhang schätzen; dafür braucht es mindestens vier Filialen.",
        "en": "Caution: with {n} {n:plural:one=branch:other=branches} no association can be "
        "estimated; that takes at least four branches.",
    },
    "power.enough": {
        "de": "Mit {n} Filialen lassen sich Korrelationen ab |r| = {r} verlässlich erkennen "
        "(Teststärke 80 %).",
        "en": "With {n} branches, correlations from |r| = {r} upwards can be detected reliably "
        "(power 80%).",
    },
    "power.too_few": {
        "de": "Vorsicht: Mit nur {n} Filialen lassen sich erst Korrelationen ab |r| = {r} "
        "verlässlich erkennen (Teststärke 80 %); schon ein mittlerer Zusammenhang (r = "
        "{relevant}) kann unentdeckt bleiben. Ein fehlender Zusammenhang heißt hier nicht, dass es "
        "keinen gibt.",
        "en": "Caution: with only {n} branches, only correlations from |r| = {r} upwards can be "
        "detected reliably (power 80%); even a medium association (r = {relevant}) may go "
        "unnoticed. A missing link here does not mean there is none.",
    },
    "drivers.title": {"de": "Treiber der Kundenbindung", "en": "Drivers of loyalty"},
    "drivers.intro": {
        "de": "Welche Seite des Engagements hängt am stärksten mit der Kundenbindung zusammen? "
        "Filialebene: je Filiale die Mittelwerte der Engagement-Dimensionen.",
        "en": "Which side of engagement relates most to loyalty? Branch level: each branch's "
        "means of the engagement dimensions.",
    },
    "drivers.top": {
        "de": "Stärkster Treiber: **{dimension}** mit {value} Prozentpunkten der erklärten Varianz "
        "[95‑%‑KI {low}; {high}] – {share} % des Erklärten, n = {n} Filialen.",
        "en": "Strongest driver: **{dimension}** with {value} percentage points of explained "
        "variance [95% CI {low}; {high}] – {share}% of what is explained, n = {n} branches.",
    },
    "drivers.method": {
        "de": "Relative Gewichte nach Johnson (2000): Die Dimensionen hängen untereinander "
        "zusammen; das Verfahren teilt die erklärte Varianz trotzdem fair auf. Intervalle: "
        "Bootstrap mit 2.000 Stichproben über Filialen.",
        "en": "Relative weights after Johnson (2000): the dimensions are correlated with each "
        "other; the method still splits the explained variance fairly. Intervals: bootstrap with "
        "2,000 resamples over branches.",
    },
    "drivers.chart_title": {
        "de": "Was die Kundenbindung treibt: relative Gewichte der Engagement-Dimensionen",
        "en": "What drives loyalty: relative weights of the engagement dimensions",
    },
    "drivers.na": {
        "de": "Aus {n} {n:plural:one=Filiale:other=Filialen} mit Engagement und Kundenbindung "
        "lässt sich nicht schätzen, wie viel jede Dimension erklärt; dafür braucht es mindestens "
        "zwei Filialen mehr als Dimensionen (Filialebene).",
        "en": "From {n} {n:plural:one=branch:other=branches} with engagement and loyalty, how much "
        "each dimension explains cannot be estimated; that takes at least two more branches than "
        "dimensions (branch level).",
    },
    "drivers.na_flat": {
        "de": "Aus {n} {n:plural:one=Filiale:other=Filialen} mit Engagement und Kundenbindung "
        "lässt sich nicht schätzen, wie viel jede Dimension erklärt: eine Dimension oder die "
        "Kundenbindung unterscheidet sich zwischen den Filialen nicht (Filialebene).",
        "en": "From {n} {n:plural:one=branch:other=branches} with engagement and loyalty, how much "
        "each dimension explains cannot be estimated: a dimension or loyalty does not differ "
        "between the branches (branch level).",
    },
    "drivers.subtitle": {
        "de": "Anteil an der erklärten Varianz von {loyalty} (R² = {r2} %), 95‑%‑Bootstrap-KI, "
        "n = {n} Filialen (Filialebene)",
        "en": "share of explained variance in {loyalty} (R² = {r2}%), 95% bootstrap CI, "
        "n = {n} branches (branch level)",
    },
    "drivers.axis": {
        "de": "relatives Gewicht (Prozentpunkte R²)",
        "en": "relative weight (percentage points of R²)",
    },
    "quality.rwg_title": {
        "de": "Übereinstimmung innerhalb der Filialen",
        "en": "Agreement within branches",
    },
    "quality.rwg_subtitle": {
        "de": "r<sub>wg(j)</sub> über die Index-Items, {n} {n:plural:one=Filiale:other=Filialen} "
        "mit mindestens {min} Antworten (Mitarbeiterebene); ab 0,70 starke Übereinstimmung",
        "en": "r<sub>wg(j)</sub> over the index items, {n} {n:plural:one=branch:other=branches} "
        "with at least {min} responses (employee level); .70 and above: strong agreement",
    },
    "quality.branches": {"de": "Filialen", "en": "Branches"},
    "nav.methods": {"de": "Methoden & Datenqualität", "en": "Methods & data quality"},
    "nav.drivers": {"de": "Treiber", "en": "Drivers"},
    "methods.title": {"de": "Methoden & Datenqualität", "en": "Methods & data quality"},
    "methods.observational": {
        "de": "Alle Ergebnisse dieser Anwendung sind Zusammenhänge in Beobachtungsdaten: Sie "
        "zeigen, "
        "was zusammen auftritt, nicht was was verursacht. Die Wellenanalyse unten sagt, in welche "
        "Richtung die Daten eher weisen.",
        "en": "Every result in this application is an association in observational data: it shows "
        "what goes together, not what causes what. The wave analysis below says which way the "
        "evidence points.",
    },
    "methods.responses": {"de": "Antworten je Welle", "en": "Responses per wave"},
    "methods.col.wave": {"de": "Welle", "en": "Wave"},
    "methods.col.respondents": {"de": "Antworten", "en": "Responses"},
    "methods.col.headcount": {"de": "Mitarbeitende", "en": "Headcount"},
    "methods.col.rate": {"de": "Rücklauf (%)", "en": "Response rate (%)"},
    "methods.col.counted": {
        "de": "davon in den Engagement-Werten",
        "en": "of them in the engagement figures",
    },
    "methods.counted_help": {
        "de": "Gezählt wird, wer jede Dimension des Index beantwortet hat, die die Welle "
        "abgefragt hat: Index und Dimensionswerte einer Filiale stehen so auf denselben "
        "Antwortenden, und keine einzelne Antwort lässt sich aus ihnen zusammen ausrechnen.",
        "en": "Counted is whoever answered every dimension of the index the wave asked: a "
        "branch's index and dimension values then stand on the same respondents, and no "
        "single answer can be worked out from them together.",
    },
    "methods.col.with_answers": {"de": "Filialen mit Antworten", "en": "Branches with answers"},
    "methods.col.shown": {
        "de": "Filialen mit mind. {min} Antworten",
        "en": "Branches with at least {min} answers",
    },
    "methods.aggregation": {
        "de": "Darf der Filialmittelwert für die Mitarbeitenden stehen?",
        "en": "May the branch mean stand for its employees?",
    },
    "methods.aggregation_help": {
        "de": "Mitarbeiterebene: Wie viel der Unterschiede im Engagement liegt zwischen den "
        "Filialen (ICC), wie verlässlich sind Filialmittelwerte (ICC(2)), wie einig sind sich die "
        "Mitarbeitenden einer Filiale (r_wg(j))?",
        "en": "Employee level: how much of the variation in engagement lies between branches "
        "(ICC), how reliable are branch means (ICC(2)), how much do a branch's employees agree "
        "(r_wg(j))?",
    },
    "methods.icc1_help": {
        "de": "Anteil der Varianz zwischen Filialen (einfaktorielle ANOVA, k = N/J wie im R-Paket "
        "multilevel). Richtwerte: ,01 klein, ,10 mittel, ,25 groß (LeBreton & Senter 2008).",
        "en": "Share of variance between branches (one-way ANOVA, k = N/J as in R's multilevel). "
        "Guide: .01 small, .10 medium, .25 large (LeBreton & Senter 2008).",
    },
    "methods.icc2_help": {
        "de": "Reliabilität der Filialmittelwerte; ab ,70 gelten sie als verlässlich (Bliese "
        "2000).",
        "en": "Reliability of the branch means; .70 and above counts as reliable (Bliese 2000).",
    },
    "methods.mixed_help": {
        "de": "ICC(1) aus dem REML-Nullmodell mit zufälligem Achsenabschnitt; darunter die "
        "mittlere "
        "Reliabilität der Filialmittelwerte.",
        "en": "ICC(1) from the REML random-intercept null model; below it the mean reliability of "
        "the branch means.",
    },
    "methods.group_rel": {
        "de": "mittlere Gruppenreliabilität {value}",
        "en": "mean group reliability {value}",
    },
    "methods.rwg_median": {"de": "r_wg(j), Median", "en": "r_wg(j), median"},
    "methods.rwg_help": {
        "de": "Übereinstimmung innerhalb der Filiale über die Index-Items (James, Demaree & Wolf "
        "1984; Gleichverteilung als Nullmodell). Richtwerte: unter ,30 keine, ,30–,50 schwach, "
        ",51–,70 mäßig, ,71–,90 stark, über ,90 sehr stark.",
        "en": "Agreement within the branch over the index items (James, Demaree & Wolf 1984; "
        "uniform null). Guide: below .30 none, .30–.50 weak, .51–.70 moderate, .71–.90 strong, "
        "above .90 very strong.",
    },
    "methods.rwg_share": {
        "de": "{share} % von {n} {n:plural:one=Filiale:other=Filialen} über ,70",
        "en": "{share}% of {n} {n:plural:one=branch:other=branches} above .70",
    },
    "methods.rwg_none": {
        "de": "keine Filiale mit mindestens {min} Antworten",
        "en": "no branch with at least {min} responses",
    },
    "methods.icc_detail": {
        "de": "Welle {wave}: F = {f}, n = {n} Antworten in {groups} "
        "{groups:plural:one=Filiale:other=Filialen} mit mindestens {min} Antworten "
        "(Mitarbeiterebene). Kleinere Filialen zählen hier nicht mit, auch nicht in der "
        "Reliabilität: Sonst ließen sich ihre Werte aus diesen Kennzahlen und den gezeigten "
        "Filialwerten zurückrechnen.",
        "en": "Wave {wave}: F = {f}, n = {n} responses in {groups} "
        "{groups:plural:one=branch:other=branches} with at least {min} responses (employee "
        "level). Smaller branches do not count here, nor in the reliability: their scores "
        "could otherwise be worked back from these figures and the branches' shown scores.",
    },
    "band.icc1.large": {"de": "großer Filialeffekt", "en": "large branch effect"},
    "band.icc1.medium": {"de": "mittlerer Filialeffekt", "en": "medium branch effect"},
    "band.icc1.small": {"de": "kleiner Filialeffekt", "en": "small branch effect"},
    "band.icc1.none": {"de": "kein Filialeffekt", "en": "no branch effect"},
    "band.icc1.None": {"de": "nicht berechenbar", "en": "cannot be computed"},
    "band.rel.reliable": {"de": "verlässliche Filialmittelwerte", "en": "reliable branch means"},
    "band.rel.unreliable": {
        "de": "Filialmittelwerte mit Vorsicht lesen (unter ,70)",
        "en": "read branch means with care (below .70)",
    },
    "band.rel.None": {"de": "nicht berechenbar", "en": "cannot be computed"},
    "methods.reliability": {
        "de": "Reliabilität der Skalen",
        "en": "Reliability of the scales",
    },
    "methods.counts_purged": {
        "de": "{count:plural:one=Welle:other=Wellen} {waves}: Die einzelnen Antworten wurden nach "
        "Ablauf der Aufbewahrungsfrist gelöscht. Die Zahl der Antworten stammt aus dem "
        "Importprotokoll, die übrigen Zahlen aus den gespeicherten Filialwerten (sie kennen nur "
        "gezählte Antworten).",
        "en": "{count:plural:one=Wave:other=Waves} {waves}: the individual answers were deleted "
        "after the retention period. The number of responses comes from the import record, the "
        "other counts from the saved branch figures (which know only counted responses).",
    },
    "methods.purged": {
        "de": "Die einzelnen Antworten der Welle {wave} wurden nach Ablauf der Aufbewahrungsfrist "
        "gelöscht; die Filialwerte bleiben. Statistiken auf Mitarbeiterebene (ICC, "
        "Übereinstimmung, Reliabilität) gibt es für diese Welle nicht mehr.",
        "en": "The individual answers of wave {wave} were deleted after the retention period; "
        "the branch figures remain. Employee-level statistics (ICC, agreement, reliability) are "
        "no longer available for this wave.",
    },
    "methods.index": {"de": "Engagement-Index (alle Items)", "en": "Engagement index (all items)"},
    "methods.col.scale": {"de": "Skala", "en": "Scale"},
    "methods.col.items": {"de": "Items", "en": "Items"},
    "methods.col.std_alpha": {"de": "α standardisiert", "en": "α standardised"},
    "methods.col.alpha_low": {"de": "α 95‑%‑KI von", "en": "α 95% CI from"},
    "methods.col.alpha_high": {"de": "bis", "en": "to"},
    "methods.ci": {"de": "95‑%‑KI {low}; {high}", "en": "95% CI {low}; {high}"},
    "methods.col.band": {"de": "Bewertung", "en": "Rating"},
    "methods.col.reason": {"de": "Grund", "en": "Reason"},
    "band.alpha.excellent": {"de": "exzellent", "en": "excellent"},
    "band.alpha.good": {"de": "gut", "en": "good"},
    "band.alpha.acceptable": {"de": "akzeptabel", "en": "acceptable"},
    "band.alpha.questionable": {"de": "fragwürdig", "en": "questionable"},
    "band.alpha.poor": {"de": "schwach", "en": "poor"},
    "band.alpha.unacceptable": {"de": "inakzeptabel", "en": "unacceptable"},
    "band.alpha.None": {"de": "nicht berechenbar", "en": "cannot be computed"},
    "methods.reliability_help": {
        "de": "Mitarbeiterebene. Cronbachs α mit paarweise vollständigen Kovarianzen (wie "
        "psych::alpha), "
        "ω total aus einem Ein-Faktor-Modell (Maximum Likelihood); umgepolte Items sind "
        "umkodiert. Nur Antworten aus Filialen mit mindestens {min} Antworten. Richtwerte nach "
        "George & Mallery (2003).",
        "en": "Employee level. Cronbach's α from pairwise-complete covariances (as psych::alpha), "
        "ω total from a one-factor model (maximum likelihood); reverse-keyed items are recoded. "
        "Only responses from branches with at least {min} responses. Bands after George & "
        "Mallery (2003).",
    },
    "methods.exclusions": {
        "de": "Welche Filialen fehlen in welcher Analyse",
        "en": "Which branches each analysis leaves out",
    },
    "methods.exclusions_list": {
        "de": "Alle ausgeschlossenen Filialen",
        "en": "All excluded branches",
    },
    "methods.no_exclusions": {
        "de": "Keine Filiale ist ausgeschlossen.",
        "en": "No branch is left out.",
    },
    "exclusion.no_responses": {
        "de": "keine Antworten in der Befragung",
        "en": "no survey answers",
    },
    "exclusion.below_minimum": {
        "de": "weniger als {min} Antworten: kein Engagement-Wert, nicht in den Engagement-Analysen",
        "en": "fewer than {min} answers: no engagement score, left out of the engagement analyses",
    },
    "exclusion.no_loyalty": {"de": "keine Kundenbindungsdaten", "en": "no loyalty figures"},
    "exclusion.no_finance": {
        "de": "keine Finanzdaten (keine Umsatzrendite)",
        "en": "no financial figures (no return on sales)",
    },
    "methods.direction": {
        "de": "Welche Richtung? Die Wellen im Vergleich",
        "en": "Which way? The waves compared",
    },
    "methods.direction_help": {
        "de": "Kreuzverzögerte Regressionen über aufeinanderfolgende Wellen innerhalb der Filialen "
        "(Filialebene, feste Filialeffekte: stabile Unterschiede zwischen Filialen zählen nicht, "
        "Standardfehler nach Filiale geclustert). Auch sie zeigen "
        "Zusammenhänge, keine Kausalität.",
        "en": "Cross-lagged regressions over consecutive waves within branches (branch level, "
        "branch "
        "fixed effects: stable differences between branches do not count, standard errors "
        "clustered by branch). They too show associations, not causation.",
    },
    "short.engagement": {"de": "Engagement", "en": "engagement"},
    "short.ros": {"de": "Umsatzrendite", "en": "return on sales"},
    "expected.above": {
        "de": "{measure}: {gap} Punkte **über** dem, was das {basis} erwarten lässt "
        "(erwartet {expected}; 95‑%‑Bereich {low} bis {high}).",
        "en": "{measure}: {gap} points **above** what its {basis} predicts (expected {expected}; "
        "95% range {low} to {high}).",
    },
    "expected.below": {
        "de": "{measure}: {gap} Punkte **unter** dem, was das {basis} erwarten lässt "
        "(erwartet {expected}; 95‑%‑Bereich {low} bis {high}).",
        "en": "{measure}: {gap} points **below** what its {basis} predicts (expected {expected}; "
        "95% range {low} to {high}).",
    },
    "expected.outside": {
        "de": "Das liegt außerhalb des 95‑%‑Bereichs: mehr als Zufall.",
        "en": "That is outside the 95% range: more than chance.",
    },
    "expected.na": {
        "de": "{measure}: keine Erwartung berechenbar (fehlende Werte).",
        "en": "{measure}: no expectation can be computed (missing values).",
    },
    "branch.prev": {"de": "Vorherige: {name}", "en": "Previous: {name}"},
    "branch.next": {"de": "Nächste: {name}", "en": "Next: {name}"},
    "branch.back_to_list": {
        "de": "Zur Liste (sortiert nach {sort})",
        "en": "Back to the list (sorted by {sort})",
    },
    "branch.sure.title": {"de": "Wie sicher ist der Wert?", "en": "How sure is the score?"},
    "branch.sure.estimate": {
        "de": "Engagement, um Zufall bereinigt: **{value}** [95‑%‑KI {low}; {high}] "
        "(gemessen {raw}, n = {n} Antworten, Mitarbeiterebene).",
        "en": "Engagement adjusted for chance: **{value}** [95% CI {low}; {high}] "
        "(measured {raw}, n = {n} responses, employee level).",
    },
    "branch.sure.rank": {
        "de": "Rang **{rank}** von {of} [95‑%‑KI Rang {low} bis {high}].",
        "en": "Rank **{rank}** of {of} [95% CI rank {low} to {high}].",
    },
    "branch.sure.help": {
        "de": "Empirische-Bayes-Schätzung: Kleine Filialen werden zum Unternehmensmittel hin "
        "gezogen, weil wenige Antworten mehr Zufall enthalten. Nur Filialen mit genug Antworten.",
        "en": "Empirical-Bayes estimate: small branches are pulled towards the company mean, "
        "because few answers carry more chance. Only branches with enough answers.",
    },
    "branch.sure.purged": {
        "de": "Die einzelnen Antworten dieser Welle wurden nach Ablauf der Aufbewahrungsfrist "
        "gelöscht. Ohne sie lassen sich die Schätzung und der Rang nicht mehr berechnen; die "
        "Filialwerte oben bleiben erhalten.",
        "en": "The individual answers of this wave were deleted after the retention period. "
        "Without them the estimate and the rank can no longer be computed; the branch figures "
        "above remain.",
    },
    "branch.sure.alone": {
        "de": "Die Schätzung braucht mindestens zwei Filialen mit {min} oder mehr Antworten.",
        "en": "The estimate needs at least two branches with {min} or more responses.",
    },
    "branch.expected.title": {
        "de": "Erwartet und tatsächlich",
        "en": "Expected and actual",
    },
    "branch.expected.help": {
        "de": "Filialebene: Regression über alle Filialen der Welle; der 95‑%‑Bereich ist das "
        "Vorhersageintervall (Trichter).",
        "en": "Branch level: regression over all branches of the wave; the 95% range is the "
        "prediction interval (funnel).",
    },
    "branch.peers.title": {"de": "Vergleichsgruppe", "en": "Peer group"},
    "branch.compare_peers": {
        "de": "Mit den {k} ähnlichsten vergleichen",
        "en": "Compare with the {k} most similar",
    },
    "branch.peers.who": {
        "de": "{k} {k:plural:one=Filiale:other=Filialen} derselben Region ({region}) oder "
        "desselben Formats ({format}) mit ähnlich vielen Mitarbeitenden (um {headcount}).",
        "en": "{k} {k:plural:one=branch:other=branches} of the same region ({region}) or format "
        "({format}) with a similar headcount (around {headcount}).",
    },
    "branch.peers.line": {
        "de": "{measure}: diese Filiale {mine}, Vergleichsgruppe {peers}",
        "en": "{measure}: this branch {mine}, peers {peers}",
    },
    "branch.peers.help": {
        "de": "Engagement der Vergleichsgruppe nur aus Filialen mit genug Antworten.",
        "en": "Peer engagement only from branches with enough answers.",
    },
    "branch.focus": {
        "de": "Ansatzpunkt: **{dimension}** liegt {gap} Punkte unter dem Unternehmen und erklärt "
        "{share} % dessen, was Engagement an der Kundenbindung erklärt.",
        "en": "Where to start: **{dimension}** is {gap} points below the company and accounts "
        "for {share}% of what engagement explains of loyalty.",
    },
    "branch.focus_unweighted": {
        "de": "Ansatzpunkt: nicht zu bestimmen – wie stark die Dimensionen die Kundenbindung "
        "erklären, lässt sich aus so wenigen Filialen nicht schätzen (Seite Treiber).",
        "en": "Where to start: cannot be told – how much each dimension explains of loyalty "
        "cannot be estimated from so few branches (Drivers page).",
    },
    "branch.focus_none": {
        "de": "Keine Engagement-Dimension liegt unter dem Unternehmen.",
        "en": "No engagement dimension is below the company.",
    },
    "branches.sort": {"de": "Sortieren nach", "en": "Sort by"},
    "branches.descending": {"de": "absteigend", "en": "descending"},
    "nav.whatif": {"de": "Was wäre, wenn", "en": "What if"},
    "nav.data": {"de": "Daten", "en": "Data"},
    "nav.admin": {"de": "Verwaltung", "en": "Administration"},
    "admin.title": {"de": "Verwaltung", "en": "Administration"},
    "admin.tab.users": {"de": "Benutzer", "en": "Users"},
    "admin.tab.audit": {"de": "Protokoll", "en": "Audit log"},
    "admin.add_user": {"de": "Benutzer anlegen", "en": "Add a user"},
    "admin.role": {"de": "Rolle", "en": "Role"},
    "admin.email": {"de": "E-Mail (für die Anmeldung per OIDC)", "en": "E-mail (for OIDC)"},
    "admin.regions": {
        "de": "Nur diese Regionen (leer: alle)",
        "en": "Only these regions (empty: all)",
    },
    "admin.add": {"de": "Anlegen", "en": "Add"},
    "admin.no_users": {
        "de": "Noch keine Benutzer angelegt.",
        "en": "No users yet.",
    },
    "admin.audit_empty": {
        "de": "Das Protokoll ist noch leer.",
        "en": "The audit log is still empty.",
    },
    "admin.added": {
        "de": "{name} angelegt. Einmal-Passwort (jetzt weitergeben, es wird nicht wieder "
        "angezeigt): {password}",
        "en": "{name} added. One-time password (pass it on now, it is not shown again): {password}",
    },
    "admin.audit_count": {
        "de": "{n} Einträge (die neuesten 1.000 angezeigt; der Export enthält alle).",
        "en": "{n} entries (the latest 1,000 shown; the export holds all).",
    },
    "admin.audit_csv": {"de": "Protokoll als CSV", "en": "Audit log as CSV"},
    "auth.username": {"de": "Benutzername", "en": "User name"},
    "auth.password": {"de": "Passwort", "en": "Password"},
    "auth.sign_in": {"de": "Anmelden", "en": "Sign in"},
    "auth.sign_in_oidc": {
        "de": "Mit dem Firmenkonto anmelden",
        "en": "Sign in with your company account",
    },
    "auth.sign_out": {"de": "Abmelden", "en": "Sign out"},
    "auth.signed_in_as": {"de": "Angemeldet: {name} ({role})", "en": "Signed in: {name} ({role})"},
    "auth.new_password": {"de": "Neues Passwort (mind. 12 Zeichen)", "en": "New password (12+)"},
    "auth.repeat_password": {"de": "Neues Passwort wiederholen", "en": "Repeat the new password"},
    "auth.save_password": {"de": "Passwort speichern", "en": "Save the password"},
    "auth.passwords_differ": {
        "de": "Die beiden Passwörter stimmen nicht überein.",
        "en": "The two passwords differ.",
    },
    "auth.unknown_mode": {
        "de": "Unbekannte Anmeldeart LOYALTY_AUTH={mode}: erlaubt sind none, password, oidc.",
        "en": "Unknown sign-in mode LOYALTY_AUTH={mode}: use none, password or oidc.",
    },
    "data.title": {"de": "Daten importieren und verwalten", "en": "Import and manage data"},
    "data.tab.import": {"de": "Import", "en": "Import"},
    "data.tab.versions": {"de": "Versionen", "en": "Versions"},
    "data.tab.instrument": {"de": "Fragebogen", "en": "Questionnaire"},
    "data.confirm_hidden": {
        "de": "Ja, die neue Version ersetzt die aktive ganz: Die oben genannten Filialen, die in "
        "dieser Datei fehlen, werden danach nicht mehr gezeigt.",
        "en": "Yes, the new version replaces the active one whole: the branches named above "
        "that this file lacks are no longer shown afterwards.",
    },
    "data.kind": {"de": "Was importieren Sie?", "en": "What are you importing?"},
    "data.upload": {
        "de": "Datei (CSV, TSV, Excel, Parquet; Exporte aus Qualtrics, SurveyMonkey, "
        "Microsoft Forms, LimeSurvey)",
        "en": "File (CSV, TSV, Excel, Parquet; exports from Qualtrics, SurveyMonkey, "
        "Microsoft Forms, LimeSurvey)",
    },
    "data.upload_hint": {
        "de": "Laden Sie eine Datei hoch. Nichts wird gespeichert, bevor Sie die Prüfung gesehen "
        "und den Import bestätigt haben.",
        "en": "Upload a file. Nothing is stored before you have seen the check and confirmed the "
        "import.",
    },
    "data.detected": {
        "de": "Erkannt: **{format}**, Kodierung {encoding}, Trennzeichen {delimiter}, Aufbau "
        "{layout}, Kopfzeile in Zeile {header_row}; {rows} Zeilen, {columns} Spalten.",
        "en": "Detected: **{format}**, encoding {encoding}, delimiter {delimiter}, layout "
        "{layout}, header in row {header_row}; {rows} rows, {columns} columns.",
    },
    "data.header_row": {"de": "Kopfzeile (Zeile)", "en": "Header row"},
    "data.header_row_auto": {"de": "automatisch", "en": "automatic"},
    "data.header_row_help": {
        "de": "Die Zeile mit den Spaltennamen, gezählt wie in der Tabellenkalkulation. Leer: "
        "Loyalty findet sie selbst und überspringt Titel und Hinweise über der Tabelle.",
        "en": "The row holding the column names, counted as in the spreadsheet. Empty: Loyalty "
        "finds it and skips a title and notes above the table.",
    },
    "data.layout.plain": {"de": "einfache Tabelle", "en": "plain table"},
    "data.layout.qualtrics": {"de": "Qualtrics-Export", "en": "Qualtrics export"},
    "data.layout.surveymonkey": {"de": "SurveyMonkey-Export", "en": "SurveyMonkey export"},
    "data.layout.msforms": {"de": "Microsoft-Forms-Export", "en": "Microsoft Forms export"},
    "data.layout.limesurvey": {"de": "LimeSurvey-Export", "en": "LimeSurvey export"},
    "data.sheet": {"de": "Tabellenblatt", "en": "Sheet"},
    "data.wave": {"de": "In welche Welle?", "en": "Into which wave?"},
    "data.wave_new": {"de": "neue Welle …", "en": "new wave …"},
    "data.wave_from_file": {"de": "aus einer Spalte der Datei", "en": "from a column of the file"},
    "data.wave_label": {
        "de": "Bezeichnung der neuen Welle (z. B. 2026-H1)",
        "en": "Label of the new wave (e.g. 2026-H1)",
    },
    "data.mapping_saved": {"de": "Zuordnung", "en": "Mapping"},
    "data.mapping_suggested": {"de": "Vorschlag", "en": "Suggestion"},
    "data.mapping": {"de": "Spalten zuordnen", "en": "Map the columns"},
    "data.mapping_help": {
        "de": "Welche Spalte Ihrer Datei enthält was? * = Pflicht. Fragen der Befragung werden "
        "über "
        "den Fragebogen der Welle erkannt (Nummer oder Wortlaut). Die Filiale darf als Nummer "
        "oder Name angegeben sein; hat die Datei keine Filialspalte (ein Befragungslink je "
        "Filiale), ordnen Sie ein „Embedded Data“-Feld zu oder wählen Sie unten die Filiale "
        "für alle Zeilen.",
        "en": "Which column of your file holds what? * = required. Survey questions are found "
        "through the wave's questionnaire (id or wording). The branch may be given by id or "
        "name; if the file has no branch column (one survey link per branch), assign an "
        "“embedded data” field or choose the branch of all rows below.",
    },
    "data.mapping_help_other": {
        "de": "Welche Spalte Ihrer Datei enthält was? * = Pflicht. Die Filiale darf als Nummer "
        "oder Name angegeben sein; hat die Datei keine Filialspalte, wählen Sie unten die "
        "Filiale für alle Zeilen.",
        "en": "Which column of your file holds what? * = required. The branch may be given by "
        "id or name; if the file has no branch column, choose the branch of all rows below.",
    },
    "data.mapping_help_branches": {
        "de": "Welche Spalte Ihrer Datei enthält was? * = Pflicht. Die Filialnummer ist die "
        "Kennung der Filiale: Eine Nummer, die der Datenbestand nicht kennt, legt eine neue "
        "Filiale an.",
        "en": "Which column of your file holds what? * = required. The branch id is the "
        "branch's key: an id the store does not know adds a new branch.",
    },
    "data.one_branch": {
        "de": "Alle Zeilen gehören zur Filiale",
        "en": "All rows belong to branch",
    },
    "data.one_branch_none": {
        "de": "– (die Datei hat eine Filialspalte)",
        "en": "– (the file has a branch column)",
    },
    "data.one_branch_help": {
        "de": "Für Exporte ohne Filialspalte, z. B. wenn jede Filiale ihren eigenen "
        "Befragungslink hat.",
        "en": "For exports without a branch column, e.g. when every branch has its own survey "
        "link.",
    },
    "data.not_in_file": {"de": "– nicht in der Datei –", "en": "– not in the file –"},
    "data.no_versions": {"de": "Noch nichts importiert.", "en": "Nothing imported yet."},
    "data.version_choose": {"de": "Version wählen", "en": "Choose a version"},
    "data.rechecked": {
        "de": "Seit Ihrer Prüfung hat sich der Datenbestand geändert (ein anderer Import, eine "
        "aktivierte oder gelöschte Version oder der Fragebogen). Nichts wurde gespeichert: Die "
        "Datei wurde erneut geprüft. Sehen Sie das Ergebnis unten an und bestätigen Sie erneut.",
        "en": "The stored data changed since your check (another import, a version made "
        "active or deleted, or the questionnaire). Nothing was stored: the file was checked "
        "again. Look at the result below and confirm again.",
    },
    "data.by.demo": {"de": "Loyalty (Demodaten)", "en": "Loyalty (demo data)"},
    "data.source.demo": {
        "de": "Demodaten (Startwert {seed}, {n} Filialen)",
        "en": "demo data (seed {seed}, {n} branches)",
    },
    "data.no_inactive": {
        "de": "Keine frühere Version, die Sie wieder aktiv machen oder löschen können. Eine "
        "frühere Version entsteht, wenn Daten einer Welle erneut importiert werden.",
        "en": "No earlier version you can make active again or delete. An earlier version "
        "appears when a wave's data is imported again.",
    },
    "data.unknown_branches": {
        "de": "Unbekannte Filialnummern",
        "en": "Unknown branch ids",
    },
    "data.unknown.reject": {"de": "als Fehler melden", "en": "report as problems"},
    "data.unknown.skip": {"de": "diese Zeilen auslassen", "en": "skip those rows"},
    "data.unknown.add": {"de": "zur Filialliste hinzufügen", "en": "add them to the branch list"},
    "data.save_mapping": {
        "de": "Zuordnung für die nächste Welle speichern als (optional)",
        "en": "Save the mapping for the next wave as (optional)",
    },
    "data.check": {"de": "Prüfen", "en": "Check"},
    "data.checking": {"de": "Die Datei wird geprüft …", "en": "Checking the file …"},
    "data.recheck": {
        "de": "Sie haben etwas geändert: Prüfen Sie die Datei erneut.",
        "en": "You changed something: check the file again.",
    },
    "data.summary": {
        "de": "{read} {read:plural:one=Zeile:other=Zeilen} gelesen, {valid} gültig, {problems} "
        "{problems:plural:one=Problem:other=Probleme}.",
        "en": "{read} {read:plural:one=row:other=rows} read, {valid} valid, {problems} "
        "{problems:plural:one=problem:other=problems}.",
    },
    "data.summary_unchecked": {
        "de": "{read} {read:plural:one=Zeile:other=Zeilen} gelesen, {problems} "
        "{problems:plural:one=Problem:other=Probleme} mit den Spalten: Die Zeilen werden "
        "geprüft, sobald die Spalten passen.",
        "en": "{read} {read:plural:one=row:other=rows} read, {problems} "
        "{problems:plural:one=problem:other=problems} with the columns: the rows are checked "
        "once the columns fit.",
    },
    "data.rejected": {
        "de": "So kann die Datei nicht gespeichert werden. Nichts wurde gespeichert.",
        "en": "The file cannot be stored like this. Nothing was stored.",
    },
    "data.more": {"de": "… und {n} weitere (siehe CSV)", "en": "… and {n} more (see the CSV)"},
    "data.problems_csv": {"de": "Alle Probleme als CSV", "en": "All problems as CSV"},
    "data.dropped": {
        "de": "Vor dem Speichern entfernt (Datenschutz): {columns}",
        "en": "Removed before storing (privacy): {columns}",
    },
    "data.ignored": {
        "de": "Nicht verwendete Spalten: {columns}",
        "en": "Columns not used: {columns}",
    },
    "data.items_found": {
        "de": "{n} Fragen des Fragebogens erkannt.",
        "en": "{n} questionnaire items found.",
    },
    "data.ready": {
        "de": "Die Prüfung ist bestanden. Vorschau der zu speichernden Daten:",
        "en": "The check passed. Preview of what will be stored:",
    },
    "data.confirm": {"de": "Import bestätigen", "en": "Confirm the import"},
    "data.stored": {
        "de": "Gespeichert: Welle {wave}, Version {version}, {rows} Zeilen. Die Auswertungen "
        "zeigen die neuen Daten.",
        "en": "Stored: wave {wave}, version {version}, {rows} rows. The dashboards show the new "
        "data.",
    },
    "data.col.kind": {"de": "Art", "en": "Kind"},
    "data.col.status": {"de": "Status", "en": "Status"},
    "data.col.rows": {"de": "Zeilen", "en": "Rows"},
    "data.col.when": {"de": "Importiert", "en": "Imported"},
    "data.col.by": {"de": "von", "en": "By"},
    "data.col.source": {"de": "Datei", "en": "File"},
    "data.status.active": {"de": "aktiv", "en": "active"},
    "data.status.deleted": {"de": "gelöscht", "en": "deleted"},
    "data.status.inactive": {"de": "inaktiv", "en": "inactive"},
    "data.purged": {
        "de": "Aufbewahrungsfrist: Die {responses} einzelnen Antworten der Welle {wave} (Ende "
        "{end}) wurden am {date} gelöscht, weil die Welle länger als {months} Monate "
        "zurückliegt. Die Filialwerte dieser Welle bleiben.",
        "en": "Retention period: the {responses} individual answers of wave {wave} (ended "
        "{end}) were deleted on {date} because the wave ended more than {months} months ago. "
        "The wave's branch figures stay.",
    },
    "data.version": {"de": "Version aktiv machen", "en": "Make a version active"},
    "data.version_label": {
        "de": "{kind} {wave}, Version {version} – {status}{rows} Zeilen, {when}",
        "en": "{kind} {wave}, version {version} – {status}{rows} rows, {when}",
    },
    "data.version_activated": {
        "de": "Jetzt aktiv: {label}",
        "en": "Now active: {label}",
    },
    "data.version_deleted": {
        "de": "Gelöscht: {label}; {rows} Datensätze aus dem Datenspeicher entfernt (bei einer "
        "Befragung jede Antwort auf jede Frage).",
        "en": "Deleted: {label}; {rows} records removed from the store (for a survey, each "
        "answer to each question).",
    },
    "data.activate": {"de": "Aktiv machen", "en": "Make active"},
    "data.version_delete": {"de": "Version löschen", "en": "Delete a version"},
    "data.delete_confirm": {
        "de": "Ja, „{label}“ endgültig löschen",
        "en": "Yes, delete “{label}” for good",
    },
    "data.delete": {"de": "Löschen", "en": "Delete"},
    "data.instrument_download": {"de": "Als YAML herunterladen", "en": "Download as YAML"},
    "data.instrument_dimensions": {"de": "Dimensionen", "en": "Dimensions"},
    "data.instrument_items": {
        "de": "Fragen (Zeilen hinzufügen oder ändern; geänderter Wortlaut = neue Frage-ID)",
        "en": "Items (add or change rows; a changed wording needs a new item id)",
    },
    "data.instrument_help": {
        "de": "Ihr eigener Fragebogen: Items mit Wortlaut (deutsch/englisch), Dimension, Skala, "
        "umgepolte Items und welche Items den Engagement-Index bilden – in den Tabellen unten oder "
        "als YAML-/CSV-Datei "
        "(Aufbau in docs/data-model.md). Eine Frage mit geändertem Wortlaut ist eine neue Frage.",
        "en": "Your own questionnaire: items with wording (German/English), dimension, scale, "
        "reverse-keyed items and which items form the engagement index – in the tables below or as "
        "a YAML or CSV file "
        "(format in docs/data-model.md). A question with changed wording is a new question.",
    },
    "data.instrument_upload": {
        "de": "Fragebogen-Datei (YAML oder CSV)",
        "en": "Questionnaire file (YAML or CSV)",
    },
    "data.instrument_wave": {"de": "für die Welle", "en": "for the wave"},
    "data.instrument_save": {"de": "Fragebogen speichern", "en": "Save the questionnaire"},
    "data.instrument_saved": {
        "de": "Fragebogen für {wave} gespeichert ({n} Items).",
        "en": "Questionnaire for {wave} saved ({n} items).",
    },
    "whatif.title": {
        "de": "Was wäre, wenn das Engagement steigt?",
        "en": "What if engagement rose?",
    },
    "whatif.intro": {
        "de": "Wählen Sie Filialen und eine Steigerung des Engagements; die Kette als Modell "
        "sagt, was sich bei Kundenbindung und Rendite erwarten ließe.",
        "en": "Choose branches and a rise in engagement; the chain model says what could be "
        "expected for loyalty and return.",
    },
    "whatif.select": {"de": "Welche Filialen?", "en": "Which branches?"},
    "whatif.rule.bottom_quartile": {
        "de": "das untere Engagement-Viertel",
        "en": "the bottom engagement quartile",
    },
    "whatif.rule.region": {"de": "eine Region", "en": "a region"},
    "whatif.rule.format": {"de": "ein Format", "en": "a format"},
    "whatif.rule.branches": {"de": "einzelne Filialen", "en": "hand-picked branches"},
    "whatif.rule.branches_choose": {"de": "Filialen wählen", "en": "Choose branches"},
    "whatif.rule.all": {"de": "alle Filialen", "en": "all branches"},
    "whatif.delta": {
        "de": "Steigerung des Engagements (Punkte auf der Skala 1–5)",
        "en": "Rise in engagement (points on the 1–5 scale)",
    },
    "whatif.loyalty": {
        "de": "{k} {k:plural:one=Filiale:other=Filialen}, Engagement im Mittel +{delta} Punkte: "
        "{value} {unit} je Filiale "
        "[95‑%‑KI {low}; {high}].",
        "en": "{k} {k:plural:one=branch:other=branches}, engagement up {delta} points on average: "
        "{value} {unit} per branch "
        "[95% CI {low}; {high}].",
    },
    "whatif.ros": {
        "de": "Umsatzrendite: {value} {value:plural:one=Prozentpunkt:other=Prozentpunkte} je "
        "Filiale [95‑%‑KI {low}; {high}].",
        "en": "Return on sales: {value} {value:plural:one=percentage point:other=percentage "
        "points} per branch [95% CI {low}; {high}].",
    },
    "whatif.profit": {
        "de": "Betriebsergebnis zusammen: **{value}** je Halbjahr [95‑%‑KI {low}; {high}] bei "
        "{revenue} Mio. € Umsatz; Bootstrap mit {n_boot} Stichproben über {n} "
        "{n:plural:one=Filiale:other=Filialen} "
        "(Filialebene).",
        "en": "Operating profit together: **{value}** per half-year [95% CI {low}; {high}] on "
        "€{revenue} m revenue; bootstrap with {n_boot} resamples over {n} "
        "{n:plural:one=branch:other=branches} "
        "(branch level).",
    },
    "whatif.left_out": {
        "de": "{k} der gewählten Filialen {k:plural:one=hat:other=haben} zu wenige Antworten für "
        "einen Engagement-Wert und {k:plural:one=bleibt:other=bleiben} außen vor.",
        "en": "{k} of the chosen branches {k:plural:one=has:other=have} too few answers for an "
        "engagement score and {k:plural:one=is:other=are} left out.",
    },
    "whatif.na": {
        "de": "{k} {k:plural:one=Filiale:other=Filialen}, Engagement im Mittel +{delta} Punkte: "
        "keine Schätzung und kein Intervall, denn die Kette als Modell lässt sich aus {n} "
        "{n:plural:one=Filiale:other=Filialen} mit Engagement, Kundenbindung und Rendite nicht "
        "schätzen (Filialebene).",
        "en": "{k} {k:plural:one=branch:other=branches}, engagement up {delta} points on average: "
        "no estimate and no interval, as the chain model cannot be estimated from {n} "
        "{n:plural:one=branch:other=branches} with engagement, loyalty and return (branch level).",
    },
    "whatif.none": {
        "de": "Keine der gewählten Filialen hat einen Engagement-Wert.",
        "en": "None of the chosen branches has an engagement score.",
    },
    "whatif.caution": {
        "de": "Vorsicht: Das beruht auf Zusammenhängen in Beobachtungsdaten, nicht auf einem "
        "Experiment.",
        "en": "Caution: this rests on associations in observational data, not on an experiment.",
    },
    "whatif.chart_title": {
        "de": "Erwartete Änderung des Betriebsergebnisses je Filiale",
        "en": "Expected change in operating profit per branch",
    },
    "whatif.chart_na": {
        "de": "keine Schätzung: die Kette als Modell lässt sich hier nicht schätzen",
        "en": "no estimate: the chain model cannot be estimated here",
    },
    "whatif.chart_subtitle": {
        "de": "zusammen {total}\u00a0€ [95‑%‑KI {low}; {high}], {k} "
        "{k:plural:one=Filiale:other=Filialen} (die {shown} "
        "{shown:plural:one=größte:other=größten} "
        "gezeigt, je mit 95‑%‑KI), Filialebene",
        "en": "together €{total} [95% CI {low}; {high}], {k} {k:plural:one=branch:other=branches} "
        "(the {shown} largest "
        "shown, each with its 95% CI), branch level",
    },
    "whatif.axis": {"de": "€ je Halbjahr", "en": "€ per half-year"},
    "lag.forward": {
        "de": "Innerhalb der Filiale: Engagement jetzt → {loyalty} in der nächsten Welle ({same}): "
        "{value} je Engagement-Punkt [95‑%‑KI {low}; {high}], {n} Wellenpaare aus {units} Filialen "
        "(Filialebene).",
        "en": "Within a branch: engagement now → {loyalty} next wave ({same}): "
        "{value} per "
        "engagement point [95% CI {low}; {high}], {n} wave pairs from {units} branches "
        "(branch level).",
    },
    "lag.backward": {
        "de": "Innerhalb der Filiale: {loyalty} jetzt → Engagement in der nächsten Welle (bei "
        "gleichem Engagement jetzt): "
        "{value} je Punkt [95‑%‑KI {low}; {high}], {n} Wellenpaare aus {units} Filialen.",
        "en": "Within a branch: {loyalty} now → engagement next wave (at equal engagement now): "
        "{value} per point "
        "[95% CI {low}; {high}], {n} wave pairs from {units} branches.",
    },
    "lag.verdict.x_to_y": {
        "de": "Die Daten sprechen für die Richtung Engagement → {loyalty}: Engagement geht der "
        "Kundenbindung voraus, nicht umgekehrt.",
        "en": "The evidence points from engagement to {loyalty}: engagement comes before "
        "loyalty, not the other way round.",
    },
    "lag.verdict.y_to_x": {
        "de": "Die Daten sprechen eher für die umgekehrte Richtung {loyalty} → Engagement.",
        "en": "The evidence points the other way, from {loyalty} to engagement.",
    },
    "lag.verdict.both": {
        "de": "Beide Richtungen zeigen einen Zusammenhang: Engagement und {loyalty} verstärken "
        "sich "
        "womöglich gegenseitig; eine Richtung lässt sich nicht auszeichnen.",
        "en": "Both directions show an association: engagement and {loyalty} may reinforce each "
        "other; no single direction stands out.",
    },
    "lag.verdict.neither": {
        "de": "Keine Richtung zeigt über die Wellen einen belastbaren Zusammenhang.",
        "en": "Neither direction shows a reliable association across waves.",
    },
    "present.prev": {"de": "Zurück", "en": "Back"},
    "present.next": {"de": "Weiter", "en": "Next"},
    "present.counter": {"de": "Schritt {i} von {n}", "en": "Step {i} of {n}"},
    "present.computing": {
        "de": "Wird berechnet … das Diagramm erscheint von selbst, sobald es fertig ist.",
        "en": "Being computed … the chart appears by itself as soon as it is ready.",
    },
    "present.settings": {"de": "Einstellungen", "en": "Settings"},
    "present.export_hint": {
        "de": "Die Geschichte dieser Welle zum Mitnehmen, mit denselben Schwellen wie am "
        "Bildschirm.",
        "en": "This wave's story to take home, with the same thresholds as on screen.",
    },
    "present.build_pptx": {"de": "PowerPoint erstellen", "en": "Build PowerPoint"},
    "present.build_pdf": {"de": "PDF erstellen", "en": "Build PDF"},
    "present.download_pptx": {"de": "PowerPoint herunterladen", "en": "Download PowerPoint"},
    "present.download_pdf": {"de": "PDF herunterladen", "en": "Download PDF"},
    "present.leave": {"de": "Präsentation beenden", "en": "Leave presenter mode"},
    # the branch card's labels: short enough for half the card's width at presenter size
    "present.card.engagement": {"de": "Engagement (1–5)", "en": "Engagement (1–5)"},
    "present.card.nps": {"de": "NPS (Punkte)", "en": "NPS (points)"},
    "present.card.retention": {"de": "Bindung (%)", "en": "Retention (%)"},
    "present.card.ros": {"de": "Rendite (%)", "en": "Return (%)"},
    "present.card_note": {
        "de": "Filialebene, Welle {wave}, {n} Antworten; Abweichung zum Unternehmenswert.",
        "en": "Branch level, wave {wave}, {n} responses; difference to the company value.",
    },
    "present.open_branch": {"de": "Filiale öffnen", "en": "Open the branch"},
    "demo.cli.postgres_force": {
        "de": "{db}: --force ersetzt nur eine DuckDB-Datei; für PostgreSQL die Datenbank löschen "
        "und neu anlegen, dann `loyalty demo` erneut ausführen.",
        "en": "{db}: --force replaces only a DuckDB file; for PostgreSQL drop and create the "
        "database, then run `loyalty demo` again.",
    },
    "demo.cli.nothing_to_do": {
        "de": "{db}: enthält schon Daten, nichts zu tun.",
        "en": "{db}: already holds data, nothing to do.",
    },
    "demo.cli.has_data": {
        "de": "{db} enthält schon Daten. Mit --force durch die Demodaten ersetzen.",
        "en": "{db} already holds data. Use --force to replace it with the demo data.",
    },
    "demo.cli.seeded": {
        "de": "{db}: {branches} {branches:plural:one=Filiale:other=Filialen}, {waves} "
        "{waves:plural:one=Welle:other=Wellen} ({first} … {last}), {responses} "
        "{responses:plural:one=Befragungsantwort:other=Befragungsantworten} ({seconds} s).",
        "en": "{db}: {branches} {branches:plural:one=branch:other=branches}, {waves} "
        "{waves:plural:one=wave:other=waves} ({first} … {last}), {responses} survey "
        "{responses:plural:one=response:other=responses} ({seconds} s).",
    },
    "demo.cli.sample": {"de": "Beispieldatei: {path}", "en": "sample file: {path}"},
    "report.written.pdf": {
        "de": "{path} geschrieben ({size} KB, {pages} {pages:plural:one=Seite:other=Seiten}).",
        "en": "Wrote {path} ({size} KB, {pages} {pages:plural:one=page:other=pages}).",
    },
    "report.written.pptx": {
        "de": "{path} geschrieben ({size} KB, {pages} {pages:plural:one=Folie:other=Folien}).",
        "en": "Wrote {path} ({size} KB, {pages} {pages:plural:one=slide:other=slides}).",
    },
    "report.bad_format": {
        "de": "Unbekanntes Format „{suffix}“: Verwenden Sie .pptx oder .pdf.",
        "en": "Unknown format “{suffix}”: use .pptx or .pdf.",
    },
    "report.bad_wave": {
        "de": "Die Welle „{wave}“ gibt es nicht. Vorhanden: {waves}.",
        "en": "There is no wave “{wave}”. Available: {waves}.",
    },
    "chart.fit": {"de": "Regressionsgerade", "en": "Fitted line"},
    "chart.company": {"de": "Unternehmen", "en": "Company"},
    "chart.branch": {"de": "Filiale", "en": "Branch"},
    "branch.select": {"de": "Filiale suchen", "en": "Find a branch"},
    "branch.none": {"de": "Wählen Sie eine Filiale.", "en": "Choose a branch."},
    "branch.unknown": {"de": "Filiale „{id}“ gibt es nicht.", "en": "There is no branch “{id}”."},
    "branch.caption": {
        "de": "{id} · Region {region} · Format {format} · {headcount} Mitarbeitende · Welle {wave}",
        "en": "{id} · region {region} · format {format} · {headcount} staff · wave {wave}",
    },
    "branch.suppressed": {
        "de": "Weniger als {min} Antworten ({n}) in dieser Welle: Engagement-Werte werden zum "
        "Schutz der Anonymität nicht gezeigt.",
        "en": "Fewer than {min} responses ({n}) in this wave: engagement scores are not shown, "
        "to protect anonymity.",
    },
    "branch.fewer_than": {"de": "weniger als {min} Antworten", "en": "fewer than {min} responses"},
    "branch.dimensions": {
        "de": "Engagement nach Dimension (Mitarbeitendenebene, Mittelwert)",
        "en": "Engagement by dimension (employee level, mean)",
    },
    "branch.trend": {"de": "Entwicklung über die Wellen", "en": "Trend across waves"},
    "branch.churn": {
        "de": "Warum Kunden gehen (Anteil der verlorenen Kunden)",
        "en": "Why customers leave (share of lost customers)",
    },
    "branch.rank": {"de": "Rang {rank} von {of}", "en": "rank {rank} of {of}"},
    "branch.vs_company": {"de": "Unternehmen: {value}", "en": "company: {value}"},
    "metric.interval": {
        "de": "95‑%‑KI {low}–{high}, n = {n} {unit}",
        "en": "95% CI {low}–{high}, n = {n} {unit}",
    },
    "unit.respondents": {"de": "Antworten", "en": "responses"},
    "unit.answers": {"de": "Kundenantworten", "en": "customer answers"},
    "unit.customers": {"de": "Kunden", "en": "customers"},
    "metric.reported": {
        "de": "Finanzkennzahl der Filiale (Vollerhebung)",
        "en": "branch financial figure (full count)",
    },
    "metric.revenue": {"de": "Umsatz {value} €", "en": "revenue €{value}"},
    "reason.price": {"de": "Preis", "en": "Price"},
    "reason.quality": {"de": "Qualität", "en": "Quality"},
    "reason.staff_trust": {"de": "Personal: fehlendes Vertrauen", "en": "Staff: lack of trust"},
    "reason.staff_advice": {"de": "Personal: schlechte Beratung", "en": "Staff: poor advice"},
    "reason.staff_care": {"de": "Personal: schlechte Betreuung", "en": "Staff: poor care"},
    "reason.staff_unfriendly": {"de": "Personal: Unfreundlichkeit", "en": "Staff: unfriendliness"},
    "reason.staff_accommodation": {
        "de": "Personal: wenig Entgegenkommen",
        "en": "Staff: little accommodation",
    },
    "reason.staff_waiting": {"de": "Personal: Wartezeiten", "en": "Staff: waiting times"},
    "reason.other": {"de": "Sonstiges", "en": "Other"},
    "churn.staff_total": {
        "de": "Verhalten des Personals: {branch} % der verlorenen Kunden "
        "(Unternehmen {company} %), n = {n} "
        "{n:plural:one=verlorener Kunde:other=verlorene Kunden}",
        "en": "Staff behaviour: {branch}% of lost customers (company {company}%), n = {n} "
        "{n:plural:one=lost customer:other=lost customers}",
    },
}


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(_LOCALES[lang])


def _operand(value: object, lang: str) -> Decimal | None:
    """The number a plural rule looks at. A formatted number ("1,0", "+9,4", "1.234") keeps
    its visible decimals, which CLDR rules depend on ("1 Punkt" but "1,0 Punkte")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return abs(Decimal(value))
    if isinstance(value, float):
        return abs(Decimal(repr(value))) if math.isfinite(value) else None
    text = str(value).strip().lstrip("+−-").replace("\u202f", "").replace("\xa0", "")
    try:
        return abs(parse_decimal(text, locale=_LOCALES[lang], strict=False))
    except (NumberFormatError, InvalidOperation, ValueError):
        return None


def plural_category(value: object, lang: str) -> str:
    """The CLDR plural category ("one", "other", ...) of ``value`` in ``lang`` (Babel's plural
    rules); a value that is not a number counts as "other"."""
    number = _operand(value, lang)
    return "other" if number is None else _locale(lang).plural_form(number)


def plural(value: object, lang: str, **forms: str) -> str:
    """The form of a word for ``value`` by CLDR plural category, e.g.
    ``plural(1, "de", one="Filiale", other="Filialen")`` → "Filiale"; "other" is required."""
    return forms.get(plural_category(value, lang), forms["other"])


#: Whole-number fields of a message that name something (a file's row, a version, a year)
#: rather than count it: written without thousands separators ("Zeile 12345").
PLAIN_NUMBERS = frozenset({"row", "version", "id", "year", "port", "line", "column"})


class _Count(int):
    """A whole number a message counts with: written in the language's format."""


class _Formatter(string.Formatter):
    """``str.format`` plus one spec for grammatical number: ``{k:plural:one=hat:other=haben}``
    gives the word for the value of ``k`` by the language's CLDR plural rules (not the
    number itself; write ``{k} {k:plural:...}`` for both). A whole number without a spec is
    written with the language's thousands separator ("10.000 Filialen", "10,000 branches"),
    except the fields in :data:`PLAIN_NUMBERS`."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec.startswith("plural:"):
            forms = dict(part.split("=", 1) for part in format_spec[7:].split(":"))
            return plural(value, self.lang, **forms)
        if isinstance(value, _Count) and not format_spec:
            return num(int(value), self.lang, 0)
        return super().format_field(value, format_spec)


def t(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` with ``values`` filled in: the one look-up of every
    text; an unknown key raises ``KeyError``. ``{k:plural:one=…:other=…}`` picks a word's
    grammatical number for ``k`` (CLDR plural rules)."""
    entry = MESSAGES[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    if not values:
        return text
    counted = {
        name: _Count(value)
        if isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
        and name not in PLAIN_NUMBERS
        else value
        for name, value in values.items()
    }
    return _Formatter(lang).format(text, **counted)


def has(key: str) -> bool:
    """Whether the catalogue has ``key`` (for optional variants of a message)."""
    return key in MESSAGES


def cli_language(environ: dict[str, str]) -> str:
    """The command line's language: $LOYALTY_LANG, else the system locale ($LC_ALL, $LANG)."""
    for name in ("LOYALTY_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return pick_language(value, None)
    return DEFAULT_LANGUAGE


def pick_language(requested: str | None, browser_locale: str | None) -> str:
    """An explicit choice wins; else the browser's language if we have it; else German."""
    for candidate in (requested, browser_locale):
        if candidate:
            code = candidate.replace("_", "-").split("-")[0].lower()
            if code in LANGUAGES:
                return code
    return DEFAULT_LANGUAGE


def dimension_names(dimensions, lang: str) -> dict[str, str]:
    """Dimension id → its name in ``lang`` (``dimensions``: the frame of
    :func:`loyalty.analysis.dimensions`, with ``dimension_id``, ``name_de``, ``name_en``)."""
    return dict(zip(dimensions["dimension_id"], dimensions[f"name_{lang}"], strict=True))


def num(value: float | int | None, lang: str, digits: int = 1, sign: bool = False) -> str:
    """A number in the language's format (``1.234,5`` in German); missing values as "–";
    with ``sign`` a positive number gets a "+"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    text = format_decimal(value, format=pattern, locale=_LOCALES[lang])
    return "+" + text if sign and value > 0 and text.strip("0,.") else text


#: How each language writes a date (05.12.2026, 2026-12-05) and a moment to the second.
DATE_FORMATS = {"de": "%d.%m.%Y", "en": "%Y-%m-%d"}
TIME_FORMATS = {"de": "%d.%m.%Y %H:%M:%S", "en": "%Y-%m-%d %H:%M:%S"}


def date(value, lang: str) -> str:
    """A date (or a moment's day) as ``lang`` writes it: 05.12.2026 in German, ISO in English."""
    return value.strftime(DATE_FORMATS[lang])


def percent_suffix(lang: str) -> str:
    """What follows a percentage in ``lang``: " %" in German (a no-break space, as DIN 5008 and
    Babel's pattern have it), "%" in English."""
    return "\u00a0%" if lang == "de" else "%"


def euros(value: float | None, lang: str, digits: int = 0, sign: bool = False) -> str:
    """An amount in euros as the language writes it: "+822.333 €" (a no-break space before the
    sign of the currency) in German, "+€822,333" in English; missing as "–"."""
    text = num(None if value is None else abs(value), lang, digits)
    if text == "–":
        return text
    shown = bool(text.strip("0,."))  # not rounded to 0
    # "-" as num() writes the interval's bounds beside it ("-5 € [95-%-KI -20; -1]")
    mark = "-" if value < 0 and shown else ("+" if sign and value > 0 and shown else "")
    return f"{mark}{text}\u00a0€" if lang == "de" else f"{mark}€{text}"


def signed(value: float | None, lang: str, digits: int = 2) -> str:
    text = num(value, lang, digits)
    return text if text.startswith(("-", "–")) else text.replace("-", "−", 1)


def separators(lang: str) -> tuple[str, str]:
    """The language's decimal mark and thousands separator (Babel's, as in :func:`num`)."""
    locale = _LOCALES[lang]
    return get_decimal_symbol(locale), get_group_symbol(locale)


def plotly_separators(lang: str) -> str:
    """Plotly's ``layout.separators``: decimal mark then thousands separator."""
    return "".join(separators(lang))


#: Words for a correlation's size and sign (``strength.*``, ``direction.*`` messages).
STRENGTHS = ("none", "weak", "moderate", "strong")
DIRECTIONS = ("none", "pos", "neg")


def strength_words(r: float, lang: str) -> str:
    """Plain words for a correlation's size (Cohen 1988: .1 weak, .3 moderate, .5 strong)."""
    size = abs(r)
    strength = STRENGTHS[(size >= 0.1) + (size >= 0.3) + (size >= 0.5)]
    direction = "none" if strength == "none" else ("pos" if r > 0 else "neg")
    return " ".join(
        t(
            "link.strength",
            lang,
            strength=t(f"strength.{strength}", lang),
            direction=t(f"direction.{direction}", lang),
        ).split()
    )


#: The message dicts kept beside their modules, registered into the one catalogue.
AREAS: dict[str, Mapping[str, Mapping[str, str]]] = {
    "loyalty.users_messages": users_messages.MESSAGES,
    "loyalty.actions_messages": actions_messages.MESSAGES,
    "loyalty.importing.messages": reading_messages.MESSAGES,
    "loyalty.importing.validate_messages": validate_messages.MESSAGES,
}


def register(area: str, messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add an area's messages to the catalogue; a key that is already there is an error (one
    key, one text)."""
    clash = sorted(MESSAGES.keys() & messages.keys())
    if clash:
        raise ValueError(f"{area} defines keys the catalogue already has: {clash}")
    MESSAGES.update({key: dict(entry) for key, entry in messages.items()})


#: How many keys loyalty/i18n.py itself defines (the rest come from AREAS).
OWN_KEYS = len(MESSAGES)
for _area, _messages in AREAS.items():
    register(_area, _messages)


def worded(codes: pl.Series, word: Callable[[str], str]) -> pl.Series:
    """``codes`` (what the product stores: a reason, a role, an action, an actor) in the
    words ``word`` gives each; each distinct value worded once, not per row (1,500 excluded
    branches at 10,000 need one lookup per reason); nulls stay null."""
    values = codes.drop_nulls().unique().to_list()
    return codes.replace_strict(values, [word(v) for v in values], return_dtype=pl.String)
