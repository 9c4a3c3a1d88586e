"""Pages of evaluation (placeholder until the feature lands)."""
from flask import Blueprint

evaluation_blueprint = Blueprint("dongchang_evaluation", __name__)
