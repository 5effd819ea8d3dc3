"""The API process: the only one that opens the database; owns auth, audit and every write."""
