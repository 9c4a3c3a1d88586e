"""Audiences and visibility, DESIGN §4 (F-1, F-3; Art. 3, 19, 20, 22, 24, 25, 28)."""

from __future__ import annotations

from itertools import chain, combinations, product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ckanext.dongchang.access.rules.visibility import (
    BUREAU,
    GOVERNMENT,
    GRANTEE,
    OWNER,
    PUBLIC,
    dataset_labels,
    may_see_data,
    may_see_metadata,
    user_labels,
)
from ckanext.dongchang.catalog.rules.classes import OPEN_CLASSES, SHARE_CLASSES

ANONYMOUS = frozenset({PUBLIC})
PUBLIC_GRANTEE = frozenset({PUBLIC, GRANTEE})
OTHER_DEPARTMENT = frozenset({GOVERNMENT})
GRANTED_DEPARTMENT = frozenset({GOVERNMENT, GRANTEE})
OWNER_DEPARTMENT = frozenset({GOVERNMENT, OWNER})
THE_BUREAU = frozenset({BUREAU, GOVERNMENT})
VIEWERS = {
    "anonymous": ANONYMOUS, "public_grantee": PUBLIC_GRANTEE,
    "other_department": OTHER_DEPARTMENT, "granted_department": GRANTED_DEPARTMENT,
    "owner": OWNER_DEPARTMENT, "bureau": THE_BUREAU,
}
EVERYONE = set(VIEWERS)
GOV = {"other_department", "granted_department", "owner", "bureau"}
INSIDERS = {"owner", "bureau"}

# DESIGN §4, row by row, for a published entry: (open, share) -> (metadata seen by, data seen by)
TABLE = {
    ("unconditional", "unconditional"): (EVERYONE, EVERYONE),
    ("conditional", "unconditional"): (EVERYONE, GOV | {"public_grantee"}),
    ("conditional", "conditional"): (EVERYONE, INSIDERS | {"public_grantee",
                                                           "granted_department"}),
    ("not_open", "unconditional"): (GOV, GOV),
    ("not_open", "conditional"): (GOV, INSIDERS | {"granted_department"}),
    ("not_open", "not_shared"): (INSIDERS, INSIDERS),
}


@pytest.mark.parametrize(("open_class", "share_class"), list(TABLE))
@pytest.mark.parametrize("viewer_name", list(VIEWERS))
def test_f3_published_entries_follow_the_design_table(open_class, share_class, viewer_name):
    metadata, data = TABLE[(open_class, share_class)]
    viewer = VIEWERS[viewer_name]
    assert may_see_metadata(viewer, share_class, open_class, True) is (viewer_name in metadata)
    assert may_see_data(viewer, share_class, open_class, True) is (viewer_name in data)


@pytest.mark.parametrize(("open_class", "share_class"), list(TABLE))
@pytest.mark.parametrize("viewer_name", list(VIEWERS))
def test_art28_nothing_beyond_the_owner_before_publication(open_class, share_class,
                                                             viewer_name):
    viewer = VIEWERS[viewer_name]
    insider = viewer_name in INSIDERS
    assert may_see_metadata(viewer, share_class, open_class, False) is insider
    assert may_see_data(viewer, share_class, open_class, False) is insider


@pytest.mark.parametrize(("open_class", "share_class"), [
    ("unconditional", "conditional"),   # opening wider than sharing (Art. 22)
    ("unconditional", "not_shared"),
    ("conditional", "not_shared"),
    ("unconditional", "bogus"),
    ("weird", "unconditional"),
    ("", ""),
])
@pytest.mark.parametrize("viewer_name", list(VIEWERS))
def test_f3_unknown_or_forbidden_classes_fail_closed(open_class, share_class, viewer_name):
    viewer = VIEWERS[viewer_name]
    insider = viewer_name in INSIDERS
    assert may_see_metadata(viewer, share_class, open_class, True) is insider
    assert may_see_data(viewer, share_class, open_class, True) is insider


