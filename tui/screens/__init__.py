"""One screen per module; only the login screen is imported at start-up, the rest when first shown."""
