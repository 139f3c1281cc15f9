"""Knowledge base: schema, loader, normalisation and matcher."""

from pathlib import Path

SAMPLE_KB_PATH = Path(__file__).parent / "sample_kb.yaml"
