"""Calling the extension's actions over HTTP as a given user, as an API client or the UI does."""
from __future__ import annotations

from bs4 import BeautifulSoup
from ckan.tests import factories


class Api:
    """Actions through CKAN's test client; ``user=None`` calls anonymously.

    The site's default language is Chinese; ``EnglishApi`` reads messages in English.
    """

    prefix = ""

    def __init__(self, app, user=None):
        self.app = app
        self.headers = {}
        if user is not None:
            self.headers["Authorization"] = factories.APIToken(user=user["name"])["token"]

    def post(self, action, status=200, **data):
        response = self.app.post(f"{self.prefix}/api/3/action/{action}", json=data,
                                 headers=self.headers, status=status)
        return response.json

    def ok(self, action, **data):
        return self.post(action, **data)["result"]

    def error(self, action, status=409, **data):
        return self.post(action, status=status, **data)["error"]

    def get(self, url, **kwargs):
        return self.app.get(url, headers=self.headers, follow_redirects=False, **kwargs)

    def page(self, url, status=200):
        response = self.app.get(url, headers=self.headers, status=status)
        return BeautifulSoup(response.body, "html.parser")


class EnglishApi(Api):
    prefix = "/en"


def browser_session(app, user_name: str, password: str):
    """A browser-like client logged in through the login form: a session cookie, no token."""
    client = app.test_client()
    form = BeautifulSoup(client.get("/user/login").get_data(as_text=True), "html.parser")
    token = form.find("input", attrs={"name": "_csrf_token"})
    client.post("/user/login", data={"login": user_name, "password": password,
                                     "_csrf_token": token["value"]})
    return client


class Viewer:
    """One audience: pages and API actions with its token (none: anonymous)."""

    def __init__(self, app, user=None):
        self.app = app
        self.headers = {}
        if user is not None:
            self.headers["Authorization"] = factories.APIToken(user=user["name"])["token"]

    def get(self, url, **params):
        response = self.app.get(url, headers=self.headers, query_string=params,
                                follow_redirects=False, expect_errors=True)
        return response.status_code, response.get_data(as_text=True)

    def api(self, action, **params):
        response = self.app.post(f"/api/3/action/{action}", json=params, headers=self.headers,
                                 expect_errors=True)
        return response.status_code, response.get_data(as_text=True)
