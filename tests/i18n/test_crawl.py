"""No English on the Chinese site, no Chinese on the English one (issue 17 item 12, F-15).

A crawler starts at the home page in each language as each audience (anonymous, a citizen, a
department's admin, the Big Data Bureau), follows every link it finds on the site — by clicking,
as people do: only ``<a href>`` — and reads every page's visible text (text, ``title``,
``placeholder``, ``alt`` and button values). The catalog's content is language-neutral here
(titles, names and texts are numbers and symbols), so what is left is the interface itself: on
the Chinese site a Latin word of three letters or more fails unless it is a proper noun or a
format the allow-list names; on the English site any Chinese character fails.
"""
from __future__ import annotations

import os
import re
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import ckan.plugins.toolkit as tk
import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories, helpers

from tests.api import Api
from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

SITE = "http://test.ckan.net"
NEUTRAL = "Ⅸ"  # content marker: neither Chinese nor a Latin word
# Proper nouns, standards and formats that are the same in both languages.
ALLOWED_WORDS = {
    "CKAN", "DCAT", "DCAT-AP", "API", "CSV", "XLSX", "JSON", "JSON-LD", "RDF", "XML", "Turtle",
    "HTML", "URL", "HTTP", "HTTPS", "PDF", "ZIP", "Markdown", "Token", "UTC", "GMT",
    "Open", "Knowledge", "Foundation", "Solr", "PostgreSQL", "Redis", "Python", "GitHub",
    "Hydra", "SHACL", "CST", "ttl", "jsonld", "xml", "rdf", "csv", "xlsx", "json", "api",
    "www", "http", "https", "gov", "example", "Excel",
}
URLISH = re.compile(r"\S*/\S*")  # paths and addresses (/organization/…, data/x.csv): code
SKIPPED_PATHS = re.compile(
    r"(^/(en/)?(api|webassets|base|uploads|ckan-admin|user/_logout|user/logout|feeds|catalog"
    r"|share-catalog|ns/|legal-basis))"
    r"|/download|\.(atom|ttl|xml|rdf|jsonld|csv|xlsx|json|js|css|png|ico|svg)$")
MAX_PAGES = 120
# The regulation's own terms, given in Chinese beside their English rendering on the English
# site (a gloss, as the About page cites the measures by their Chinese title and number).
GLOSSED_TERMS = ("东昌府区政务数据资源管理暂行办法", "东昌政办字〔2020〕12号", "非政务部门",
                 "政务部门", "区大数据局", "归口单位", "协议")
# Department URL names start with the district's prefix; form placeholders show one.
IDENTIFIER_PREFIXES = ("dcf-",)
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]+")
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]*")
LATIN_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def neutral(n: int) -> str:
    return f"{NEUTRAL} {n:04d}"


@pytest.fixture
def audiences(app, sysadmin):
    department = factories.Organization(name="d1", title=neutral(1), description=neutral(2),
                                        image_url="")
    bureau = factories.Organization(name="d2", title=neutral(3), description=neutral(7),
                                    image_url="", is_bureau="true")
    helpers.call_action("user_patch", id=sysadmin["id"], name="u9", fullname=neutral(8),
                        about=neutral(9))
    sysadmin = dict(sysadmin, name="u9")
    users = {name: factories.User(name=f"u{n}", fullname=neutral(n + 3), about=neutral(n + 40))
             for n, name in enumerate(("citizen", "department", "bureau"), start=1)}
    helpers.call_action("organization_member_create", id=department["id"], username="u2",
                        role="admin")
    helpers.call_action("organization_member_create", id=bureau["id"], username="u3",
                        role="admin")
    texts = {"notes": neutral(10), "confidentiality_reviewer": neutral(11),
             "resources": [{"name": neutral(12), "url": "https://data.example.gov.cn/1.csv",
                            "format": "CSV", "audience": "open"}]}
    create_entry(sysadmin, department["id"], name="e1", title=neutral(20),
                 resource_code="371502-XY-00001", **texts)
    gated = create_entry(sysadmin, department["id"], name="e2", title=neutral(21),
                         resource_code="371502-XY-00002", **dict(texts, **conditional(
                             share_conditions=neutral(22), share_reason=neutral(23),
                             share_legal_basis=neutral(24), open_conditions=neutral(25),
                             open_reason=neutral(26), open_legal_basis=neutral(27))))
    citizen = _api(app, users["citizen"])
    citizen.ok("dongchang_access_request_create", dataset_id=gated["id"],
               applicant_kind="citizen", purpose="social_services",
               use_scenario=neutral(30), security_measures=neutral(31))
    return {"anonymous": Api(app), **{name: _api(app, user) for name, user in users.items()}}


