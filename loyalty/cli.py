"""Command line: ``loyalty demo``, ``loyalty versions [list|activate|delete]`` (a version is
picked by kind, wave and version number), ``loyalty import``, ``loyalty instrument``,
``loyalty user``, ``loyalty purge``."""

from __future__ import annotations

import argparse
import errno
import os
import sys
import time
from pathlib import Path

from loyalty import config, demo, exports, i18n, results, retention, schema, users, versions
from loyalty.i18n import cli_language, t
from loyalty.importing.instrument import (
    InstrumentError,
    instrument_for_wave,
    load_instrument,
    save_instrument,
    to_yaml,
)
from loyalty.importing.mapping import suggest_mapping
from loyalty.importing.read import ReadError, read_file
from loyalty.importing.run import run_import, saved_mapping
from loyalty.store import Store, StoreUnavailable, StoreWriteError, connect, is_postgres
from loyalty.users import ROLES, utcnow


def _demo(args: argparse.Namespace) -> int:
    lang = cli_language(dict(os.environ))
    address = args.db or config.db_address()
    postgres = is_postgres(address)
    db = address if postgres else Path(address)
    if postgres and args.force:  # a database may hold more than ours: never emptied here
        print(t("demo.cli.postgres_force", lang, db=db), file=sys.stderr)
        return 2
    if postgres or db.exists() and not args.force:
        store = connect(address)
        try:
            if not store.is_empty():
                if args.if_empty:
                    print(t("demo.cli.nothing_to_do", lang, db=db))
                    return 0
                print(t("demo.cli.has_data", lang, db=db), file=sys.stderr)
                return 1
        finally:
            store.close()
    folder = Path("data") if postgres else db.parent
    samples = Path(args.samples) if args.samples else folder / "samples"
    problem = None if args.no_samples else _output_problem(samples / "sample.csv", lang)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    if not postgres and db.exists() and args.force:
        db.unlink()
        Path(str(db) + ".wal").unlink(missing_ok=True)
    if args.last_wave:
        year, half = args.last_wave
        index = year * 2 + half - 1 - (args.waves - 1)
        first_year, first_half = index // 2, index % 2 + 1
    else:
        first_year, first_half = demo.recent_start(args.waves)
    params = demo.DemoParams(
        n_branches=args.branches,
        n_waves=args.waves,
        seed=args.seed,
        n_respondents=args.respondents,
        first_year=first_year,
        first_half=first_half,
    )
    started = time.perf_counter()
    data = demo.generate(params)
    store = connect(address)
    try:
        demo.seed_store(store, data)
    finally:
        store.close()
    print(
        t(
            "demo.cli.seeded",
            lang,
            db=db,
            branches=data.branches.height,
            waves=data.waves.height,
            first=data.waves["wave"][0],
            last=data.waves["wave"][-1],
            responses=data.responses.height,
            seconds=i18n.num(time.perf_counter() - started, lang, 1),
        )
    )
    if not args.no_samples:
        try:
            written = demo.write_samples(data, samples)
        except OSError as exc:  # e.g. --samples names a file
            print(_write_failed(samples, exc, lang), file=sys.stderr)
            return 1
        for path in written:
            print(t("demo.cli.sample", lang, path=path))
    return 0


