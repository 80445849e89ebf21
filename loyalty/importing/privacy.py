"""Columns that identify people and must not be stored (engagement surveys are anonymous).

:func:`identifying_columns` decides by the heading first, then — when a frame is given — by the
content. Headings are compared by :func:`loyalty.importing.mapping.normalise_header` (so
``"IP Address"``, ``"IPAddress"`` and ``"ip_address"`` are one key):

* **exact names** for words that are harmless inside longer headings: ``Name``, ``Vorname``,
  ``ID``, ``id``, ``seed``, ``Latitude`` … (``"Filialname"`` is *not* a person's name, ``"Store
  ID"`` not a response id);
* **contained words** where a short heading (at most four words) containing them is personal:
  ``email``/``e-mail``, ``ipaddress``/``ip-adresse``, ``telefon``/``phone``, ``useragent``,
  ``customdata``. Longer headings are question texts (Microsoft Forms, LimeSurvey): "Ich berate
  Kunden auch am Telefon" is a survey item, not a phone number.

The reasons are the codes of :data:`COLUMN_REASONS` (message ``privacy.<code>`` in
:mod:`loyalty.importing.messages`). With
``frame``, columns not flagged by their heading are checked by content over their first 10,000
non-empty values: e-mail addresses (≥ 50 % of values), IPv4/IPv6 addresses (≥ 80 %),
timestamps with a time of day (≥ 80 %), and free text (:func:`looks_like_free_text`).

The rules are written for survey (engagement) files; a branch list's ``Name`` column is a
branch name and callers do not check such files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from loyalty.importing.likert import label_value
from loyalty.importing.mapping import normalise_header
from loyalty.importing.numbers import parse_numbers

#: Why a column identifies a person (message ``privacy.<code>``).
COLUMN_REASONS = (
    "ip_address",
    "email",
    "name",
    "phone",
    "location",
    "response_id",
    "external_id",
    "timestamp",
    "technical",
    "free_text",
)

_EXACT: dict[str, tuple[str, ...]] = {
    "ip_address": ("IP", "IPAddress", "IP Address", "ipaddr", "IP-Adresse", "Client IP"),
    "email": ("Email", "E-Mail", "Mail", "RecipientEmail", "Email Address"),
    "name": (
        "Name",
        "First Name",
        "Last Name",
        "Full Name",
        "Your name",
        "Vorname",
        "Nachname",
        "Vor- und Nachname",
        "Ihr Name",
        "Ihr Name (freiwillig)",
        "Ihr Name (optional)",
        "Name (freiwillig)",
        "Name (optional)",
        "Your name (optional)",
        "Familienname",
        "Mitarbeitername",
        "Employee name",
        "Teilnehmername",
        "Participant name",
        "RecipientFirstName",
        "RecipientLastName",
        "Respondent name",
    ),
    "location": (
        "LocationLatitude",
        "LocationLongitude",
        "Latitude",
        "Longitude",
        "Lat",
        "Lon",
        "Lng",
        "Breitengrad",
        "Längengrad",
        "Geolocation",
        "GPS",
        "Koordinaten",
        "Coordinates",
    ),
    "response_id": (
        "ResponseId",
        "Response ID",
        "Respondent ID",
        "RespondentId",
        "Collector ID",
        "CollectorId",
        "ID",
        "Antwort ID",
        "Befragten-ID",
        "Sammler-ID",
        "Submission ID",
        "Participant ID",
        "Teilnehmer-ID",
        "_id",
    ),
    "phone": ("Tel", "Tel.", "Handy", "Mobil", "Mobile", "Cell", "Cell phone"),
    "external_id": (
        "ExternalReference",
        "ExternalDataReference",
        "External ID",
        "Token",
        "Personalnummer",
        "Personal-Nr",
        "Mitarbeiternummer",
        "Mitarbeiter-ID",
        "Employee ID",
        "Employee number",
        "Staff ID",
        "Staff number",
        "Login",
        "Username",
        "Benutzername",
        "User ID",
    ),
    "timestamp": (
        "StartDate",
        "EndDate",
        "RecordedDate",
        "Start Date",
        "End Date",
        "Start time",
        "Completion time",
        "Last modified time",
        "submitdate",
        "startdate",
        "datestamp",
        "Date submitted",
        "Date started",
        "Date last action",
        "Startzeit",
        "Fertigstellungszeit",
        "Zeitpunkt der letzten Änderung",
        "Datum Abgeschickt",
        "Datum gestartet",
        "Datum letzte Aktivität",
        "Startdatum",
        "Enddatum",
        "Timestamp",
        "Zeitstempel",
        "Submitted at",
        "Created at",
        "Erstellt am",
        "Abgeschickt am",
    ),
    "technical": (
        "User Agent",
        "Browser",
        "Browser Version",
        "Operating System",
        "Betriebssystem",
        "Screen Resolution",
        "Bildschirmauflösung",
        "refurl",
        "Referrer URL",
        "Referrer-URL",
        "Referer",
        "seed",
        "Zufallsstartwert",
        "Device",
        "Gerät",
    ),
}

#: Parts of a heading of up to four words that make it identifying wherever they stand
#: ("Nachname/Abteilung", "Vor-/Nachname", "Pers.-Nr.", "Client IP"); "name" alone is none
#: of them ("Filialname" names a branch).
_CONTAINED: dict[str, tuple[str, ...]] = {
    "email": ("email", "emailadresse", "emailaddress", "mailadresse"),
    "ip_address": ("ipaddress", "ipadresse"),
    "phone": ("telefon", "phone", "handynummer", "mobilnummer", "mobilfunknummer"),
    "name": (
        *("nachname", "vorname", "familienname", "surname", "lastname", "firstname"),
        "familyname",
    ),
    "technical": ("useragent",),
    "external_id": (
        *("customdata", "benutzerdefiniertedaten", "personalnummer", "personalnr"),
        *("persnr", "mitarbeiternummer", "mitarbeiternr"),
    ),
}

_BY_KEY: dict[str, str] = {
    normalise_header(name): reason for reason, names in _EXACT.items() for name in names
}

_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# IPv4; IPv6 in full (eight groups) or shortened with "::" (so "14:30:00" is not an address)
_IP = (
    rf"^(?:{_OCTET}\.){{3}}{_OCTET}$"
    r"|^(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}$"
    r"|^[0-9A-Fa-f:]*::[0-9A-Fa-f:]*$"
)
_TIMESTAMP = (
    r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}"
    r"|^\d{1,2}\.\d{1,2}\.\d{2,4},?\s+\d{1,2}:\d{2}"
    r"|^\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}"
)
_SAMPLE = 10_000


def reason_by_name(column: str) -> str | None:
    """The privacy reason code for a heading alone, or ``None``."""
    key = normalise_header(column)
    if not key:
        return None
    if key in _BY_KEY:
        return _BY_KEY[key]
    if len(column.split()) > 4:
        return None
    for reason, words in _CONTAINED.items():
        if any(word in key for word in words):
            return reason
    return None


def _sampled(column: str) -> pl.Expr:
    """A column's first 10,000 non-empty values, stripped, as distinct values ``v`` with how
    often each occurs (``n``), in one list cell: every share below is judged once per
    distinct value."""
    values = pl.col(column).cast(pl.String).str.strip_chars().replace("", None).drop_nulls()
    return values.head(_SAMPLE).alias("v").value_counts(name="n").implode().alias(column)


def _counted_columns(frame: pl.DataFrame, columns: Sequence[str]) -> dict[str, pl.DataFrame]:
    """:func:`_sampled` for several columns of ``frame``, in one pass."""
    if not columns:
        return {}
    cells = frame.select(_sampled(c) for c in columns)
    return {c: cells[c].explode().struct.unnest() for c in columns}


def _counted(series: pl.Series) -> pl.DataFrame:
    return _counted_columns(series.rename("v").to_frame(), ["v"])["v"]


def reason_by_content(series: pl.Series) -> str | None:
    """The privacy reason code judged from the values alone (see the module docstring)."""
    return _reason_of(_counted(series))


def _reason_of(counted: pl.DataFrame) -> str | None:
    """:func:`reason_by_content` over a column's sampled distinct values and their counts."""
    if counted.is_empty():
        return None
    shares = counted.select(
        ((pl.col("v").str.contains(pattern) * pl.col("n")).sum() / pl.col("n").sum()).alias(str(i))
        for i, pattern in enumerate((_EMAIL, _IP, _TIMESTAMP))
    ).row(0)
    for reason, share, needed in zip(
        ("email", "ip_address", "timestamp"), shares, (0.5, 0.8, 0.8), strict=True
    ):
        if share >= needed:
            return reason
    if _free_text(counted):
        return "free_text"
    return None


