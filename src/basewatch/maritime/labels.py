"""Vessel names and actors for the maritime tables (temp table _labels: mmsi, vessel_name, actor)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.workspace.core import Workspace


def _identity_table(ws: Workspace) -> pa.Table | None:
    """The vessel identity API (basewatch.identity.vessels) when installed, else None."""
    try:
        module = importlib.import_module("basewatch.identity.vessels")
    except ModuleNotFoundError as exc:
        if exc.name and "basewatch.identity.vessels".startswith(exc.name):
            return None
        raise
    table = module.vessel_identity(ws)
    return cast("pa.Table", table)


def create_labels(ws: Workspace) -> None:
    """Create temp table _labels from the identity API, else from the latest names in ais_static."""
    con = ws.con
    ident = _identity_table(ws)
    if ident is not None and {"mmsi", "name", "actor_id"} <= set(ident.column_names):
        con.register("_ident", ident.select(["mmsi", "name", "actor_id"]))
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _labels AS "
            "SELECT CAST(mmsi AS VARCHAR) AS mmsi, any_value(name) AS vessel_name, any_value(actor_id) AS actor "
            "FROM _ident GROUP BY 1"
        )
        con.unregister("_ident")
        return
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _labels AS
        SELECT mmsi, arg_max(name, coalesce(time, TIMESTAMPTZ '1970-01-01 00:00:00+00')) AS vessel_name,
               CAST(NULL AS VARCHAR) AS actor
        FROM ais_static WHERE name IS NOT NULL AND trim(name) <> '' GROUP BY mmsi
        """
    )