def _half_year(text: str) -> tuple[int, int]:
    """``2025-H2`` → (2025, 2); anything else is a usage error."""
    import re

    match = re.fullmatch(r"(\d{4})-H([12])", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a half-year like 2025-H2")
    return int(match[1]), int(match[2])


def _store(args: argparse.Namespace) -> Store:
    return connect(args.db or config.db_address())


def _versions(args: argparse.Namespace) -> int:
    action = getattr(args, "action", None) or "list"
    if action == "activate":
        return _activate(args)
    if action == "delete":
        return _delete(args)
    store = _store(args)
    try:
        frame = versions.history(store, args.kind, args.wave)
    finally:
        store.close()
    for line in versions.listing(frame, args.lang):
        print(line)
    return 0


def _activate(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        import_id = versions.find(store, args.kind, args.wave, args.version)
        versions.activate(store, import_id, actor=args.actor)
    except versions.VersionError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 1
    finally:
        store.close()
    label = versions.short_label(args.kind, args.wave, args.version, args.lang)
    print(t("versions.activated", args.lang, label=label))
    return 0


def _delete(args: argparse.Namespace) -> int:
    label = versions.short_label(args.kind, args.wave, args.version, args.lang)
    if not args.yes:
        print(t("versions.confirm", args.lang, label=label), file=sys.stderr)
        return 2
    store = _store(args)
    try:
        import_id = versions.find(store, args.kind, args.wave, args.version)
        rows = versions.delete(store, import_id, actor=args.actor, allow_active=args.allow_active)
    except versions.VersionError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 1
    finally:
        store.close()
    print(t("versions.deleted_rows", args.lang, label=label, rows=i18n.num(rows, args.lang, 0)))
    return 0


def _version_selector(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", required=True, choices=schema.KINDS)
    parser.add_argument("--wave", help="the wave, e.g. 2025-H2 (none for the branch list)")
    parser.add_argument(
        "--version", required=True, type=int, help="version number, as `loyalty versions` lists"
    )


def _report(args: argparse.Namespace) -> int:
    from loyalty import dashboard, report, story  # plotly and kaleido: only when needed

    out = Path(args.out)
    if out.suffix.lower() not in report.FORMATS:
        print(t("report.bad_format", args.lang, suffix=out.suffix), file=sys.stderr)
        return 2
    problem = _output_problem(out, args.lang)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    address = args.db or config.db_address()
    store = connect(address)
    try:  # what the served app computed for this revision, and keeps for it
        shelf = results.open_shelf(str(address), store.revision(), store.wave_revisions())
        memo = dashboard.Memo(shelf=shelf)
        core = dashboard.Dashboard(store, memo=memo)
        waves = core.waves()
        if args.wave and args.wave not in waves:
            print(
                t("report.bad_wave", args.lang, wave=args.wave, waves=", ".join(waves)),
                file=sys.stderr,
            )
            return 2

        def progress(fraction: float, message: str) -> None:
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr)

        try:
            report.write(
                core, out, wave=args.wave, lang=args.lang, loyalty=args.loyalty, progress=progress
            )
        except OSError as exc:  # e.g. the disk filled up while writing
            print(_write_failed(out, exc, args.lang), file=sys.stderr)
            return 1
        versions.record(
            store, _cli_actor(), "export", f"story {out.suffix.lstrip('.')}", f"file={out}"
        )
    finally:
        store.close()
    steps = len(story.STEP_KEYS) + 1
    kind = out.suffix.lower().lstrip(".")
    size = i18n.num(out.stat().st_size / 1024, args.lang, 0)
    print(t(f"report.written.{kind}", args.lang, path=out, size=size, pages=steps))
    return 0


#: OS errors a write can end in, said in the user's language (others in the system's words).
_WRITE_REASONS = {
    errno.EISDIR: "folder",
    errno.EACCES: "permission",
    errno.EPERM: "permission",
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
    errno.EROFS: "read_only",
}


def _not_writable(path: Path, code: int | None, lang: str, system: str = "") -> str:
    reason = _WRITE_REASONS.get(code) if code is not None else None
    said = t(f"import.cli.reason.{reason}", lang) if reason else system
    return t("import.cli.not_writable", lang, path=path, reason=said)


def _output_problem(path: Path, lang: str) -> str | None:
    """Why the CLI could not write ``path``, in ``lang``; None when it can. Missing folders
    are created when writing; the nearest existing one must be a folder we may write in.
    Asked before the work, so a bad path never ends in a traceback after an import was
    stored or a report was built."""
    path = path.absolute()
    if path.is_dir():
        return _not_writable(path, errno.EISDIR, lang)
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        return t("import.cli.no_folder", lang, folder=folder, path=path)
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return _not_writable(path, errno.EACCES, lang)
    return None


def _write_failed(path: Path, exc: OSError, lang: str) -> str:
    return _not_writable(path, exc.errno, lang, exc.strerror or str(exc))


def _write_output(path: Path, write, lang: str) -> str | None:
    """``write(path)`` (missing folders created); an OS error (disk full, permissions) as a
    sentence, else None."""

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path)
    except OSError as exc:
        return _write_failed(path, exc, lang)
    return None


def _import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(t("import.cli.no_file", args.lang, path=path), file=sys.stderr)
        return 2
    if args.problems_csv:
        problem = _output_problem(Path(args.problems_csv), args.lang)
        if problem:
            print(problem, file=sys.stderr)
            return 2
    instrument = None
    if args.instrument:
        try:
            instrument = load_instrument(args.instrument)
        except InstrumentError as exc:
            print("\n".join(exc.messages(args.lang)), file=sys.stderr)
            return 1
    overrides: dict[str, str] = {}
    for entry in args.map or []:
        name, sep, column = entry.partition("=")
        if not sep or not name.strip():
            print(t("import.cli.bad_map", args.lang, entry=entry), file=sys.stderr)
            return 2
        overrides[name.strip()] = column.strip()
    mapping = None
    if overrides:
        mapping = _import_mapping(args, path, overrides)
        if mapping is None:
            return 1

    def progress(fraction: float, step: str) -> None:
        text = t(f"import.progress.{step}", args.lang)
        print(f"[{fraction:4.0%}] {text}", file=sys.stderr, flush=True)

    store = _store(args)
    try:
        outcome = run_import(
            store,
            path,
            path.name,
            args.kind,
            args.wave,
            mapping=mapping,
            mapping_name=args.mapping,
            sheet=args.sheet,
            actor=args.actor,
            dry_run=args.dry_run,
            unknown_branches=args.unknown_branches,
            progress=progress,
            lang=args.lang,
            instrument=instrument,
            save_mapping_as=args.save_mapping,
            branch=args.branch,
            header_row=args.header_row,
        )
    except InstrumentError as exc:
        print("\n".join(exc.messages(args.lang)), file=sys.stderr)
        return 1
    finally:
        store.close()
    report = outcome.report
    if report.mapping_suggested:
        print(t("import.cli.suggested", args.lang))
    print(report.render_text(args.lang))
    if args.problems_csv and report.problem_count():
        out = Path(args.problems_csv)
        # the Data page's download in the language's format: German ";", UTF-8 with BOM
        data = exports.table_csv(report.problems_frame(args.lang), args.lang, label=False)
        failed = _write_output(out, lambda path: path.write_bytes(data), args.lang)
        if failed:
            print(failed, file=sys.stderr)
            return 1
        print(t("import.report.problems_written", args.lang, path=out))
    return 0 if report.ok else 1


def _import_mapping(
    args: argparse.Namespace, path: Path, overrides: dict[str, str]
) -> dict[str, str | None] | None:
    """--map FIELD=COLUMN entries on top of the saved (--mapping) or the suggested mapping."""

    if args.mapping:
        store = _store(args)
        try:
            base = saved_mapping(store, args.kind, args.mapping)
        finally:
            store.close()
        if base is None:
            print(t("import.problem.unknown_mapping.line", args.lang, value=args.mapping))
            return None
    else:
        try:
            raw = read_file(path, path.name, sheet=args.sheet, header_row=args.header_row)
        except ReadError:
            return {}  # run_import reports the read error
        base = suggest_mapping(list(raw.frame.columns), args.kind)
    return {**base, **{k: (v or None) for k, v in overrides.items()}}


def _instrument(args: argparse.Namespace) -> int:
    if args.action == "set":
        try:
            instrument = load_instrument(args.file)
            store = _store(args)
            try:
                save_instrument(store, args.wave, instrument, args.actor)
            finally:
                store.close()
        except InstrumentError as exc:
            print("\n".join(exc.messages(args.lang)), file=sys.stderr)
            return 1
        print(
            t(
                "instrument.saved",
                args.lang,
                wave=args.wave,
                items=len(instrument.items),
                dimensions=len(instrument.dimensions),
            )
        )
        return 0
    store = _store(args)
    try:
        instrument = instrument_for_wave(store, args.wave)
    finally:
        store.close()
    if instrument is None:
        print(t("instrument.none", args.lang, wave=args.wave), file=sys.stderr)
        return 1
    print(to_yaml(instrument), end="")
    return 0


def _delete_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", action="store_true", help="confirm the deletion")
    parser.add_argument(
        "--allow-active",
        action="store_true",
        help="also delete the active version (its wave then has no active data)",
    )


def _common_options(*, keep_earlier: bool = False) -> argparse.ArgumentParser:
    """--db, --lang, --actor; with ``keep_earlier`` without defaults of their own."""

    def default(value):
        return argparse.SUPPRESS if keep_earlier else value

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=default(None),
        help="the store: a DuckDB file or a postgresql:// address "
        "(default: $LOYALTY_DB or data/loyalty.duckdb)",
    )
    common.add_argument(
        "--lang", choices=("de", "en"), default=default(cli_language(dict(os.environ)))
    )
    common.add_argument(
        "--actor",
        default=default(os.environ.get("USER") or "cli"),
        help="who is acting (written to the audit log)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loyalty", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="seed the store with the demo retail chain")
    d.add_argument(
        "--db",
        help="the store: a DuckDB file or a postgresql:// address "
        "(default: $LOYALTY_DB or data/loyalty.duckdb)",
    )
    d.add_argument("--branches", type=int, default=120)
    d.add_argument("--waves", type=int, default=4)
    d.add_argument(
        "--respondents",
        type=int,
        default=None,
        help="total survey responses over all waves (default: from headcounts)",
    )
    d.add_argument("--seed", type=int, default=demo.DemoParams.seed)
    d.add_argument(
        "--last-wave",
        type=_half_year,
        help="the newest wave, e.g. 2025-H2 (default: the last half-year that has ended, so "
        "the demo is recent and within the retention period)",
    )
    d.add_argument("--samples", help="folder for sample files (default: beside the store)")
    d.add_argument("--no-samples", action="store_true", help="do not write sample files")
    g = d.add_mutually_exclusive_group()
    g.add_argument("--if-empty", action="store_true", help="do nothing if the store has data")
    g.add_argument("--force", action="store_true", help="replace an existing store")
    d.set_defaults(func=_demo)

    common = _common_options()
    # below `versions`: options given before the subcommand are kept (argparse would reset
    # them to the subcommand's defaults)
    later = _common_options(keep_earlier=True)
    v = sub.add_parser(
        "versions",
        parents=[common],
        help="list imported versions; activate or delete one by kind, wave and version number",
    )
    v.add_argument("--kind", choices=schema.KINDS)
    v.add_argument("--wave")
    v.set_defaults(func=_versions, action="list")
    v_sub = v.add_subparsers(dest="action")
    v_list = v_sub.add_parser("list", parents=[later], help="list versions (the default)")
    v_list.add_argument("--kind", choices=schema.KINDS, default=argparse.SUPPRESS)
    v_list.add_argument("--wave", default=argparse.SUPPRESS)
    for name in ("activate", "delete"):
        cmd = v_sub.add_parser(
            name,
            parents=[later],
            help="make an earlier version active"
            if name == "activate"
            else "delete a version (final)",
        )
        _version_selector(cmd)
        if name == "delete":
            _delete_options(cmd)
    # the same as `versions activate` / `versions delete` (kept for existing scripts)
    a = sub.add_parser("activate", parents=[common], help="= versions activate")
    _version_selector(a)
    a.set_defaults(func=_activate)
    x = sub.add_parser("delete-version", parents=[common], help="= versions delete")
    _version_selector(x)
    _delete_options(x)
    x.set_defaults(func=_delete)
    r = sub.add_parser(
        "report", parents=[common], help="write the story as a deck (.pptx) or a PDF (.pdf)"
    )
    r.add_argument("--out", required=True, help="deck.pptx or report.pdf")
    r.add_argument("--wave", help="survey wave (default: the latest)")
    r.add_argument("--loyalty", choices=("nps", "retention"), default="nps")
    r.set_defaults(func=_report)
    imp = sub.add_parser(
        "import",
        parents=[common],
        help="import a survey, loyalty, finance or branch file (validated, all or nothing)",
    )
    imp.add_argument("file", help="CSV, Excel (.xlsx) or similar file")
    imp.add_argument("--kind", required=True, choices=schema.KINDS)
    imp.add_argument("--wave", help="survey wave / period, e.g. 2025-H2 (or a mapped column)")
    imp.add_argument(
        "--branch",
        help="all rows belong to this branch (id or name), for files without a branch column",
    )
    imp.add_argument("--mapping", help="use the saved column mapping of this name")
    imp.add_argument(
        "--map",
        action="append",
        metavar="FIELD=COLUMN",
        help="assign a column to a field (repeatable; FIELD= leaves the field unassigned)",
    )
    imp.add_argument("--save-mapping", metavar="NAME", help="save the mapping used under NAME")
    imp.add_argument("--sheet", help="Excel sheet (default: the first)")
    imp.add_argument(
        "--header-row",
        type=int,
        metavar="N",
        help="the row holding the column names, counted as in the spreadsheet (default: found "
        "by itself; a title or notes above the table are skipped)",
    )
    imp.add_argument("--dry-run", action="store_true", help="check only, store nothing")
    imp.add_argument(
        "--unknown-branches",
        choices=("reject", "skip", "add"),
        default="reject",
        help="rows of branches not in the branch list: reject the file, skip them, or add them",
    )
    imp.add_argument("--instrument", help="questionnaire (YAML/CSV) to store for this wave")
    imp.add_argument("--problems-csv", metavar="FILE", help="write every problem to this CSV")
    imp.set_defaults(func=_import)
    ins = sub.add_parser("instrument", help="the survey questionnaire of a wave")
    ins_sub = ins.add_subparsers(dest="action", required=True)
    ins_set = ins_sub.add_parser("set", parents=[common], help="store a questionnaire file")
    ins_set.add_argument("--wave", required=True)
    ins_set.add_argument("file", help="questionnaire as YAML or CSV (docs/data-model.md)")
    ins_set.set_defaults(func=_instrument)
    ins_show = ins_sub.add_parser("show", parents=[common], help="print a wave's questionnaire")
    ins_show.add_argument("--wave", required=True)
    ins_show.set_defaults(func=_instrument)
    _add_user_and_purge_commands(sub, common)
    return parser


