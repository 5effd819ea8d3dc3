"""Clinical rules of the national guidelines (CLINICAL_RULES.md): pure functions over msgspec structs.

Every threshold is a named constant citing its document and clause; every result carries the ids of the
clauses that produced it (`flows.rules.base.CLAUSES`), so the API and the TUI can show why.
"""
