"""A facet of claims by actor, counted through claim_actors; choosing an actor filters the
claims with Datasette's own `_through` filter."""

from __future__ import annotations

import json

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import path_with_added_args, path_with_removed_args

from .whole_table_facets import WholeTableFacet

LINK_TABLE = "claim_actors"


def through(actor_id: str) -> str:
    return json.dumps({"table": LINK_TABLE, "column": "actor_id", "value": actor_id}, separators=(",", ":"))


class ActorFacet(WholeTableFacet, Facet):
    """`_facet_actor=actor_id` on claims (or `{"actor": "actor_id"}` in metadata)."""

    type = "actor"

    async def suggest(self):
        return []

    async def facet_results(self):
        results, timed_out = [], []
        if self.table != "claims":
            return results, timed_out
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            source = source_and_config["source"]
            sql = (
                f"with inner as ({self.sql}) select ca.actor_id as value, a.name as label, count(*) as count "
                f"from inner join {LINK_TABLE} ca on ca.claim_id = inner.claim_id "
                "join actors a on a.actor_id = ca.actor_id group by ca.actor_id "
                f"order by count desc, a.name limit {size + 1}"
            )
            try:
                rows = await self.ds.execute(
                    self.database,
                    sql,
                    self.params,
                    truncate=False,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )
            except QueryInterrupted:
                timed_out.append("actor")
                continue
            chosen = set(self.request.args.getlist("_through"))
            values = []
            for row in rows.rows[:size]:
                key = through(row["value"])
                selected = key in chosen
                if selected:
                    path = path_with_removed_args(self.request, {"_through": key})
                else:
                    path = path_with_added_args(self.request, {"_through": key})
                values.append(
                    {
                        "value": row["value"],
                        "label": row["label"],
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, path),
                        "selected": selected,
                    }
                )
            results.append(
                {
                    "name": "actor",
                    # Datasette's page names a facet of another type "actor (actor)"; to readers it is the actor facet.
                    "type": "column",
                    "results": values,
                    "hideable": source != "metadata",
                    "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet_actor": "actor_id"})),
                    "truncated": len(rows.rows) > size,
                }
            )
        return results, timed_out
