"""What a store holds, for the fault tests: every version (the ``imports`` rows), what each
holds, and the row counts of the tables an import writes. Opening it proves the store opens."""

from __future__ import annotations

from pathlib import Path

from loyalty.store import Store

TABLES = ("imports", "responses", "response_scores", "waves", "wave_items", "mappings", "audit_log")


def snapshot(db: Path) -> dict:
    store = Store(db)
    try:
        return {
            "counts": {t: store.sql(f"SELECT count(*) AS n FROM {t}")["n"][0] for t in TABLES},
            "imports": store.sql("SELECT * FROM imports ORDER BY import_id").rows(),
            "per_import": store.sql(
                "SELECT i.import_id, (SELECT count(*) FROM responses r WHERE r.import_id = "
                "i.import_id) AS responses, (SELECT count(*) FROM response_scores s WHERE "
                "s.import_id = i.import_id) AS scores FROM imports i ORDER BY i.import_id"
            ).rows(),
        }
    finally:
        store.close()
