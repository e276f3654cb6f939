"""What risks does the author see for the partnership, how certain is the author of each, and
what does each endanger?

A risk endangers what it is linked to by `poses_risk_to`, or what the risk it spells out
(`elaborates`) or exemplifies endangers: "Differences in national interests … could lead to
occasional disagreements" spells out "There will undoubtedly be challenges", which the author
sets against the partnership's future. Links the curators inferred are left out: only what the
author argued (`basis != "inferred"`).

python examples/risks.py
"""

from __future__ import annotations

import pandas as pd

import alliance_data


def risks() -> pd.DataFrame:
    claims = alliance_data.load("claims")
    links = alliance_data.load("claim_links")
    links = links[links.basis != "inferred"]
    risk = claims[claims.kind == "risk"][["claim_id", "certainty", "hedge_cues", "statement", "quote"]]
    direct = links[links.relation == "poses_risk_to"][["from_claim", "to_claim"]]
    parts = links[links.relation.isin(["elaborates", "exemplifies"])][["from_claim", "to_claim"]]
    inherited = parts.merge(direct, left_on="to_claim", right_on="from_claim", suffixes=("", "_risk"))
    inherited = inherited[["from_claim", "to_claim_risk"]].rename(columns={"to_claim_risk": "to_claim"})
    targets = pd.concat([direct, inherited]).drop_duplicates().sort_values(["from_claim", "to_claim"])
    endangers = targets.groupby("from_claim")["to_claim"].apply(", ".join).rename("endangers")
    return risk.join(endangers, on="claim_id").sort_values(["certainty", "claim_id"])


if __name__ == "__main__":
    for row in risks().itertuples():
        # A risk no link sets against anything endangers nothing the text names.
        endangers = row.endangers if isinstance(row.endangers, str) else "nothing the text names"
        print(f"[{row.certainty}] {row.statement}\n    endangers: {endangers}\n    \u201c{row.quote}\u201d\n")
