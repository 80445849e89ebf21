"""Command line: ``loyalty demo`` (more commands come with imports and reports)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from loyalty import config, demo
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
