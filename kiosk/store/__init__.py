"""The SQLite content store: schema, importer and read access."""

from kiosk.store.db import Store

__all__ = ["Store"]