# --- users and retention ---------------------------------------------------------------------


def _read_password(lang: str) -> str | None:
    if sys.stdin.isatty():
        print(t("users.password_prompt", lang), file=sys.stderr)
    line = sys.stdin.readline()
    return line.rstrip("\r\n") or None


def _user(args: argparse.Namespace) -> int:
    lang = args.lang
    password = _read_password(lang) if getattr(args, "password_stdin", False) else None
    if getattr(args, "password_stdin", False) and password is None:
        print(
            t("users.password_too_short", lang, length=users.MIN_PASSWORD_LENGTH),
            file=sys.stderr,
        )
        return 2
    store = _store(args)
    try:
        if args.action == "add":
            generated = users.add_user(
                store,
                args.username,
                role=args.role,
                actor=args.actor,
                display_name=args.name or "",
                email=args.email,
                regions=args.region or (),
                branches=args.branch or (),
                password=password,
                one_time_password=password is None and not args.no_password,
            )
            print(t("users.added", lang, username=args.username.lower(), role=args.role))
        elif args.action == "remove":
            users.remove_user(store, args.username, actor=args.actor)
            print(t("users.removed", lang, username=args.username.lower()))
            generated = None
        elif args.action == "reset":
            generated = users.reset_password(
                store, args.username, actor=args.actor, password=password
            )
            print(t("users.password_set", lang, username=args.username.lower()))
        else:
            _print_users(users.list_users(store), lang)
            generated = None
    except users.UserError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 1
    finally:
        store.close()
    if generated:
        print(t("users.one_time_password", lang, password=generated))
    return 0


