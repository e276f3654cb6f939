"""Identifier patterns and anchor constants, kept free of heavy imports.

Ids are stable and never reused (see data/retired_ids.yaml).
"""

SOURCE_ID = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
SECTION_ID = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*-s[0-9]+$"
CLAIM_ID = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*-s[0-9]+-[0-9]{3}$"
TOPIC_ID = r"^[a-z]+(-[a-z0-9]+)*$"
ACTOR_ID = r"^[A-Z][A-Z0-9_]{1,31}$"
DYAD = r"^[A-Z][A-Z0-9_]{1,31}-[A-Z][A-Z0-9_]{1,31}$"
ISO3 = r"^[A-Z]{3}$"
WIKIDATA_QID = r"^Q[1-9][0-9]*$"
SHA256 = r"^[0-9a-f]{64}$"
PARTIAL_DATE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
URL = r"^https?://\S+$"

# How many characters of context a TextQuoteSelector keeps on each side of a quote.
CONTEXT_CHARS = 32