def test_f3_published_must_be_true_not_merely_truthy():
    assert may_see_metadata(ANONYMOUS, "unconditional", "unconditional", True) is True
    assert may_see_metadata(ANONYMOUS, "unconditional", "unconditional", "false") is False


AUDIENCE_SETS = [frozenset(c) for c in chain.from_iterable(
    combinations((PUBLIC, GOVERNMENT, OWNER, GRANTEE, BUREAU), r) for r in range(6))]
CLASS_VALUES = st.one_of(st.sampled_from(SHARE_CLASSES + OPEN_CLASSES), st.text(max_size=4))


@given(viewer=st.sampled_from(AUDIENCE_SETS), share=CLASS_VALUES, open_=CLASS_VALUES,
       published=st.booleans())
def test_f3_data_is_never_shown_without_its_metadata(viewer, share, open_, published):
    if may_see_data(viewer, share, open_, published):
        assert may_see_metadata(viewer, share, open_, published)


@given(share=CLASS_VALUES, open_=CLASS_VALUES, published=st.booleans())
def test_f3_a_grant_never_reveals_metadata(share, open_, published):
    for viewer in AUDIENCE_SETS:
        assert may_see_metadata(viewer | {GRANTEE}, share, open_, published) is (
            may_see_metadata(viewer - {GRANTEE}, share, open_, published))


# --- permission labels (search) ---------------------------------------------------------

def test_f1_user_labels():
    assert user_labels(False, [], False) == ["public"]
    assert user_labels(False, ["org-a"], True) == ["public"]   # anonymous: no memberships
    assert user_labels(True, [], False) == ["public"]           # registered, no department
    assert user_labels(True, ["org-a", "org-b"], False) == [
        "public", "government", "member-org-a", "member-org-b"]
    assert user_labels(True, [], True) == ["public", "government", "bureau"]


def test_f3_dataset_labels():
    assert sorted(dataset_labels("d", "org-a", "unconditional", "conditional", True)) == [
        "bureau", "member-org-a", "public"]
    assert sorted(dataset_labels("d", "org-a", "conditional", "not_open", True)) == [
        "bureau", "government", "member-org-a"]
    assert sorted(dataset_labels("d", "org-a", "not_shared", "not_open", True)) == [
        "bureau", "member-org-a"]
    assert sorted(dataset_labels("d", "org-a", "unconditional", "unconditional", False)) == [
        "bureau", "member-org-a"]
    assert dataset_labels("d", None, "not_shared", "not_open", True) == ["bureau"]


def user_for(viewer: frozenset[str], authenticated: bool) -> list[str]:
    """The labels of a real user who is described by ``viewer``."""
    org_ids = (["org-owner"] if OWNER in viewer else []) + (
        ["org-other"] if GOVERNMENT in viewer else [])
    signed_in = authenticated or bool(viewer - {PUBLIC})
    return user_labels(signed_in, org_ids, BUREAU in viewer)


def test_f3_search_labels_agree_with_may_see_metadata_in_every_combination():
    """Every viewer (grants only affect data), class pair, publication state and sign-in."""
    checked = 0
    for viewer, authenticated, share, open_, published in product(
        [v for v in AUDIENCE_SETS if GRANTEE not in v], (False, True),
        (*SHARE_CLASSES, "bogus"), (*OPEN_CLASSES, ""), (True, False),
    ):
        labels = set(dataset_labels("d", "org-owner", share, open_, published))
        finds = bool(labels & set(user_for(viewer, authenticated)))
        expected = may_see_metadata(viewer, share, open_, published)
        assert finds is expected, (sorted(viewer), authenticated, share, open_, published)
        checked += 1
    assert checked == 16 * 2 * 4 * 4 * 2


@given(viewer=st.sampled_from([v for v in AUDIENCE_SETS if GRANTEE not in v]),
       share=CLASS_VALUES, open_=CLASS_VALUES, published=st.booleans())
def test_f3_search_labels_agree_for_any_class_values(viewer, share, open_, published):
    labels = set(dataset_labels("d", "org-owner", share, open_, published))
    finds = bool(labels & set(user_for(viewer, True)))
    assert finds is may_see_metadata(viewer, share, open_, published)
