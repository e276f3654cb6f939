"""Reading and writing files safely: bounded regular-file reads and atomic, no-follow outputs."""
