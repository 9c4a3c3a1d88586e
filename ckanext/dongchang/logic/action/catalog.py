"""action of catalog (placeholder until the feature lands)."""

__all__: list[str] = []
