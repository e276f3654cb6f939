"""The curators' side: reading the authored records, deriving, validating, coverage, reliability and anchoring."""
