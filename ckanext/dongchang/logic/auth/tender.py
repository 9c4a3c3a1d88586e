"""auth of tender (placeholder until the feature lands)."""

__all__: list[str] = []
