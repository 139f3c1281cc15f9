"""The messenger-agnostic conversation core: dispatcher, flows, forms and texts."""
