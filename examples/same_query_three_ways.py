"""One question three ways: how many claims of each kind involve the United States?

In pandas (the installed package), in DuckDB over the release's Parquet files, and in SQL
against the release's SQLite database. All three give the same answer.

    python examples/same_query_three_ways.py
"""

from __future__ import annotations

import sqlite3

import duckdb
from _release import latest_release

import alliance_data

ACTOR = "USA"


def with_pandas(actor: str = ACTOR) -> dict[str, int]:
    claims = alliance_data.load("claims")
    claim_actors = alliance_data.load("claim_actors")
    involved = claims[claims.claim_id.isin(claim_actors.loc[claim_actors.actor_id == actor, "claim_id"])]
    counts = involved.groupby("kind", observed=True).size()
    return {str(kind): int(n) for kind, n in counts.items()}


def with_duckdb(actor: str = ACTOR) -> dict[str, int]:
    release = latest_release()
    rows = duckdb.execute(
        f"""
        select c.kind::varchar, count(*) from read_parquet('{release / "claims.parquet"}') c
        where c.claim_id in (select claim_id from read_parquet('{release / "claim_actors.parquet"}')
                             where actor_id = ?)
        group by 1
        """,
        [actor],
    ).fetchall()
    return {kind: n for kind, n in rows}


def with_sqlite(actor: str = ACTOR) -> dict[str, int]:
    database = sqlite3.connect(f"file:{latest_release() / 'alliance.db'}?mode=ro&immutable=1", uri=True)
    rows = database.execute(
        "select kind, count(*) from claims where claim_id in "
        "(select claim_id from claim_actors where actor_id = ?) group by kind",
        (actor,),
    ).fetchall()
    return dict(rows)


if __name__ == "__main__":
    answers = {"pandas": with_pandas(), "DuckDB over Parquet": with_duckdb(), "SQLite": with_sqlite()}
    for engine, answer in answers.items():
        print(f"{engine:>20}: {dict(sorted(answer.items()))}")
    print("same answer everywhere:", len({tuple(sorted(a.items())) for a in answers.values()}) == 1)
