"""Benchmarks that print their figures (not timed tests): run with ./run bench."""
