"""CKAN still looks for setup.py; the metadata lives in pyproject.toml."""
from setuptools import setup

setup()