def looks_like_free_text(series: pl.Series) -> bool:
    """Whether a column holds free text (comments) rather than codes, numbers or scale words.

    Over the first 10,000 non-empty values: values that are numbers (in either decimal
    convention) or known Likert words are set aside. The column is free text when

    * at least 5 values remain and they are at least half of all values,
    * at least half of the remaining values are distinct (codes and categories repeat), and
    * they are long: on average at least 20 characters, or at least half of them have three or
      more words.
    """
    return _free_text(_counted(series))


def _free_text(counted: pl.DataFrame) -> bool:
    """:func:`looks_like_free_text` over the sample's distinct values and their counts."""
    total = counted["n"].sum()
    if total < 5:
        return False
    # Shortcuts, each implying a False below (the remaining values are a subset of at least
    # half of them): few distinct values (codes, scale points), or nothing long or wordy.
    if counted.height * 4 < total:
        return False
    values = counted["v"]
    words = values.str.count_matches(r"\S+")
    if values.str.len_chars().max() < 20 and not (words >= 3).any():
        return False
    numeric = (
        parse_numbers(values, ",")[0].is_not_null() | parse_numbers(values, ".")[0].is_not_null()
    )
    distinct = values.to_list()
    likert_words = (
        {v for v in distinct if label_value(v, 1, 5) != "unknown"}
        if len(distinct) <= 200
        else set()
    )
    text = counted.with_columns(words.alias("words")).filter(
        ~numeric & ~values.is_in(list(likert_words))
    )
    n = text["n"].sum()
    if n < 5 or n * 2 < total:
        return False
    if text.height * 2 < n:
        return False
    long_enough = (text["v"].str.len_chars() * text["n"]).sum() / n >= 20
    wordy = text.filter(pl.col("words") >= 3)["n"].sum() / n >= 0.5
    return bool(long_enough or wordy)


