"""Command line: ``loyalty demo``, ``loyalty versions``, ``loyalty activate``,
``loyalty delete-version``."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from loyalty import config, demo, story, versions
from loyalty.i18n import cli_language, t
from loyalty.store import Store


def _demo(args: argparse.Namespace) -> int:
    db = Path(args.db or config.db_path())
    if db.exists() and not args.force:
        store = Store(db)
        try:
            if not store.is_empty():
                if args.if_empty:
                    print(f"{db}: already holds data, nothing to do.")
                    return 0
                print(
                    f"{db} already holds data. Use --force to replace it with the demo data.",
                    file=sys.stderr,
                )
                return 1
        finally:
            store.close()
    if db.exists() and args.force:
        db.unlink()
        Path(str(db) + ".wal").unlink(missing_ok=True)
    params = demo.DemoParams(
        n_branches=args.branches, n_waves=args.waves, seed=args.seed, n_respondents=args.respondents
    )
    started = time.perf_counter()
    data = demo.generate(params)
    store = Store(db)
    try:
        demo.seed_store(store, data)
    finally:
        store.close()
    print(
        f"{db}: {data.branches.height} branches, {data.waves.height} waves, "
        f"{data.responses.height:,} survey responses "
        f"({time.perf_counter() - started:.1f} s)."
    )
    if not args.no_samples:
        samples = Path(args.samples) if args.samples else db.parent / "samples"
        for path in demo.write_samples(data, samples):
            print(f"sample file: {path}")
    return 0


def _store(args: argparse.Namespace) -> Store:
    return Store(Path(args.db or config.db_path()))


def _versions(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        frame = versions.history(store, args.kind, args.wave)
    finally:
        store.close()
    print(
        f"{'id':>5}  {'kind':<10} {'wave':<8} {'v':>3}  {'status':<8} {'rows':>9}  "
        f"{'imported':<16}  {'by':<14} source"
    )
    for r in frame.iter_rows(named=True):
        status = "deleted" if r["deleted_at"] else ("active" if r["active"] else "-")
        print(
            f"{r['import_id']:>5}  {r['kind']:<10} {r['wave'] or '-':<8} {r['version']:>3}  "
            f"{status:<8} {r['row_count']:>9,}  {r['created_at']:%Y-%m-%d %H:%M}  "
            f"{(r['imported_by'] or '-')[:14]:<14} {r['source']}"
        )
    return 0


def _activate(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        versions.activate(store, args.import_id, actor=args.actor)
    except versions.VersionError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 1
    finally:
        store.close()
    print(t("versions.activated", args.lang, id=args.import_id))
    return 0


def _delete(args: argparse.Namespace) -> int:
    if not args.yes:
        print(t("versions.confirm", args.lang, id=args.import_id), file=sys.stderr)
        return 2
    store = _store(args)
    try:
        rows = versions.delete(
            store, args.import_id, actor=args.actor, allow_active=args.allow_active
        )
    except versions.VersionError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 1
    finally:
        store.close()
    print(t("versions.deleted_rows", args.lang, id=args.import_id, rows=rows))
    return 0


def _report(args: argparse.Namespace) -> int:
    from loyalty import analysis, report

    out = Path(args.out)
    if out.suffix.lower() not in report.FORMATS:
        print(t("report.bad_format", args.lang, suffix=out.suffix), file=sys.stderr)
        return 2
    store = _store(args)
    try:
        waves = analysis.waves(store)
        if args.wave and args.wave not in waves:
            print(
                t("report.bad_wave", args.lang, wave=args.wave, waves=", ".join(waves)),
                file=sys.stderr,
            )
            return 2

        def progress(fraction: float, message: str) -> None:
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr)

        report.write(
            store, out, wave=args.wave, lang=args.lang, loyalty=args.loyalty, progress=progress
        )
    finally:
        store.close()
    steps = len(story.STEP_KEYS) + 1
    print(t("report.written", args.lang, path=out, size=out.stat().st_size // 1024, pages=steps))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loyalty", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="seed the store with the demo retail chain")
    d.add_argument("--db", help="DuckDB file (default: $LOYALTY_DB or data/loyalty.duckdb)")
    d.add_argument("--branches", type=int, default=120)
    d.add_argument("--waves", type=int, default=4)
    d.add_argument(
        "--respondents",
        type=int,
        default=None,
        help="total survey responses over all waves (default: from headcounts)",
    )
    d.add_argument("--seed", type=int, default=demo.DemoParams.seed)
    d.add_argument("--samples", help="folder for sample files (default: beside the store)")
    d.add_argument("--no-samples", action="store_true", help="do not write sample files")
    g = d.add_mutually_exclusive_group()
    g.add_argument("--if-empty", action="store_true", help="do nothing if the store has data")
    g.add_argument("--force", action="store_true", help="replace an existing store")
    d.set_defaults(func=_demo)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="DuckDB file (default: $LOYALTY_DB or data/loyalty.duckdb)")
    common.add_argument("--lang", choices=("de", "en"), default=cli_language(dict(os.environ)))
    common.add_argument(
        "--actor",
        default=os.environ.get("USER") or "cli",
        help="who is acting (written to the audit log)",
    )
    v = sub.add_parser("versions", parents=[common], help="list imported versions")
    v.add_argument("--kind", choices=("branches", "engagement", "loyalty", "finance"))
    v.add_argument("--wave")
    v.set_defaults(func=_versions)
    a = sub.add_parser("activate", parents=[common], help="make an earlier version active")
    a.add_argument("import_id", type=int)
    a.set_defaults(func=_activate)
    x = sub.add_parser("delete-version", parents=[common], help="delete a version (final)")
    x.add_argument("import_id", type=int)
    x.add_argument("--yes", action="store_true", help="confirm the deletion")
    x.add_argument(
        "--allow-active",
        action="store_true",
        help="also delete the active version (its wave then has no active data)",
    )
    x.set_defaults(func=_delete)
    r = sub.add_parser(
        "report", parents=[common], help="write the story as a deck (.pptx) or a PDF (.pdf)"
    )
    r.add_argument("--out", required=True, help="deck.pptx or report.pdf")
    r.add_argument("--wave", help="survey wave (default: the latest)")
    r.add_argument("--loyalty", choices=("nps", "retention"), default="nps")
    r.set_defaults(func=_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name in ("branches", "waves"):
        if getattr(args, name, 1) < 1:
            parser.error(f"--{name} must be at least 1")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
