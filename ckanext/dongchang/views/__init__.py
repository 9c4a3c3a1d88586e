"""Blueprints of ckanext-dongchang (collected for ``@tk.blanket.blueprints``)."""
from ckanext.dongchang.security.csrf import csrf_blueprint
from ckanext.dongchang.security.headers import headers_blueprint
from ckanext.dongchang.security.hidden_as_missing import hidden_as_missing_blueprint
from ckanext.dongchang.security.input_guard import input_guard_blueprint
from ckanext.dongchang.security.refusals import refusals_blueprint
from ckanext.dongchang.views.activity import activity_blueprint
from ckanext.dongchang.views.catalog import catalog_blueprint
from ckanext.dongchang.views.evaluation import evaluation_blueprint
from ckanext.dongchang.views.open_lists import open_lists_blueprint
from ckanext.dongchang.views.products import products_blueprint
from ckanext.dongchang.views.requests import requests_blueprint
from ckanext.dongchang.views.tenders import tenders_blueprint

__all__ = [
    "activity_blueprint", "requests_blueprint", "catalog_blueprint", "open_lists_blueprint",
    "tenders_blueprint",
    "products_blueprint", "evaluation_blueprint", "input_guard_blueprint",
    "csrf_blueprint", "headers_blueprint", "refusals_blueprint", "hidden_as_missing_blueprint",
]
