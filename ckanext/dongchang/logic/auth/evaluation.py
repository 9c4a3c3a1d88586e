"""auth of evaluation (placeholder until the feature lands)."""

__all__: list[str] = []