def identifying_columns(
    columns: Sequence[str],
    question_texts: Mapping[str, str] | None = None,
    layout: str = "plain",
    *,
    frame: pl.DataFrame | None = None,
) -> list[tuple[str, str]]:
    """(column, reason code) for every column that identifies a person, in column order.

    A heading is judged by itself and, where the layout gave one, by its question text (a
    SurveyMonkey ``"Email Address"`` column or a question ``"Ihre E-Mail-Adresse"``). ``layout``
    is accepted for the record: the rules hold for every layout. With ``frame``, the other
    columns are also judged by content.
    """
    del layout  # the same rules for every layout (see the docstring)
    question_texts = question_texts or {}
    by_name: dict[str, str | None] = {}
    for column in columns:
        reason = reason_by_name(column)
        if reason is None and question_texts.get(column):
            reason = reason_by_name(question_texts[column])
        by_name[column] = reason
    # the other columns by content, sampled in one pass over the frame
    unnamed = [c for c, r in by_name.items() if r is None and frame is not None and c in frame]
    counted = _counted_columns(frame, list(dict.fromkeys(unnamed))) if frame is not None else {}
    found: list[tuple[str, str]] = []
    for column in columns:
        reason = by_name[column]
        if reason is None and column in counted:
            reason = _reason_of(counted[column])
        if reason is not None:
            found.append((column, reason))
    return found


# --- stored texts -------------------------------------------------------------------------------
# Every text the import stores beside the numbers (an engagement file's tenure band and job
# area; a branch list's id, name, region and format) passes these checks. A category label is
# short and shared by many respondents; a value that looks like an e-mail, a phone number, an IP
# address, a person's name or a sentence is refused with its row and column, and nothing is
# stored (the importer fixes the file or maps another column).

