"""Messenger-agnostic conversation flows and use cases."""

from pathlib import Path

SAMPLE_ROUTING_PATH = Path(__file__).parent / "sample_routing.yaml"
