"""What risks does the author see for the partnership, and how certain is the author of each?

python examples/risks.py
"""

from __future__ import annotations

import pandas as pd

import alliance_data


def risks() -> pd.DataFrame:
    claims = alliance_data.load("claims")
    links = alliance_data.load("claim_links")
    risk = claims[claims.kind == "risk"][["claim_id", "certainty", "hedge_cues", "statement", "quote"]]
    endangers = (
        links[links.relation == "poses_risk_to"].groupby("from_claim")["to_claim"].apply(", ".join).rename("endangers")
    )
    return risk.join(endangers, on="claim_id").sort_values(["certainty", "claim_id"])


if __name__ == "__main__":
    for row in risks().itertuples():
        print(f"[{row.certainty}] {row.statement}\n    endangers: {row.endangers}\n    \u201c{row.quote}\u201d\n")
