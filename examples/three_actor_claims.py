"""Which claims involve both Russia and Iran and a third actor, and who is that third actor?

python examples/three_actor_claims.py
"""

from __future__ import annotations

import pandas as pd

import alliance_data


def claims_with_a_third_actor() -> pd.DataFrame:
    claim_actors = alliance_data.load("claim_actors")
    actors_of = claim_actors.groupby("claim_id")["actor_id"].apply(set)
    both = actors_of[actors_of.map(lambda actors: {"IRN", "RUS"} <= actors and len(actors) > 2)]
    third = both.map(lambda actors: sorted(actors - {"IRN", "RUS"})).explode().rename("third_actor")
    claims = alliance_data.load("claims").set_index("claim_id")
    names = alliance_data.load("actors").set_index("actor_id")["name"]
    out = third.to_frame().join(claims[["kind", "statement"]])
    out["third_actor_name"] = out["third_actor"].map(names)
    return out.reset_index()


if __name__ == "__main__":
    table = claims_with_a_third_actor()
    print(f"{table.claim_id.nunique()} claims involve Iran, Russia and at least one other actor.\n")
    print(table.groupby("third_actor_name").claim_id.nunique().sort_values(ascending=False).to_string())
