"""teamgraph: shared wiring (settings, errors, the composed service, the CLI)."""

__version__ = "0.1.0"