#: The longest text stored as a category (tenure band, job area) or branch attribute.
MAX_TEXT_LENGTH = 60
#: Distinct values a category may have: one per minimum group of respondents, at least
#: ``MIN_CATEGORY_LIMIT`` (small files), never more than ``MAX_CATEGORIES``.
MIN_CATEGORY_LIMIT = 12
MAX_CATEGORIES = 50

#: An e-mail address anywhere in a value, also without a top-level domain ("anna@firma") or
#: with "(at)" for "@" ("anna.schmidt(at)firma.de").
_EMAIL_INSIDE = r"[^@\s]+@[^@\s]+|(?i)\S+\s?[(\[]at[)\]]\s?\S+\.\S+"
#: A phone number as the whole value: digits and the signs a number is written with, with at
#: least :data:`_PHONE_DIGITS` digits ("541 1234567").
_PHONE = r"^\+?[\d\s()/.\-]+$"
_PHONE_DIGITS = 9
#: A phone number inside a value: a run from a 0 or + that starts a word ("Kasse 0171
#: 2345678", "Tel. +49 (541) 123-4567", "(0171) 2345678"), with at least :data:`_PHONE_DIGITS`
#: digits once :data:`_NOT_PHONE` is taken out.
_PHONE_INSIDE = r"(?:^|[^\w+])(?:\+|0)[\d\s()/.\-]*\d"
#: What no phone number is: dates ("01.01.2020", "2024-03-31"), numbers in thousands
#: ("10.000", "1.000.000") and the dash of a range ("20000 - 29999", "2023–2024").
_NOT_PHONE = (
    r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,3}(?:\.\d{3})+\b"
    r"|\s[-–—]\s|[–—]"
)
#: An IPv4 address, or an IPv6 address in full, anywhere in a value ("Kasse PC 192.168.10.23");
#: a shortened IPv6 address only as the whole value (:data:`_IP`).
_IP_INSIDE = (
    rf"(?:^|[^\d.])(?:{_OCTET}\.){{3}}{_OCTET}(?:$|[^\d.]|\.$|\.\D)"
    r"|(?:^|[^0-9A-Fa-f:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?:$|[^0-9A-Fa-f:])"
)
#: Common first names (German and English). As the first of a two-word value ("Anna Schmidt",
#: "Schmidt, Anna") each of them makes the value a person's name.
FIRST_NAMES = frozenset(
    [
        # German, of people aged about 18 to 65
        *("achim", "ahmet", "alexander", "ali", "alina", "amelie", "andrea", "andreas"),
        *("angela", "angelika", "anja", "anna", "anne", "annika", "anton", "antje", "armin"),
        *("astrid", "axel", "ayse", "ayşe", "barbara", "ben", "benjamin", "bernd", "bernhard"),
        *("bianca", "birgit", "björn", "brigitte", "carina", "carolin", "caroline", "carsten"),
        *("charlotte", "christian", "christiane", "christina", "christine", "christoph"),
        *("clara", "claudia", "corinna", "dagmar", "daniel", "daniela", "david", "dennis"),
        *("diana", "dieter", "dirk", "dominik", "doris", "elena", "elias", "elif", "elisabeth"),
        *("emil", "emilia", "emma", "erik", "erika", "eva", "fabian", "fatma", "felix", "finn"),
        *("florian", "frank", "franziska", "gabriele", "gerhard", "gisela", "greta", "günter"),
        *("günther", "hanna", "hannah", "hannes", "hans", "harald", "heike", "heiko", "heinz"),
        *("helga", "helmut", "henrik", "holger", "horst", "ines", "ingo", "ingrid", "jakob"),
        *("jan", "jana", "janina", "jannik", "jennifer", "jens", "jessica", "joachim"),
        *("johanna", "johannes", "jonas", "jonathan", "jörg", "josef", "julia", "julian"),
        *("jürgen", "jutta", "kai", "karin", "karl", "katharina", "kathrin", "katja", "katrin"),
        *("kerstin", "kevin", "klara", "klaus", "lara", "lars", "laura", "lea", "lena"),
        *("leon", "leonie", "lina", "lisa", "luca", "luis", "luisa", "lukas", "maja", "malte"),
        *("manfred", "manuela", "marc", "marcel", "marco", "marcus", "maren", "maria", "marie"),
        *("mario", "marion", "markus", "martin", "martina", "marvin", "matthias", "max"),
        *("maximilian", "mehmet", "melanie", "mia", "michael", "michelle", "miriam", "monika"),
        *("moritz", "murat", "mustafa", "nadine", "natalie", "nele", "nico", "nicole", "niklas"),
        *("nils", "nina", "noah", "norbert", "olaf", "oliver", "patrick", "paul", "paula"),
        *("peter", "petra", "philipp", "pia", "rainer", "ralf", "renate", "rené", "robin"),
        *("roland", "rolf", "sabine", "sabrina", "sandra", "sarah", "sascha", "sebastian"),
        *("silke", "simon", "simone", "sonja", "sophia", "sophie", "stefan", "stefanie"),
        *("steffen", "stephan", "susanne", "sven", "svenja", "tanja", "theo", "thomas"),
        *("thorsten", "till", "tim", "timo", "tina", "tobias", "tom", "torsten", "ulrike"),
        *("ursula", "ute", "uwe", "vanessa", "verena", "volker", "werner", "wolfgang", "yvonne"),
        # English
        *("james", "john", "robert", "william", "richard", "joseph", "charles", "mary"),
        *("patricia", "jennifer", "linda", "elizabeth", "susan", "karen", "nancy", "emily"),
        *("olivia", "george", "jack", "harry", "oscar"),
    ]
)
#: First names that are also ordinary words or abbreviations ("seit Jan 2020", "Max. 2 Jahre",
#: "frank", "till", "Kai", "Horst", "Erika", "jack"): only the whole-value rule uses them.
AMBIGUOUS_FIRST_NAMES = frozenset(["erika", "frank", "horst", "jack", "jan", "kai", "max", "till"])
#: Common German surnames that are no ordinary word, job or retail area and no first name
#: (not Fischer, Schneider, Koch, Klein, Lange, Bauer, Zimmermann, Richter, Wolf …): each makes
#: a value a person's name wherever it stands as a capitalised word ("Kasse Müller").
SURNAMES = frozenset(
    [
        *("baumann", "becker", "berger", "böhm", "brandt", "haas", "hartmann", "herrmann"),
        *("hoffmann", "hofmann", "huber", "kaya", "köhler", "krause", "krüger", "kuhn"),
        *("lehmann", "maier", "mayer", "meier", "meyer", "möller", "müller", "neumann"),
        *("peters", "pohl", "schäfer", "schmid", "schmidt", "schmitt", "schmitz", "scholz"),
        *("schröder", "schubert", "schulte", "schulz", "schulze", "voigt", "wagner", "weber"),
        *("winkler", "wolff", "yilmaz"),
        # Turkish, common in Germany
        # (lists in lower case with i for ı and İ: :func:`_folded`)
        *("arslan", "aydin", "çelik", "celik", "demir", "özdemir", "öztürk", "şahin", "sahin"),
        "yildiz",
    ]
)
#: Capitalised words that make a survey category a person's name wherever they stand.
NAME_WORDS = (FIRST_NAMES - AMBIGUOUS_FIRST_NAMES) | SURNAMES
#: A capitalised word or one in capitals ("Anna", "ANNA", "Ayşe"); an underscore separates
#: words here ("Kasse_Anna_Schmidt": see :func:`_looks_like_a_name`).
_WORD = r"\b\p{Lu}\p{Ll}+\b|\b\p{Lu}{2,}\b"
#: A login as the whole value: a first name or an initial, a dot or underscore, a word
#: ("anna.schmidt", "a.mueller", "anna_s").
_LOGIN = r"^(\p{Ll}+)[._]\p{Ll}+$"
_INITIAL_LOGIN = r"^\p{Ll}\.\p{Ll}{3,}$"
_NAME_COMMA = r"^[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?,\s*[A-ZÄÖÜ][a-zäöüß]+$"
#: The same in capitals ("SCHMIDT, ANNA"): a name when the word after the comma is a first
#: name (:data:`FIRST_NAMES`; "IT, HR" is none).
_CAPS_COMMA = r"^\p{Lu}{2,}(?:-\p{Lu}{2,})?,\s*(\p{Lu}{2,})$"
#: "First Last" as the whole value (the first word is then looked up in FIRST_NAMES).
_TWO_WORDS = r"^(\S+)\s+\p{L}[\p{L}'\-]*$"
#: A salutation starting the value, as written in a name ("Frau Müller", "HERR MEIER"; not
#: "MS Office Support").
_SALUTATION = r"^(?:Herrn?|HERRN?|Frau|FRAU|Hr\.|Fr\.|Mr\.?|Mrs\.?|Ms\.?|Dr\.)\s+[A-ZÄÖÜ]"
#: A salutation anywhere ("Kasse bei Herrn Weber", "Lager (Fr. Meyer)"), or an initial before a
#: capitalised word ("Ltg. L. Fischer"), at the start or after a space, bracket or punctuation.
_SALUTATION_INSIDE = (
    r"(?:^|[\s(\[,;:/])"
    r"(?:(?:(?:Herrn?|Frau|Mrs?|Ms)\.?\s+|(?:Hr|Fr|Dr)\.\s*|[A-ZÄÖÜ]\.\s*)[A-ZÄÖÜ][a-zäöüß]"
    r"|(?:HERRN?|FRAU)\s+\p{Lu}{2})"
)
#: Abbreviations and ordinals whose full stop ends no sentence ("Stellv. Filialleitung",
#: "Max. 2 Jahre", "z. B.", "Azubi 1. Lehrjahr", "1-2 J. Betriebszugehörigkeit", "1 - 3 yrs."):
#: taken out before the salutation and sentence rules look at a value.
_ABBREVIATION = (
    r"(?i)\b(?:z\.\s*b|u\.\s*a|d\.\s*h|stellv|max|min|mind|ca|bzw|inkl|ggf|evtl|abt|ltg|nr"
    r"|std|jan|feb|mär|apr|jun|jul|aug|sep|sept|okt|nov|dez|approx|dept|asst|incl|no|j|yrs?"
    r"|\d{1,2})\."
)
_SENTENCE = r"[.!?;]\s+\S|[.!?]$"
_MAX_WORDS = 6


