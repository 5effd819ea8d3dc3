"""The functional core: domain structs, the visit state machine and the clinical rules.

Pure by contract (import-linter): only the standard library and msgspec. Time and ids are arguments.
"""
