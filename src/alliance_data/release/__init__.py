"""Versioned, immutable releases: files, checksums, Frictionless descriptor, codebook, notes."""
