"""Measuring devices: pure protocol framers and parsers, serial transports, readers and simulators."""
