"""Persistence of requests: their own durable SQLite file."""
