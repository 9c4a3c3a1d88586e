"""auth of product (placeholder until the feature lands)."""

__all__: list[str] = []
