"""Transports: the only code that speaks a messenger's API."""
