"""Which file column holds which canonical field: a suggestion from header synonyms.

:func:`normalise_header` is the one comparison key for headings (also used by the validator to
match item columns against the instrument): Unicode-normalised, case-folded, umlauts written
out (``ä`` → ``ae``, ``ß`` → ``ss``) and every character that is not a letter or digit removed,
so ``"Filial-Nr."``, ``"filial nr"`` and ``"FILIAL_NR"`` are all ``"filialnr"``.

:func:`suggest_mapping` ranks the candidate (field, column) pairs and assigns greedily, each
column to at most one field:

1. exact: the header's key equals a synonym's key (also when umlauts were dropped, as in
   ``"Geschaftsstelle"``);
2. with units removed: the same after dropping a bracketed part or a currency unit
   (``"Umsatz (EUR)"``, ``"Umsatz in €"``);
3. contained: the synonym's words appear, in order, among at most two further words of the
   header (``"Anzahl aktive Kunden"``) — only for synonyms of four or more letters.

A heading that names a scale (``"Umsatz (Tsd. €)"``, ``"Revenue kEUR"``) only matches exactly:
its numbers are in thousands or millions, and a suggestion would store them off by that factor.

Within a level an earlier synonym of a field wins (``Filiale`` before ``Standort``), then the
field order, then the column order. The result is deterministic; the user confirms it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from loyalty.schema import FIELDS, field_names

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_UNITS = re.compile(r"(?:\bin\s+)?(?:\beur\b|\beuro\b|€)\s*$", re.IGNORECASE)
#: A heading with a scale (thousands, millions) is never matched with its unit removed: the
#: numbers would be off by that factor.
_SCALES = re.compile(r"tsd|tausend|thousand|mio|million|mrd|\bk€|\bt€|\bkeur\b|\bteur\b", re.I)


#: Headings and synonyms are folded once each (a file's 20 headings meet ~60 synonyms).
_FOLDED = 8192


@lru_cache(maxsize=_FOLDED)
def fold_text(text: str) -> str:
    """Case-folded, umlauts written out (``ä`` → ``ae``), other accents dropped."""
    text = unicodedata.normalize("NFKC", str(text)).casefold().translate(_UMLAUTS)
    # letters with other accents lose them (é → e); the umlauts were written out above
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@lru_cache(maxsize=_FOLDED)
def normalise_header(text: str) -> str:
    """The comparison key of a heading: ``"Geschäfts-Stelle "`` → ``"geschaeftsstelle"``."""
    return _NON_ALNUM.sub("", fold_text(text))


@lru_cache(maxsize=_FOLDED)
def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _NON_ALNUM.split(fold_text(text)) if w)


def _dropped_umlauts(key: str) -> str:
    """``"geschaeftsstelle"`` and ``"geschaftsstelle"`` compare equal through this form."""
    return key.replace("ae", "a").replace("oe", "o").replace("ue", "u")


#: Synonyms per field, strongest first. The field name itself is always a synonym.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "branch_id": (
        "Filiale",
        "Filial-Nr",
        "Filialnummer",
        "Filial-ID",
        "Filialcode",
        "Filialkennung",
        "Store",
        "Store ID",
        "Store No",
        "Store number",
        "Branch",
        "Branch ID",
        "Branch No",
        "Branch number",
        "Markt",
        "Markt-Nr",
        "Marktnummer",
        "Niederlassung",
        "Geschäftsstelle",
        "Standort",
        "Standort-Nr",
    ),
    "wave": (
        "Welle",
        "Wave",
        "Befragungswelle",
        "Erhebungswelle",
        "Survey wave",
        "Periode",
        "Period",
        "Zeitraum",
        "Berichtszeitraum",
        "Reporting period",
        "Halbjahr",
        "Half-year",
    ),
    "tenure_band": (
        "Betriebszugehörigkeit",
        "Tenure",
        "Tenure band",
        "Dauer der Betriebszugehörigkeit",
        "Unternehmenszugehörigkeit",
        "Beschäftigungsdauer",
        "Years of service",
    ),
    "role": (
        "Funktion",
        "Rolle",
        "Role",
        "Position",
        "Tätigkeit",
        "Tätigkeitsbereich",
        "Job role",
        "Arbeitsbereich",
        "Bereich",
        "Abteilung",
        "Department",
    ),
    "respondent_id": (
        "Respondent ID",
        "ResponseId",
        "Response ID",
        "Antwort ID",
        "Befragten-ID",
        "Teilnehmer-ID",
        "Fragebogen-Nr",
        "Fragebogennummer",
        "Bogen-Nr",
        "ID",
    ),
    "active_customers": (
        "Aktive Kunden",
        "Kundenzahl",
        "Anzahl Kunden",
        "Kunden aktiv",
        "Active customers",
        "Customer count",
        "Customers",
    ),
    "retained_customers": (
        "Gehaltene Kunden",
        "Wiederkäufer",
        "Wiederkehrende Kunden",
        "Gebundene Kunden",
        "Retained",
        "Retained customers",
        "Returning customers",
    ),
    "promoters": ("Promotoren", "Promoter", "Promoters", "NPS Promotoren"),
    "passives": ("Passive", "Passives", "Indifferente", "NPS Passive"),
    "detractors": ("Detraktoren", "Kritiker", "Detractors", "Detraktor", "NPS Detraktoren"),
    "churn_price": ("Abwanderung Preis", "Abwanderungsgrund Preis", "Preis", "Price"),
    "churn_quality": ("Abwanderung Qualität", "Qualität", "Quality"),
    "churn_staff_trust": ("Mangelndes Vertrauen", "Vertrauen", "Lack of trust", "Trust"),
    "churn_staff_advice": ("Schlechte Beratung", "Beratung", "Poor advice", "Advice"),
    "churn_staff_care": ("Schlechte Betreuung", "Betreuung", "Poor care", "Care"),
    "churn_staff_unfriendly": ("Unfreundlichkeit", "Unfreundlich", "Unfriendliness"),
    "churn_staff_accommodation": (
        "Geringes Entgegenkommen",
        "Entgegenkommen",
        "Little accommodation",
        "Accommodation",
    ),
    "churn_staff_waiting": ("Wartezeiten", "Wartezeit", "Waiting times", "Waiting time"),
    "churn_other": ("Sonstige", "Sonstiges", "Andere Gründe", "Other"),
    "revenue": (
        "Umsatz",
        "Revenue",
        "Nettoumsatz",
        "Umsatz netto",
        "Umsatzerlöse",
        "Erlöse",
        "Net sales",
        "Net revenue",
        "Sales",
    ),
    "gross_margin": (
        "Rohertrag",
        "Deckungsbeitrag",
        "Gross margin",
        "Bruttomarge",
        "Rohgewinn",
        "DB I",
    ),
    "operating_profit": (
        "Betriebsergebnis",
        "EBIT",
        "Operating profit",
        "Operatives Ergebnis",
        "Operating income",
    ),
    "name": ("Name", "Filialname", "Filialbezeichnung", "Bezeichnung", "Branch name", "Store name"),
    "region": ("Region", "Gebiet", "Verkaufsgebiet", "Bezirk", "Area"),
    "format": ("Format", "Typ", "Vertriebsform", "Filialtyp", "Filialformat", "Store type", "Type"),
    "headcount": (
        "Mitarbeiter",
        "Mitarbeiterzahl",
        "Anzahl Mitarbeiter",
        "Headcount",
        "Köpfe",
        "Beschäftigte",
        "Employees",
        "Staff",
    ),
}


@lru_cache(maxsize=_FOLDED)
def _unitless(text: str) -> str:
    if _SCALES.search(text):
        return ""
    return normalise_header(_UNITS.sub("", _BRACKETS.sub(" ", text).strip()))


def _contains(header: tuple[str, ...], synonym: tuple[str, ...]) -> bool:
    n = len(synonym)
    if not n or len(header) > n + 2:
        return False
    return any(header[i : i + n] == synonym for i in range(len(header) - n + 1))


def _level(column: str, synonym: str) -> int:
    """3 exact, 2 with units removed, 1 contained, 0 no match (see the module docstring)."""
    key, syn = normalise_header(column), normalise_header(synonym)
    if not key or not syn:
        return 0
    if key == syn or _dropped_umlauts(key) == _dropped_umlauts(syn):
        return 3
    bare = _unitless(column)
    if bare and (bare == syn or _dropped_umlauts(bare) == _dropped_umlauts(syn)):
        return 2
    if len(syn) >= 4 and not _SCALES.search(column) and _contains(_words(column), _words(synonym)):
        return 1
    return 0


def suggest_mapping(columns: Sequence[str], kind: str) -> dict[str, str | None]:
    """A column for every canonical field of ``kind`` (``None`` where nothing fits).

    >>> suggest_mapping(["Filial-Nr.", "Umsatz (EUR)", "EBIT", "Rohertrag"], "finance")
    ... # doctest: +NORMALIZE_WHITESPACE
    {'branch_id': 'Filial-Nr.', 'wave': None, 'revenue': 'Umsatz (EUR)',
     'gross_margin': 'Rohertrag', 'operating_profit': 'EBIT'}
    """
    if kind not in FIELDS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {sorted(FIELDS)}")
    return assign(columns, field_names(kind), SYNONYMS)


def assign(
    columns: Sequence[str], fields: Sequence[str], synonyms_of: dict[str, tuple[str, ...]]
) -> dict[str, str | None]:
    """The best column for each of ``fields`` by the synonyms in ``synonyms_of`` (each column
    used once, strongest match first); also for lists that are not an import kind (actions).

    >>> assign(["Zuständig", "Beginn"], ["owner", "start_date"], {"owner": ("Zuständig",)})
    {'owner': 'Zuständig', 'start_date': None}
    """
    candidates: list[tuple[int, int, int, int]] = []
    for f_index, field in enumerate(fields):
        synonyms = (*synonyms_of.get(field, ()), field)
        for c_index, column in enumerate(columns):
            best: tuple[int, int] | None = None
            for s_rank, synonym in enumerate(synonyms):
                level = _level(column, synonym)
                if level and (best is None or (level, -s_rank) > (best[0], -best[1])):
                    best = (level, s_rank)
            if best is not None:
                candidates.append((-best[0], best[1], f_index, c_index))
    result: dict[str, str | None] = dict.fromkeys(fields)
    used: set[int] = set()
    for _neg_level, _rank, f_index, c_index in sorted(candidates):
        field = fields[f_index]
        if result[field] is None and c_index not in used:
            result[field] = columns[c_index]
            used.add(c_index)
    return result