#: Why :func:`text_reasons` refuses a text (each ``import.problem.identifying_<reason>``).
TEXT_REASONS = ("too_long", "email", "ip", "phone", "name", "free_text")


def _folded(word: pl.Expr) -> pl.Expr:
    """A word in lower case as the name lists write it: Turkish dotless ı as i, and the dot
    that lower-casing İ leaves as a combining mark taken off ("YILMAZ", "Yılmaz", "DEMİR")."""
    return word.str.to_lowercase().str.replace_all("ı", "i").str.replace_all("\u0307", "")


def _looks_like_a_name(value: pl.Expr) -> pl.Expr:
    """Whether a survey category holds a person's name: the whole value "Schmidt, Anna" or
    "Anna Schmidt" (a first name of :data:`FIRST_NAMES`), a salutation or an initial before a
    capitalised word anywhere ("Kasse bei Herrn Weber", "L. Fischer"), or a capitalised word
    of :data:`NAME_WORDS` anywhere ("Verkauf (Anna Müller)", "Verkauf/Anna", "Kasse Müller"),
    also in capitals ("SCHMIDT, ANNA", "Kasse ANNA", "Lager FRAU ÖZDEMIR") or joined by
    underscores ("Kasse_Anna_Schmidt"), or a login as the whole value ("anna.schmidt",
    "a.mueller"). A surname alone that is also an ordinary word ("Lager (Fischer)") is not
    recognised."""
    first = _folded(value.str.extract(_TWO_WORDS, 1))
    plain = value.str.replace_all(_ABBREVIATION, "")
    words = (
        value.str.replace_all("_", " ")
        .str.extract_all(_WORD)
        .list.eval(_folded(pl.element()).is_in(sorted(NAME_WORDS)))
    )
    login = value.str.extract(_LOGIN, 1)
    return (
        value.str.contains(_NAME_COMMA)
        | _folded(value.str.extract(_CAPS_COMMA, 1)).is_in(sorted(FIRST_NAMES))
        | value.str.contains(_SALUTATION)
        | first.is_in(sorted(FIRST_NAMES))
        | plain.str.contains(_SALUTATION_INSIDE)
        | words.list.any()
        | login.is_in(sorted(FIRST_NAMES))
        | value.str.contains(_INITIAL_LOGIN)
    )


