"""Pages of products (placeholder until the feature lands)."""
from flask import Blueprint

products_blueprint = Blueprint("dongchang_products", __name__)
