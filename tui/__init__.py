"""The terminal for nurses and doctors: a Textual client of the onestop API (never of db/ or hardware/)."""
