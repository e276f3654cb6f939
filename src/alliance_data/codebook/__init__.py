"""The one definition of the dataset: models, columns, tables, vocabularies, identifiers and the cue table."""
