"""Audience per file (issue 16 item 1): who may know of, and use, each resource of an entry."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ckanext.dongchang.access.rules.visibility import (
    BUREAU,
    FILE_AUDIENCES,
    GOVERNMENT,
    GRANTEE,
    OWNER,
    PUBLIC,
    covering_grant,
    default_file_audience,
    file_audience,
    file_audiences_allowed,
    file_listed,
    grant_covers,
    may_see_data,
    may_see_metadata,
    may_use_file,
)
from ckanext.dongchang.catalog.rules.classes import (
    OPEN_CLASSES,
    SHARE_CLASSES,
    resource_audience_errors,
)

ANONYMOUS = frozenset({PUBLIC})
CITIZEN_GRANTEE = frozenset({PUBLIC, GRANTEE})
DEPARTMENT = frozenset({PUBLIC, GOVERNMENT})
DEPARTMENT_GRANTEE = frozenset({PUBLIC, GOVERNMENT, GRANTEE})
OWNER_DEPARTMENT = frozenset({PUBLIC, GOVERNMENT, OWNER})
THE_BUREAU = frozenset({PUBLIC, GOVERNMENT, BUREAU})
VIEWERS = (ANONYMOUS, CITIZEN_GRANTEE, DEPARTMENT, DEPARTMENT_GRANTEE, OWNER_DEPARTMENT,
           THE_BUREAU)
CLASS_VALUES = st.sampled_from([*SHARE_CLASSES, *OPEN_CLASSES, "", None, "garbage"])
DECLARED = st.sampled_from([*FILE_AUDIENCES, "", None, "everyone"])


def test_f16_which_audiences_each_classification_allows():
    assert file_audiences_allowed("unconditional", "unconditional") == ("open", "shared",
                                                                         "owner")
    assert file_audiences_allowed("conditional", "conditional") == ("open", "shared", "owner")
    assert file_audiences_allowed("unconditional", "not_open") == ("shared", "owner")
    assert file_audiences_allowed("not_shared", "not_open") == ("owner",)
    assert file_audiences_allowed("not_shared", "unconditional") == ("owner",)  # invalid row


def test_f16_a_file_without_audience_gets_only_what_needs_no_request():
    """Legacy files: the widest audience that gets the entry's data *without* asking; anything
    behind a condition waits until the department labels its files (fail closed)."""
    assert default_file_audience("unconditional", "unconditional") == "open"
    assert default_file_audience("unconditional", "conditional") == "shared"
    assert default_file_audience("unconditional", "not_open") == "shared"
    assert default_file_audience("conditional", "conditional") == "owner"
    assert default_file_audience("conditional", "not_open") == "owner"
    assert default_file_audience("not_shared", "not_open") == "owner"


def test_f16_a_declared_audience_the_classes_no_longer_allow_counts_as_owner():
    assert file_audience("open", "unconditional", "not_open") == "owner"
    assert file_audience("shared", "not_shared", "not_open") == "owner"
    assert file_audience("everyone", "unconditional", "unconditional") == "owner"
    assert file_audience("shared", "conditional", "conditional") == "shared"


@pytest.mark.parametrize(("share", "open_", "audience", "viewer", "covered", "uses"), [
    # unconditionally open entry: the open file for all, the shared one for departments
    ("unconditional", "unconditional", "open", ANONYMOUS, False, True),
    ("unconditional", "unconditional", "shared", ANONYMOUS, False, False),
    ("unconditional", "unconditional", "shared", DEPARTMENT, False, True),
    ("unconditional", "unconditional", "owner", DEPARTMENT, False, False),
    ("unconditional", "unconditional", "owner", OWNER_DEPARTMENT, False, True),
    ("unconditional", "unconditional", "owner", THE_BUREAU, False, True),
    # conditionally open: a citizen's grant gives the open file it covers, never the shared one
    ("unconditional", "conditional", "open", ANONYMOUS, False, False),
    ("unconditional", "conditional", "open", CITIZEN_GRANTEE, True, True),
    ("unconditional", "conditional", "open", CITIZEN_GRANTEE, False, False),
    ("unconditional", "conditional", "shared", CITIZEN_GRANTEE, True, True),
    ("conditional", "conditional", "shared", CITIZEN_GRANTEE, False, False),
    ("conditional", "conditional", "shared", DEPARTMENT, False, False),
    ("conditional", "conditional", "shared", DEPARTMENT_GRANTEE, True, True),
    ("conditional", "conditional", "owner", DEPARTMENT_GRANTEE, True, False),
])
def test_f16_who_uses_which_file(share, open_, audience, viewer, covered, uses):
    assert may_use_file(viewer, share, open_, True, audience, covered) is uses


def test_f16_who_knows_a_file_exists():
    assert file_listed(ANONYMOUS, "unconditional", "conditional", True, "open", False)
    assert not file_listed(ANONYMOUS, "unconditional", "conditional", True, "shared", False)
    assert file_listed(DEPARTMENT, "conditional", "conditional", True, "shared", False)
    assert not file_listed(DEPARTMENT, "conditional", "conditional", True, "owner", False)
    assert file_listed(OWNER_DEPARTMENT, "not_shared", "not_open", True, "owner", False)


def test_f16_a_grant_covers_the_files_of_its_kind_that_it_names():
    grants = (("open", frozenset({"r1", "r2"})),)
    assert grant_covers(grants, "r1", "open")
    assert not grant_covers(grants, "r3", "open")
    assert not grant_covers(grants, "r2", "shared")  # relabelled since: no longer covered
    assert grant_covers((("share", frozenset({"r2"})),), "r2", "shared")
    assert not grant_covers((), "r1", "open")


def test_f16_the_grant_that_covers_a_file_is_named_for_the_access_log():
    grants = (("open", frozenset({"r1"}), "g1"), ("share", frozenset({"r2"}), "g2"))
    assert covering_grant(grants, "r1", "open") == "g1"
    assert covering_grant(grants, "r2", "shared") == "g2"
    assert covering_grant(grants, "r1", "shared") is None
    assert covering_grant((("open", frozenset({"r1"})),), "r1", "open") is None  # unnamed


@given(viewer=st.sampled_from(VIEWERS), share=CLASS_VALUES, open_=CLASS_VALUES,
       published=st.booleans(), declared=DECLARED, covered=st.booleans())
def test_f16_a_file_never_gives_more_than_its_entry(viewer, share, open_, published, declared,
                                                    covered):
    uses = may_use_file(viewer, share, open_, published, declared, covered)
    if uses:
        assert file_listed(viewer, share, open_, published, declared, covered)
        assert may_see_metadata(viewer, share, open_, published)
        assert may_see_data(viewer, share, open_, published)
    if file_listed(viewer, share, open_, published, declared, covered):
        assert may_see_metadata(viewer, share, open_, published)


@given(viewer=st.sampled_from([v for v in VIEWERS if not v & {OWNER, BUREAU}]),
       share=CLASS_VALUES, open_=CLASS_VALUES, published=st.booleans(), covered=st.booleans())
def test_f16_an_owner_file_reaches_nobody_else(viewer, share, open_, published, covered):
    assert not file_listed(viewer, share, open_, published, "owner", covered)
    assert not may_use_file(viewer, share, open_, published, "owner", covered)


def test_f16_validation_ties_each_file_to_the_classes():
    entry = {"share_class": "unconditional", "open_class": "not_open",
             "resources": [{"audience": "shared"}, {"audience": "open"}, {}, {"audience": "x"}]}
    errors = resource_audience_errors(entry)
    assert list(errors) == ["resources"]
    positions = [(m.params["position"], m.params["subfield"]) for m in errors["resources"]]
    assert positions == [(2, "audience"), (4, "audience")]
    entry = {"share_class": "not_shared", "open_class": "not_open",
             "resources": [{"audience": "shared"}]}
    assert resource_audience_errors(entry)["resources"][0].params["position"] == 1
    ok = {"share_class": "conditional", "open_class": "conditional",
          "resources": [{"audience": a} for a in FILE_AUDIENCES]}
    assert resource_audience_errors(ok) == {}
