"""The regulation's rules as plain Python: no CKAN imports, unit-tested without services."""
