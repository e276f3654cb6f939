"""A facet of a vocabulary column (kind, certainty) whose values keep the codebook's order
(asserted, likely, possible, speculative), not Datasette's order by count: a scale read from
its strongest level down, and the argument's kinds in the order the article builds it."""

from __future__ import annotations

from datasette.utils import path_with_removed_args

from ...codebook.vocabulary import Certainty, Kind
from .whole_table_facets import WholeTableColumnFacet

CODEBOOK_ORDER = {"kind": Kind.values(), "certainty": Certainty.values()}


class CodebookFacet(WholeTableColumnFacet):
    """`_facet_codebook=certainty` on a table (or `{"codebook": "certainty"}` in metadata)."""

    type = "codebook"

    async def suggest(self):
        return []

    async def facet_results(self):
        results, timed_out = await super().facet_results()
        for facet in results:
            order = CODEBOOK_ORDER.get(facet["name"], [])
            facet["results"].sort(key=lambda item: order.index(item["value"]) if item["value"] in order else len(order))
            removed = path_with_removed_args(self.request, {f"_facet_{self.type}": facet["name"]})
            facet["toggle_url"] = self.ds.urls.path(removed)
            # Datasette's page names a facet of another type "certainty (codebook)": to readers it is
            # the certainty facet.
            facet["type"] = "column"
        return results, timed_out
