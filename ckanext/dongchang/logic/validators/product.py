"""Validators of data products (placeholder until the feature lands)."""

__all__: list[str] = []
