"""Pieces every domain of the extension uses, kept once."""
