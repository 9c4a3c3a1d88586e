"""Blueprints of ckanext-dongchang (collected for ``@tk.blanket.blueprints``)."""
from ckanext.dongchang.views.requests import requests_blueprint

__all__ = ["requests_blueprint"]
