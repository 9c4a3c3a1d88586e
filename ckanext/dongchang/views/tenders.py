"""Pages of tenders (placeholder until the feature lands)."""
from flask import Blueprint

tenders_blueprint = Blueprint("dongchang_tenders", __name__)
