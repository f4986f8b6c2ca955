"""The package version, in a module of its own so that any layer can read it without importing
the public API (``whyrec/__init__.py`` reaches ``whyrec.api`` on first use)."""

__version__ = "0.1.0"
