"""Queries by table: they add, query and flush, and never commit (the caller does)."""
