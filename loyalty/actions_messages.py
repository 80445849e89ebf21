"""Texts of action plans and their effect (German and English).

Kept beside :mod:`loyalty.actions` like :mod:`loyalty.users_messages`; the keys are namespaced
(``actions.``) and are registered into the one catalogue (``i18n.AREAS``); look them up with
``i18n.t``.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "nav.actions": {"de": "Maßnahmen", "en": "Actions"},
    "actions.title": {"de": "Maßnahmen und ihre Wirkung", "en": "Actions and their effect"},
    "actions.intro": {
        "de": "Was Filialen nach einer Befragung tun, und ob es etwas verändert hat: jede "
        "Maßnahme zielt auf eine Dimension des Engagements. Die Wirkung vergleicht Filialen mit "
        "Maßnahme mit vergleichbaren Filialen ohne (Differenz-von-Differenzen).",
        "en": "What branches do after a survey, and whether it changed anything: each action "
        "targets one engagement dimension. The effect compares branches with an action against "
        "comparable branches without one (difference-in-differences).",
    },
    "actions.tab.list": {"de": "Maßnahmen", "en": "Actions"},
    "actions.tab.effect": {"de": "Wirkung", "en": "Effect"},
    "actions.tab.record": {"de": "Erfassen und ändern", "en": "Record and change"},
    "actions.tab.import": {"de": "Import", "en": "Import"},
    "actions.none": {
        "de": "Keine Maßnahmen für diese Auswahl.",
        "en": "No actions for this selection.",
    },
    "actions.count": {
        "de": "{n} {n:plural:one=Maßnahme:other=Maßnahmen}, "
        "{branches} {branches:plural:one=Filiale:other=Filialen}",
        "en": "{n} {n:plural:one=action:other=actions}, "
        "{branches} {branches:plural:one=branch:other=branches}",
    },
    "actions.filter.any": {"de": "alle", "en": "all"},
    "actions.filter.region": {"de": "Region", "en": "Region"},
    "actions.filter.dimension": {"de": "Dimension", "en": "Dimension"},
    "actions.filter.status": {"de": "Status", "en": "Status"},
    "actions.filter.wave": {"de": "Begonnen in Welle", "en": "Started in wave"},
    "actions.status.planned": {"de": "geplant", "en": "planned"},
    "actions.status.running": {"de": "läuft", "en": "running"},
    "actions.status.done": {"de": "abgeschlossen", "en": "done"},
    "actions.status.dropped": {"de": "abgebrochen", "en": "dropped"},
    "actions.target.branch": {"de": "Filiale", "en": "Branch"},
    "actions.target.region": {"de": "Region", "en": "Region"},
    "actions.target.format": {"de": "Format", "en": "Format"},
    "actions.target.list": {"de": "Filialliste", "en": "Branch list"},
    "actions.field.dimension_id": {"de": "Dimension", "en": "Dimension"},
    "actions.field.title": {"de": "Was wird getan?", "en": "What is done?"},
    "actions.field.owner": {"de": "Verantwortlich", "en": "Owner"},
    "actions.field.start_date": {"de": "Beginn", "en": "Start"},
    "actions.field.status": {"de": "Status", "en": "Status"},
    "actions.field.target_type": {"de": "Für", "en": "For"},
    "actions.field.target_value": {
        "de": "Filiale, Region, Format oder Liste",
        "en": "Branch, region, format or list",
    },
    "actions.field.list_hint": {
        "de": "Filial-IDs, durch Komma getrennt (z. B. B012, B031)",
        "en": "Branch ids separated by commas (e.g. B012, B031)",
    },
    "actions.form.new": {"de": "Neue Maßnahme", "en": "New action"},
    "actions.form.edit": {"de": "Maßnahme ändern", "en": "Change an action"},
    "actions.form.pick": {"de": "Welche Maßnahme?", "en": "Which action?"},
    "actions.form.save": {"de": "Speichern", "en": "Save"},
    "actions.form.suggested": {
        "de": "Vorschlag aus „Wo anfangen?“ für {branch}: {dimension}",
        "en": "Suggested by “where to start” for {branch}: {dimension}",
    },
    "actions.saved": {
        "de": "Maßnahme {id} gespeichert (Version {version}).",
        "en": "Action {id} saved (version {version}).",
    },
    "actions.unchanged": {"de": "Nichts geändert.", "en": "Nothing changed."},
    "actions.read_only": {
        "de": "Ihre Rolle darf Maßnahmen lesen, aber nicht erfassen oder ändern.",
        "en": "Your role may read actions but not record or change them.",
    },
    "actions.history": {"de": "Verlauf von Maßnahme {id}", "en": "History of action {id}"},
    "actions.download_csv": {"de": "CSV herunterladen", "en": "Download CSV"},
    "actions.download_xlsx": {"de": "Excel herunterladen", "en": "Download Excel"},
    "actions.branch.heading": {"de": "Maßnahmen dieser Filiale", "en": "Actions of this branch"},
    "actions.branch.none": {
        "de": "Für diese Filiale ist keine Maßnahme erfasst.",
        "en": "No action is recorded for this branch.",
    },
    "actions.branch.link": {"de": "Alle Maßnahmen", "en": "All actions"},
    "actions.outcome.dimension": {
        "de": "Dimension der Maßnahme (1–5)",
        "en": "Targeted dimension (1–5)",
    },
    "actions.outcome.engagement": {"de": "Engagement-Index (1–5)", "en": "Engagement index (1–5)"},
    "actions.outcome.nps": {"de": "NPS (Punkte)", "en": "NPS (points)"},
    "actions.outcome.retention": {"de": "Kundenbindung (%-Punkte)", "en": "Retention (% points)"},
    "actions.outcome.ros": {"de": "Umsatzrendite (%-Punkte)", "en": "Return on sales (% points)"},
    "actions.group.all": {"de": "Alle Maßnahmen", "en": "All actions"},
    "actions.col.group": {"de": "Maßnahmen zu", "en": "Actions on"},
    "actions.col.outcome": {"de": "Veränderung in", "en": "Change in"},
    "actions.col.estimate": {
        "de": "Mehr als vergleichbare Filialen [95‑%‑KI]",
        "en": "More than comparable branches [95% CI]",
    },
    "actions.col.naive": {
        "de": "Vorher/nachher allein [95‑%‑KI]",
        "en": "Before/after alone [95% CI]",
    },
    "actions.col.n_treated": {"de": "n Filialen mit", "en": "n branches with"},
    "actions.col.n_control": {"de": "n vergleichbare ohne", "en": "n comparable without"},
    "actions.too_few": {
        "de": "zu wenige Filialen",
        "en": "too few branches",
    },
    "actions.horizon": {
        "de": "Wellen nach der letzten Befragung vor dem Beginn",
        "en": "Waves after the last survey before the start",
    },
    "actions.horizon_help": {
        "de": "1 = die Welle, in der die Maßnahme begann. Kundenbindung folgt dem Engagement "
        "mit einer Welle Verzögerung (Methoden-Seite); für NPS und Rendite ist 2 aussagekräftiger.",
        "en": "1 = the wave in which the action started. Loyalty follows engagement a wave "
        "later (Methods page); for NPS and return, 2 says more.",
    },
    "actions.outcome_pick": {"de": "Im Diagramm", "en": "In the chart"},
    "actions.chart.did": {
        "de": "gegenüber vergleichbaren Filialen (95‑%‑KI)",
        "en": "against comparable branches (95% CI)",
    },
    "actions.chart.naive": {"de": "vorher/nachher allein", "en": "before/after alone"},
    "actions.chart.x": {
        "de": "{outcome}: Veränderung<br>{k} {k:plural:one=Welle:other=Wellen} nach der letzten "
        "Befragung vor dem Beginn",
        "en": "{outcome}: change<br>{k} {k:plural:one=wave:other=waves} after the last survey "
        "before the start",
    },
    "actions.caution": {
        "de": "Vorsicht: Maßnahmen werden nicht zufällig verteilt. Filialen wählen sie, weil "
        "sie schlecht abgeschnitten haben, und schlechte Werte steigen oft von selbst wieder "
        "(Regression zur Mitte). Deshalb vergleichen wir mit Filialen ohne Maßnahme, die vorher "
        "gleich standen (Region, Format, Größe, Ausgangswert). Das ist ein Vergleich, kein "
        "Beweis: Was die Filialen sonst noch unterscheidet, kann mitwirken.",
        "en": "Caution: actions are not randomised. Branches choose them because they scored "
        "low, and low scores often rise again by themselves (regression to the mean). So we "
        "compare with branches without an action that stood where they stood before (region, "
        "format, size, starting level). This is a comparison, not proof: whatever else "
        "differs between the branches may play a part.",
    },
    "actions.method": {
        "de": "Differenz-von-Differenzen auf Filialebene: Veränderung der Filialen mit "
        "Maßnahme (laufend oder abgeschlossen) minus Veränderung vergleichbarer Filialen ohne "
        "begonnene Maßnahme, bereinigt um den Ausgangswert; Bootstrap über Filialen "
        "({n_boot} Ziehungen). Filialen mit weniger als {min} Antworten in einer der beiden "
        "Wellen zählen nicht mit. Je weiter nach dem Beginn, desto eher unterschätzt der "
        "Vergleich: Filialen, die später eine Maßnahme beginnen, fehlen dann bei den "
        "Vergleichsfilialen.",
        "en": "Difference-in-differences at branch level: the change of branches with an "
        "action (running or done) minus the change of comparable branches without a started "
        "action, adjusted for the starting level; bootstrap over branches ({n_boot} "
        "resamples). Branches with fewer than {min} responses in either wave are left out. "
        "The further from the start, the more the comparison tends to underestimate: branches "
        "that start an action later drop out of the comparison.",
    },
    "actions.story.title": {
        "de": "Was wir getan haben und was es verändert hat",
        "en": "What we did and what it changed",
    },
    "actions.story.did": {
        "de": "{n} {n:plural:one=Maßnahme:other=Maßnahmen} erfasst: {running} "
        "{running:plural:one=läuft:other=laufen}, {done} abgeschlossen, {planned} "
        "geplant, {dropped} abgebrochen.",
        "en": "{n} {n:plural:one=action:other=actions} recorded: {running} running, {done} done, "
        "{planned} planned, "
        "{dropped} dropped.",
    },
    "actions.story.pending": {
        "de": "Der Vergleich mit Filialen ohne Maßnahme wird für die aktuellen Daten gerade "
        "berechnet; er erscheint hier, sobald er fertig ist.",
        "en": "The comparison with branches without an action is still being computed for "
        "the current data; it appears here as soon as it is ready.",
    },
    "actions.computing": {
        "de": "Der Vergleich wird für die aktuellen Daten gerade berechnet; er erscheint hier "
        "von selbst, sobald er fertig ist.",
        "en": "The comparison is being computed for the current data; it appears here by "
        "itself as soon as it is ready.",
    },
    "actions.story.none": {
        "de": "Für einen Vergleich gibt es noch zu wenige Maßnahmen mit einer Befragung davor "
        "und danach.",
        "en": "There are too few actions with a survey before and after them to compare yet.",
    },
    "actions.story.all": {
        "de": "Filialen mit Maßnahme legten in der Dimension der Maßnahme {dim} Punkte mehr zu "
        "als vergleichbare Filialen ohne; NPS eine Welle später {nps} Punkte "
        "(n = {n_t} Filialen mit, {n_c} ohne).",
        "en": "Branches with an action gained {dim} points more in the dimension it targeted "
        "than comparable branches without; NPS a wave later {nps} points "
        "(n = {n_t} branches with, {n_c} without).",
    },
    "actions.story.group": {
        "de": "{group}: {dim}; NPS {nps} (n = {n_t}/{n_c})",
        "en": "{group}: {dim}; NPS {nps} (n = {n_t}/{n_c})",
    },
    "actions.caution_short": {
        "de": "Maßnahmen werden nicht zufällig verteilt, sondern dort ergriffen, wo Werte "
        "niedrig waren: ein Vergleich mit Filialen, die vorher gleich standen, kein Beweis.",
        "en": "Actions are not randomised but taken where scores were low: a comparison with "
        "branches that stood where they stood before, not proof.",
    },
    "col.action_id": {"de": "Nr.", "en": "No."},
    "col.dimension": {"de": "Dimension", "en": "Dimension"},
    "col.title": {"de": "Maßnahme", "en": "Action"},
    "col.owner": {"de": "Verantwortlich", "en": "Owner"},
    "col.start_date": {"de": "Beginn", "en": "Start"},
    "col.wave": {"de": "Welle", "en": "Wave"},
    "col.status_label": {"de": "Status", "en": "Status"},
    "col.target": {"de": "Für", "en": "For"},
    "col.version": {"de": "Version", "en": "Version"},
    "col.source": {"de": "Quelle", "en": "Source"},
    "col.dimension_id": {"de": "Dimension", "en": "Dimension"},
    "col.status": {"de": "Status", "en": "Status"},
    "col.target_type": {"de": "Zielart", "en": "Target kind"},
    "col.target_value": {"de": "Ziel", "en": "Target"},
    "col.n_branches": {"de": "Filialen", "en": "Branches"},
    "col.changed_by": {"de": "Zuletzt geändert von", "en": "Last changed by"},
    "col.changed_at": {"de": "Zuletzt geändert am", "en": "Last changed at"},
    "actions.mode": {"de": "Was möchten Sie tun?", "en": "What would you like to do?"},
    "actions.mode.new": {"de": "Neue Maßnahme erfassen", "en": "Record a new action"},
    "actions.mode.edit": {"de": "Bestehende Maßnahme ändern", "en": "Change an existing action"},
    "actions.pick_row": {
        "de": "Wählen Sie eine Zeile, um den Verlauf der Maßnahme zu sehen.",
        "en": "Select a row to see the action's history.",
    },
    "actions.error.dimension": {
        "de": "Unbekannte Dimension „{value}“; erwartet: {expected}.",
        "en": "Unknown dimension “{value}”; expected: {expected}.",
    },
    "actions.error.empty": {
        "de": "Das Feld „{field}“ ist leer; bitte ausfüllen.",
        "en": "The field “{field}” is empty; please fill it in.",
    },
    "actions.error.too_long": {
        "de": "Das Feld „{field}“ ist länger als {max} Zeichen; bitte kürzen.",
        "en": "The field “{field}” is longer than {max} characters; please shorten it.",
    },
    "actions.error.status": {
        "de": "Unbekannter Status „{value}“; erwartet: {expected}.",
        "en": "Unknown status “{value}”; expected: {expected}.",
    },
    "actions.error.date": {
        "de": "„{value}“ ist kein Datum; erwartet: JJJJ-MM-TT oder TT.MM.JJJJ.",
        "en": "“{value}” is not a date; expected: YYYY-MM-DD or DD.MM.YYYY.",
    },
    "actions.error.target_type": {
        "de": "Unbekannte Zielart „{value}“; erwartet: {expected}.",
        "en": "Unknown target kind “{value}”; expected: {expected}.",
    },
    "actions.error.no_branches": {
        "de": "„{value}“ ({kind}) umfasst keine Filiale; bitte eine bestehende Region, ein "
        "Format oder Filial-IDs angeben.",
        "en": "“{value}” ({kind}) covers no branch; give an existing region, format or branch ids.",
    },
    "actions.error.unknown_branch": {
        "de": "Unbekannte {n:plural:one=Filiale:other=Filialen}: {value}. Importieren Sie zuerst "
        "die Filialliste.",
        "en": "Unknown {n:plural:one=branch:other=branches}: {value}. Import the branch list "
        "first.",
    },
    "actions.error.out_of_scope": {
        "de": "{n} {n:plural:one=Filiale liegt:other=Filialen liegen} außerhalb Ihres Bereichs "
        "({branches}); Maßnahmen dürfen Sie nur für Ihre Filialen erfassen.",
        "en": "{n} {n:plural:one=branch lies:other=branches lie} outside your scope ({branches}); "
        "you may record actions only for your branches.",
    },
    "actions.error.unmapped": {
        "de": "Keine Spalte für das Pflichtfeld „{field}“ gewählt; bitte zuordnen.",
        "en": "No column chosen for the required field “{field}”; please map one.",
    },
    "actions.import.row": {"de": "Zeile", "en": "Row"},
    "actions.import.column": {"de": "Spalte", "en": "Column"},
    "actions.import.value": {"de": "Wert", "en": "Value"},
    "actions.import.problem": {"de": "Problem und Erwartung", "en": "Problem and expected"},
    "actions.import.hint": {
        "de": "Eine Zeile je Maßnahme: Filiale (oder Region, Format, Filial-IDs mit Komma), "
        "Dimension, Maßnahme, Verantwortlich, Beginn (2025-03-01 oder 01.03.2025), Status "
        "(geplant, läuft, abgeschlossen, abgebrochen). Gespeichert wird nur eine Datei ohne "
        "Probleme, ganz oder gar nicht.",
        "en": "One row per action: branch (or region, format, branch ids with commas), "
        "dimension, action, owner, start (2025-03-01 or 01.03.2025), status (planned, running, "
        "done, dropped). Only a file without problems is stored, whole or not at all.",
    },
    "actions.import.file": {"de": "Datei (CSV oder Excel)", "en": "File (CSV or Excel)"},
    "actions.import.map": {"de": "Spalte für „{field}“", "en": "Column for “{field}”"},
    "actions.import.none": {"de": "(keine)", "en": "(none)"},
    "actions.import.rejected": {
        "de": "{n} {n:plural:one=Problem:other=Probleme}: Es wurde nichts gespeichert. "
        "Korrigieren Sie die Datei und laden Sie sie erneut hoch.",
        "en": "{n} {n:plural:one=problem:other=problems}: nothing was stored. Correct the file "
        "and upload it again.",
    },
    "actions.import.ready": {
        "de": "{n} {n:plural:one=Maßnahme:other=Maßnahmen} geprüft und bereit.",
        "en": "{n} {n:plural:one=action:other=actions} checked and ready.",
    },
    "actions.import.confirm": {"de": "Import bestätigen", "en": "Confirm the import"},
    "actions.import.done": {
        "de": "{n} {n:plural:one=Maßnahme:other=Maßnahmen} gespeichert.",
        "en": "{n} {n:plural:one=action:other=actions} stored.",
    },
    "actions.error.unknown": {
        "de": "Es gibt keine Maßnahme mit der Nummer {id}.",
        "en": "There is no action with id {id}.",
    },
}