def _api(app, user) -> Api:
    """Api with a token whose name is neutral too (the token page lists it)."""
    api = Api(app)
    token = factories.APIToken(user=user["name"], name=neutral(50))["token"]
    api.headers["Authorization"] = token
    return api


def _visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "noscript", "template", "code", "pre", "kbd"]):
        hidden.decompose()
    # The language switcher names each language in itself (中文, English): that is right.
    for switcher in soup.select("#field-lang-select, .dongchang-lang-switch a"):
        switcher.decompose()
    parts = [soup.get_text(" ")]
    for tag in soup.find_all(True):
        for attribute in ("title", "placeholder", "alt"):
            if tag.get(attribute):
                parts.append(str(tag[attribute]))
        if tag.name == "input" and tag.get("type") in ("submit", "button") and tag.get("value"):
            parts.append(str(tag["value"]))
    return "\n".join(parts)


def _links(html: str, url: str, prefix: str) -> list[str]:
    found = []
    for anchor in BeautifulSoup(html, "html.parser").find_all("a", href=True):
        target = urldefrag(urljoin(url, anchor["href"]))[0]
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or parts.netloc != urlsplit(SITE).netloc:
            continue
        path = parts.path or "/"
        if SKIPPED_PATHS.search(path) or (prefix and not path.startswith(prefix + "/")
                                           and path != prefix):
            continue
        if not prefix and path.startswith("/en/"):
            continue
        found.append(path)
    return found


def _foreign(text: str, prefix: str) -> list[str]:
    if prefix:
        for term in GLOSSED_TERMS:
            text = text.replace(term, " ")
        return CJK.findall(text)
    words = []
    for token in TOKEN.findall(URLISH.sub(" ", text)):
        if not LATIN_WORD.fullmatch(token) or len(token) < 3 or token.isupper():
            continue  # ids, codes (SCJG), acronyms, numbers, versions: no language
        if token == tk.config.get("ckan.site_id"):  # CKAN's site user acts on some pages
            continue
        if token not in ALLOWED_WORDS and not token.startswith(IDENTIFIER_PREFIXES):
            words.append(token)
    return words


def _crawl(api: Api, prefix: str) -> dict[str, list[str]]:
    start = f"{prefix}/"
    queue, seen, offences = deque([start]), {start}, {}
    while queue and len(seen) <= MAX_PAGES:
        path = queue.popleft()
        response = api.get(path)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        html = response.get_data(as_text=True)
        if os.environ.get("CRAWL_DUMP"):  # for looking into a failure by hand
            dump = Path(os.environ["CRAWL_DUMP"]) / (prefix.strip("/") or "zh")
            dump.mkdir(parents=True, exist_ok=True)
            (dump / (path.strip("/").replace("/", "_") or "home")).write_text(html)
        words = _foreign(_visible_text(html), prefix)
        if words:
            offences[path] = sorted(set(words))
        for link in _links(html, SITE + path, prefix):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return offences


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["zh", "en"])
@pytest.mark.parametrize("who", ["anonymous", "citizen", "department", "bureau"])
def test_i17_every_page_speaks_one_language(audiences, who, prefix):
    offences = _crawl(audiences[who], prefix)
    report = "\n".join(f"{path}: {', '.join(words[:12])}" for path, words in offences.items())
    assert not offences, f"{len(offences)} page(s) in the wrong language:\n{report}"
