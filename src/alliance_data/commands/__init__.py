"""The command-line interface: one module per command, each a thin layer over a library function.

Commands are registered explicitly in cli.py. Library errors (AllianceDataError) become a
message on stderr and exit status 1, never a traceback.
"""