def _print_users(frame, lang: str) -> None:
    if frame.height == 0:
        print(t("users.none", lang))
        return
    print(t("users.header", lang))
    now = utcnow()
    for r in frame.iter_rows(named=True):
        scope = "; ".join(
            [*(f"region {v}" for v in r["regions"]), *(f"branch {v}" for v in r["branches"])]
        ) or t("users.all_branches", lang)
        status = []
        if r["disabled"]:
            status.append(t("users.disabled", lang))
        if r["locked_until"] is not None and r["locked_until"] > now:
            status.append(t("users.locked", lang, until=f"{r['locked_until']:%Y-%m-%d %H:%M}"))
        print(
            f"{r['username']} | {r['role']} | {r['email'] or '-'} | {scope} | "
            f"{', '.join(status) or t('users.active', lang)}"
        )


def _purge(args: argparse.Namespace) -> int:
    lang = args.lang
    store = _store(args)
    try:
        result = retention.purge(store, args.months, actor=args.actor, dry_run=args.dry_run)
    except (retention.RetentionError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        store.close()
    if not result.waves:
        print(t("retention.nothing", lang, cutoff=result.cutoff))
        return 0
    for w in result.waves:
        print(
            t(
                "retention.wave",
                lang,
                wave=w.wave,
                end=w.end_date,
                responses=w.responses,
                scores=w.scores,
                aggregates=w.aggregates,
            )
        )
    print(
        t(
            "retention.dry_run" if result.dry_run else "retention.purged",
            lang,
            cutoff=result.cutoff,
            months=result.months,
            responses=result.responses,
            scores=result.scores,
            waves=len(result.waves),
        )
    )
    return 0


def _add_user_and_purge_commands(sub, common: argparse.ArgumentParser) -> None:
    """``loyalty user add|remove|reset|list`` and ``loyalty purge``."""
    u = sub.add_parser("user", help="users, roles and scopes (who may see what)")
    u_sub = u.add_subparsers(dest="action", required=True)
    add = u_sub.add_parser(
        "add",
        parents=[common],
        help="add a user (prints a one-time password unless --password-stdin/--no-password)",
    )
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--region", action="append", help="limit to a region (repeatable)")
    add.add_argument("--branch", action="append", help="limit to a branch id (repeatable)")
    add.add_argument("--email", help="e-mail address (for OIDC sign-in)")
    add.add_argument("--name", help="display name")
    pw = add.add_mutually_exclusive_group()
    pw.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    pw.add_argument("--no-password", action="store_true", help="OIDC sign-in only, no password")
    add.set_defaults(func=_user)
    rm = u_sub.add_parser("remove", parents=[common], help="remove a user")
    rm.add_argument("username")
    rm.set_defaults(func=_user)
    reset = u_sub.add_parser(
        "reset",
        parents=[common],
        help="new one-time password (or --password-stdin); also lifts a lock-out",
    )
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    reset.set_defaults(func=_user)
    ls = u_sub.add_parser("list", parents=[common], help="list users, roles, scopes and status")
    ls.set_defaults(func=_user)
    p = sub.add_parser(
        "purge",
        parents=[common],
        help="delete survey responses of waves older than the retention period "
        "(branch figures are kept, suppressed)",
    )
    p.add_argument(
        "--months",
        type=int,
        default=None,
        help="retention period (default: $LOYALTY_RETENTION_MONTHS or 24)",
    )
    p.add_argument("--dry-run", action="store_true", help="show what would be deleted")
    p.set_defaults(func=_purge)


def _cli_actor() -> str:
    """Who runs a command, for the audit log: the operating-system user."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, least in (("branches", 2), ("waves", 1)):  # one branch has nothing to compare
        if getattr(args, name, least) < least:
            parser.error(f"--{name} must be at least {least}")
    try:
        return args.func(args)
    except BrokenPipeError:
        # the reader went away (`loyalty versions | head -1`): stop quietly, as `ls | head`
        # does; what Python still flushes at exit goes nowhere instead of raising again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (StoreUnavailable, StoreWriteError) as exc:
        # e.g. a running server holds the store's write lock, the disk is full, or the data
        # directory is read-only
        lang = getattr(args, "lang", None) or cli_language(dict(os.environ))
        print(exc.message(lang), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