def text_reasons(values: pl.Series, *, names: bool = True, length: bool = True) -> pl.Series:
    """Per value: why it may not be stored (``too_long``, ``email``, ``phone``, ``ip``,
    ``name``, ``free_text``) or null. ``names``: also look for a person's name
    (:func:`_looks_like_a_name`; category labels: a branch may well be called after a person
    or a street). ``length``: a category's length and words count (``too_long``,
    ``free_text``; not for a question's wording or a file's name, which are then searched
    whole for the rest). Each distinct value is judged once (a category column of a million
    answers holds a handful)."""
    s = values.cast(pl.String).str.strip_chars()
    frame = pl.DataFrame({"v": s.unique()})
    reason = pl.when(pl.col("v").is_null()).then(None)
    if length:
        reason = reason.when(pl.col("v").str.len_chars() > MAX_TEXT_LENGTH).then(pl.lit("too_long"))
    plain = pl.col("v").str.replace_all(_NOT_PHONE, " | ")
    reason = (
        reason.when(pl.col("v").str.contains(_EMAIL_INSIDE))
        .then(pl.lit("email"))
        .when(pl.col("v").str.contains(_IP) | pl.col("v").str.contains(_IP_INSIDE))
        .then(pl.lit("ip"))
        .when(
            (plain.str.contains(_PHONE) & (plain.str.count_matches(r"\d") >= _PHONE_DIGITS))
            | plain.str.extract_all(_PHONE_INSIDE)
            .list.eval(pl.element().str.count_matches(r"\d") >= _PHONE_DIGITS)
            .list.any()
        )
        .then(pl.lit("phone"))
    )
    if names:
        reason = reason.when(_looks_like_a_name(pl.col("v")).fill_null(False)).then(pl.lit("name"))
    if length:
        words = pl.col("v").str.count_matches(r"\S+")
        sentence = pl.col("v").str.replace_all(_ABBREVIATION, "").str.contains(_SENTENCE)
        reason = reason.when((sentence & (words >= 3)) | (words > _MAX_WORDS)).then(
            pl.lit("free_text")
        )
    judged = frame.select("v", reason.otherwise(None).cast(pl.String).alias("reason"))
    return s.replace_strict(
        judged["v"], judged["reason"], default=None, return_dtype=pl.String
    ).alias("reason")


#: Why a file's name is not kept as it is (a long or wordy name is no person's data).
_FILE_NAME_REASONS = ("email", "phone", "ip", "name")


def stored_file_name(filename: str | None, sha256: str) -> str | None:
    """The imported file's name as the version's record and the audit log keep it: as given,
    unless it holds an e-mail address, a phone number, an IP address or a person's name
    (:func:`text_reasons`; "Befragung_anna.schmidt@firma.de.csv", "Export Anna Schmidt.xlsx"):
    then ``file-<the first 12 hex digits of its SHA-256><its extension>``, the digest the check
    report shows."""
    if not filename:
        return filename
    dot = filename.rfind(".")
    extension = filename[dot:] if dot > 0 and len(filename) - dot <= 6 else ""
    stem = filename[: len(filename) - len(extension)]
    if text_reasons(pl.Series([stem]), length=False)[0] in _FILE_NAME_REASONS:
        return f"file-{sha256[:12]}{extension}"
    return filename


def category_limit(respondents: int, min_group_size: int) -> int:
    """How many distinct values a category column (tenure band, job area) may have."""
    return min(MAX_CATEGORIES, max(MIN_CATEGORY_LIMIT, respondents // max(1, min_group_size)))
