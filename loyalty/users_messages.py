"""Texts for users, sign-in and retention (German and English).

Kept beside the users module and registered into :data:`loyalty.i18n.MESSAGES` (no key
twice): look them up with :func:`loyalty.i18n.t`.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # users: command line and errors
    "users.added": {
        "de": "Benutzer {username} angelegt (Rolle {role}).",
        "en": "User {username} added (role {role}).",
    },
    "users.one_time_password": {
        "de": "Einmal-Passwort (wird nur jetzt angezeigt, bei der ersten Anmeldung zu ändern): "
        "{password}",
        "en": "One-time password (shown only now, to be changed at the first sign-in): {password}",
    },
    "users.removed": {"de": "Benutzer {username} gelöscht.", "en": "User {username} removed."},
    "users.password_set": {
        "de": "Passwort von {username} gesetzt; Sperre und Fehlversuche zurückgesetzt.",
        "en": "Password of {username} set; lock-out and failed attempts reset.",
    },
    "users.password_changed": {
        "de": "Passwort geändert.",
        "en": "Password changed.",
    },
    "users.none": {"de": "Keine Benutzer angelegt.", "en": "No users yet."},
    "users.all_branches": {"de": "alle Filialen", "en": "all branches"},
    "users.locked": {"de": "gesperrt bis {until} UTC", "en": "locked until {until} UTC"},
    "users.disabled": {"de": "deaktiviert", "en": "disabled"},
    "users.active": {"de": "aktiv", "en": "active"},
    "users.header": {
        "de": "Benutzer | Rolle | E-Mail | Sichtbereich | Status",
        "en": "user | role | e-mail | scope | status",
    },
    "users.password_prompt": {
        "de": "Passwort von der Standardeingabe lesen (eine Zeile) …",
        "en": "Reading the password from standard input (one line) …",
    },
    "users.unknown_user": {
        "de": "Benutzer {username} gibt es nicht.",
        "en": "There is no user {username}.",
    },
    "users.exists": {
        "de": "Benutzer {username} gibt es schon.",
        "en": "User {username} already exists.",
    },
    "users.bad_username": {
        "de": "Ungültiger Benutzername {username!r}: 2–64 Zeichen, Kleinbuchstaben, Ziffern, "
        "Punkt, Bindestrich, Unterstrich, @.",
        "en": "Invalid user name {username!r}: 2–64 characters, lower-case letters, digits, "
        "dot, hyphen, underscore, @.",
    },
    "users.reserved_username": {
        "de": "Der Benutzername {username!r} ist vergeben: So erscheint in Protokoll und "
        "Versionen, wer ohne Anmeldung arbeitet.",
        "en": "The user name {username!r} is taken: it is how the audit log and the versions "
        "name whoever works without sign-in.",
    },
    "users.bad_role": {
        "de": "Unbekannte Rolle {role!r}; möglich sind: {roles}.",
        "en": "Unknown role {role!r}; possible roles: {roles}.",
    },
    "users.bad_email": {
        "de": "Ungültige E-Mail-Adresse {email!r}.",
        "en": "Invalid e-mail address {email!r}.",
    },
    "users.email_taken": {
        "de": "Die E-Mail-Adresse {email} gehört schon zu {username}.",
        "en": "The e-mail address {email} already belongs to {username}.",
    },
    "users.password_too_short": {
        "de": "Das Passwort muss mindestens {length} Zeichen lang sein.",
        "en": "The password must be at least {length} characters long.",
    },
    "users.unknown_region": {
        "de": "Unbekannte Region {value!r}.",
        "en": "Unknown region {value!r}.",
    },
    "users.unknown_branch": {
        "de": "Unbekannte Filiale {value!r}.",
        "en": "Unknown branch {value!r}.",
    },
    "users.last_admin": {
        "de": "{username} ist der letzte aktive Administrator und kann nicht gelöscht werden.",
        "en": "{username} is the last active administrator and cannot be removed.",
    },
    "users.wrong_password": {
        "de": "Das bisherige Passwort stimmt nicht.",
        "en": "The current password is not correct.",
    },
    # sign-in (for the app)
    "auth.sign_in_failed": {
        "de": "Anmeldung fehlgeschlagen: Benutzername oder Passwort falsch, oder das Konto ist "
        "vorübergehend gesperrt.",
        "en": "Sign-in failed: wrong user name or password, or the account is locked for now.",
    },
    "auth.locked_for": {
        "de": "Nach {attempts} Fehlversuchen ist das Konto {minutes} Minuten gesperrt.",
        "en": "After {attempts} failed attempts the account is locked for {minutes} minutes.",
    },
    "auth.must_change_password": {
        "de": "Bitte legen Sie jetzt ein eigenes Passwort fest.",
        "en": "Please choose your own password now.",
    },
    "auth.not_permitted": {
        "de": "Dafür fehlt Ihrer Rolle die Berechtigung.",
        "en": "Your role does not permit this.",
    },
    "auth.no_account": {
        "de": "Für {email} ist kein Benutzer angelegt; bitte wenden Sie sich an die "
        "Administration.",
        "en": "No user is set up for {email}; please ask an administrator.",
    },
    # retention
    "retention.nothing": {
        "de": "Nichts zu löschen: keine Welle mit Antworten endete vor dem {cutoff}.",
        "en": "Nothing to purge: no wave with responses ended before {cutoff}.",
    },
    "retention.wave": {
        "de": "{wave} (Ende {end}): {responses} Antworten, {scores} Einzelantworten, "
        "{aggregates} Filialwerte bleiben",
        "en": "{wave} (ended {end}): {responses} responses, {scores} answers, "
        "{aggregates} branch figures kept",
    },
    "retention.dry_run": {
        "de": "Probelauf: nichts wurde gelöscht. Stichtag {cutoff} ({months} Monate).",
        "en": "Dry run: nothing was deleted. Cut-off {cutoff} ({months} months).",
    },
    "retention.purged": {
        "de": "Gelöscht: {responses} Antworten und {scores} Einzelantworten aus {waves} "
        "{waves:plural:one=Welle:other=Wellen}; Stichtag {cutoff} ({months} Monate).",
        "en": "Purged {responses} responses and {scores} answers of {waves} "
        "{waves:plural:one=wave:other=waves}; "
        "cut-off {cutoff} ({months} months).",
    },
}
