"""Knowledge base: schema, loader, normalisation and matcher."""

from pathlib import Path

SAMPLE_KB_PATH = Path(__file__).parent / "sample_kb"
"""The bundled sample knowledge base (one file per language); a union replaces it."""
