"""The composition root: configuration and the `onestop` command line that wires the layers together."""
