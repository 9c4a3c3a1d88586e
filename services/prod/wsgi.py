"""The WSGI entry point gunicorn serves: CKAN's app for the config named by ``CKAN_INI``.

CKAN ships no importable ``wsgi`` module (its docs copy one next to the config), so this is that
file, kept with the production scripts: ``gunicorn --chdir services/prod wsgi:application``.
"""
from __future__ import annotations

import logging
import os

from ckan.cli import load_config
from ckan.config.middleware import make_app

# gunicorn's error log gets CKAN's warnings and errors (the site's own logging sections, if any,
# are not read: the prod config inherits them through ``use = config:...`` and logging is
# configured once here, the same for every worker).
logging.basicConfig(level=logging.WARNING,
                    format="%(asctime)s %(levelname)s [%(name)s] %(message)s")

application = make_app(load_config(os.environ["CKAN_INI"]))
