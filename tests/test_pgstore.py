"""The PostgreSQL dialect in one place (loyalty.pgstore): what changes between DuckDB's SQL and
PostgreSQL's, checked without a server; the store itself runs on both in test_store.py etc."""

from __future__ import annotations

import doctest

import polars as pl

from loyalty import pgstore, store


def test_docstring_examples():
    assert doctest.testmod(pgstore).failed == 0


def test_placeholders_and_percent_signs():
    assert pgstore.to_postgres("SELECT ? || '%' WHERE a = ?") == "SELECT %s || '%%' WHERE a = %s"
    # without parameters psycopg reads the text as it is
    assert pgstore.to_postgres("SELECT '%'", has_params=False) == "SELECT '%'"


def test_insert_or_replace_updates_every_column_but_the_key():
    sql = pgstore.to_postgres(
        "INSERT OR REPLACE INTO mappings (name, kind, mapping, updated_at) "
        "VALUES (?, ?, ?, current_timestamp)",
        keys=("name", "kind"),
    )
    assert sql == (
        "INSERT INTO mappings (name, kind, mapping, updated_at) "
        "VALUES (%s, %s, %s, current_timestamp) ON CONFLICT (name, kind) "
        "DO UPDATE SET mapping = EXCLUDED.mapping, updated_at = EXCLUDED.updated_at"
    )


def test_insert_or_ignore_does_nothing_on_a_conflict():
    sql = pgstore.to_postgres("INSERT OR IGNORE INTO wave_items SELECT DISTINCT ?, item_id FROM s")
    assert sql == "INSERT INTO wave_items SELECT DISTINCT %s, item_id FROM s ON CONFLICT DO NOTHING"


def test_every_migration_is_spelled_for_postgresql():
    ddl = " ".join(pgstore.to_postgres(m[2], has_params=False) for m in store.MIGRATIONS)
    assert "QUALIFY" not in ddl  # the one view that used it reads the newest version otherwise
    assert " DOUBLE PRECISION " in ddl and " DOUBLE NOT" not in ddl


def test_frame_columns_get_postgresql_types():
    frame = pl.DataFrame(
        {"a": [1], "b": ["x"], "c": [1.5], "d": [True]},
        schema={"a": pl.Int32, "b": pl.String, "c": pl.Float64, "d": pl.Boolean},
    )
    assert [pgstore._pg_type(t) for t in frame.schema.values()] == [
        "INTEGER",
        "TEXT",
        "DOUBLE PRECISION",
        "BOOLEAN",
    ]


def test_the_password_is_never_shown():
    assert pgstore.shown("postgresql://u:s3cret@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert pgstore.shown("postgresql://u@h/db") == "postgresql://u@h/db"
    assert store.is_postgres("postgres://h/db") and not store.is_postgres("data/x.duckdb")
