"""The workbench page (工作台): one action call, ``dongchang_workbench``."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.dongchang.kernel.pages import call, signed_in

workbench_blueprint = Blueprint("dongchang_workbench", __name__)


@workbench_blueprint.get("/dongchang/workbench")
@signed_in()
def index():
    return tk.render("dongchang/workbench/workbench.html",
                     {"workbench": call("dongchang_workbench", {})})
