"""What does the article say follows from sanctions pressure?

Walks `claim_links` forward from every claim about shared Western pressure (topic
`driver-shared-pressure`), up to three steps, and prints the chains. Only the relations by which
one claim leads to another are walked (`LEADS_TO`: drives, enables, implies); a claim that
elaborates, exemplifies or restates another says more about it, not what follows from it.

    python examples/what_follows_from_sanctions.py
"""

from __future__ import annotations

import pandas as pd

import alliance_data
from alliance_data.codebook.vocabulary import LEADS_TO


def consequences(topic_id: str = "driver-shared-pressure", depth: int = 3) -> pd.DataFrame:
    claims = alliance_data.load("claims").set_index("claim_id")
    links = alliance_data.load("claim_links")
    links = links[links.relation.isin([relation.value for relation in LEADS_TO])]
    frontier = set(claims.index[claims.topic_id == topic_id])
    seen = set(frontier)
    reached = []
    for step in range(1, depth + 1):
        step_links = links[links.from_claim.isin(frontier) & ~links.to_claim.isin(seen)]
        reached += [
            {"step": step, "from_claim": link.from_claim, "relation": link.relation, "claim_id": link.to_claim}
            for link in step_links.itertuples()
        ]
        frontier = set(step_links.to_claim)
        seen |= frontier
    result = pd.DataFrame(reached).drop_duplicates("claim_id")
    return result.join(claims[["kind", "topic_id", "statement"]], on="claim_id")


if __name__ == "__main__":
    table = consequences()
    print(f"{len(table)} claims follow from sanctions pressure within three links. What each relation means:")
    for relation in LEADS_TO:
        print(f"  {relation.value}: {relation.description}")
    print()
    for row in table.itertuples():
        print(f"step {row.step}: {row.from_claim} {row.relation} {row.claim_id} [{row.kind}] {row.statement}")
    print("\nBy topic:\n" + table.groupby("topic_id").size().sort_values(ascending=False).to_string())
