"""The curators' side: reading the authored records, deriving, validating, coverage, reliability and anchoring."""

from ..extras import require

require("curate", "alliance_data.curation")
