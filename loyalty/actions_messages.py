"""Texts of action plans and their effect (German and English).

Kept beside :mod:`loyalty.actions` like :mod:`loyalty.users_messages`; the keys are namespaced
(``actions.``) and join ``i18n.MESSAGES`` (see ``i18n._merge_module_messages``), so ``i18n.t``
finds them too.
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
        "de": "{n} Maßnahme(n), {branches} Filiale(n)",
        "en": "{n} action(s), {branches} branch(es)",
    },
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
        "de": "Unbekannte Filiale(n): {value}. Importieren Sie zuerst die Filialliste.",
        "en": "Unknown branch(es): {value}. Import the branch list first.",
    },
    "actions.error.out_of_scope": {
        "de": "{n} Filiale(n) liegen außerhalb Ihres Bereichs ({branches}); Maßnahmen dürfen Sie "
        "nur für Ihre Filialen erfassen.",
        "en": "{n} branch(es) lie outside your scope ({branches}); you may record actions only "
        "for your branches.",
    },
    "actions.error.unknown": {
        "de": "Es gibt keine Maßnahme mit der Nummer {id}.",
        "en": "There is no action with id {id}.",
    },
}


def message(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang`` (German if missing) with ``values`` filled in."""
    entry = MESSAGES[key]
    text = entry.get(lang) or entry["de"]
    return text.format(**values) if values else text
