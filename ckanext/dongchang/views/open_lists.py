"""Pages of open_lists (placeholder until the feature lands)."""
from flask import Blueprint

open_lists_blueprint = Blueprint("dongchang_open_lists", __name__)
