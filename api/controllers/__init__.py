"""One controller per resource; each handler names its operation_id and its parameters explicitly."""
