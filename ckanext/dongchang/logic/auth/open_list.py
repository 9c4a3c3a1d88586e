"""auth of open_list (placeholder until the feature lands)."""

__all__: list[str] = []
