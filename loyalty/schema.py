"""The canonical schema, in one place: import kinds and their fields, churn reasons, loyalty
measures and the links of the chain.

Demo, import (mapping and validation), analysis and charts read these names from here; nothing
else spells them out. ``docs/data-model.md`` describes the same schema for people.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The kinds of file a user can import.
KINDS = ("engagement", "loyalty", "finance", "branches")

#: The six staff-behaviour churn reasons of the study this product starts from.
STAFF_REASONS = (
    "staff_trust",
    "staff_advice",
    "staff_care",
    "staff_unfriendly",
    "staff_accommodation",
    "staff_waiting",
)
#: Every churn reason code, in the order charts and tables show them.
CHURN_REASONS = ("price", "quality", *STAFF_REASONS, "other")
#: Wide churn columns of a loyalty file: field ``churn_<reason code>`` → reason code.
CHURN_FIELDS: dict[str, str] = {f"churn_{r}": r for r in CHURN_REASONS}


@dataclass(frozen=True)
class Field:
    """One canonical field of an import kind."""

    name: str
    required: bool
    type: str  # id | wave | text | count | amount | nonneg_amount


#: Canonical fields per import kind, in the order the mapping form shows them.
FIELDS: dict[str, tuple[Field, ...]] = {
    "engagement": (
        Field("respondent_id", False, "id"),
        Field("branch_id", True, "id"),
        Field("wave", False, "wave"),
        Field("tenure_band", False, "text"),
        Field("role", False, "text"),
    ),
    "loyalty": (
        Field("branch_id", True, "id"),
        Field("wave", False, "wave"),
        Field("active_customers", True, "count"),
        Field("retained_customers", True, "count"),
        Field("promoters", True, "count"),
        Field("passives", True, "count"),
        Field("detractors", True, "count"),
        *(Field(f, False, "count") for f in CHURN_FIELDS),
    ),
    "finance": (
        Field("branch_id", True, "id"),
        Field("wave", False, "wave"),
        Field("revenue", True, "nonneg_amount"),
        Field("gross_margin", True, "amount"),
        Field("operating_profit", True, "amount"),
    ),
    "branches": (
        Field("branch_id", True, "id"),
        Field("name", False, "text"),
        Field("region", False, "text"),
        Field("format", False, "text"),
        Field("headcount", False, "count"),
    ),
}


def field_names(kind: str) -> tuple[str, ...]:
    """The canonical field names of ``kind``, in order.

    >>> field_names("finance")
    ('branch_id', 'wave', 'revenue', 'gross_margin', 'operating_profit')
    """
    return tuple(f.name for f in FIELDS[kind])


#: The fields of a list of actions (``loyalty.actions_import``): not an import kind of data
#: (no waves, no versions), one list of action plans; the first five are required.
ACTION_FIELDS = (
    "target_value",
    "dimension_id",
    "title",
    "owner",
    "start_date",
    "target_type",
    "status",
)

#: The loyalty measures a user can put into the chain; the first is the pages' default.
LOYALTY_MEASURES = ("nps", "retention")

#: The three links of the chain: (key, x column, y column); ``{loyalty}`` is the measure.
LINKS: tuple[tuple[str, str, str], ...] = (
    ("engagement_loyalty", "engagement", "{loyalty}"),
    ("loyalty_return", "{loyalty}", "ros"),
    ("engagement_return", "engagement", "ros"),
)
