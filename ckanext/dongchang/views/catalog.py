"""Pages of catalog (placeholder until the feature lands)."""
from flask import Blueprint

catalog_blueprint = Blueprint("dongchang_catalog", __name__)
