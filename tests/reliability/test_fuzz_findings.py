"""Each failure schemathesis found, pinned as a plain example so that it cannot come back
whatever the fuzzer happens to draw next time."""

from __future__ import annotations

from http import HTTPStatus

import pytest
import yaml

from tests.helpers import assert_problem
from tests.toolkit.clients import Client
from tests.toolkit.repository import ROOT, SEED

FAQ = "/v1/admin/faqs/how-to-stretch-safely"


@pytest.mark.parametrize("header", ['""', 'W/"+z:a/c87nJ_B}", ""', '"", "", "=lOq"', "W/"])
def test_odd_if_none_match_on_an_admin_item_is_no_match(editor: Client, header: str) -> None:
    # Found by `make fuzz`: an empty quoted ETag parsed as None and crashed the comparison (500).
    response = editor.get(FAQ, headers={"If-None-Match": header})
    assert response.status_code == HTTPStatus.OK
    assert response.headers["ETag"]


@pytest.mark.parametrize("header", ['""', '"", "nope"', ",", "not-quoted"])
def test_if_match_naming_no_valid_etag_is_412(editor: Client, header: str) -> None:
    # Found by the suite's fuzzing: "," was taken for a missing If-Match (428).
    response = editor.patch(FAQ, json={"answer": "x"}, headers={"If-Match": header})
    assert_problem(response, HTTPStatus.PRECONDITION_FAILED, "GET it again")


@pytest.mark.parametrize("header", ["", "   "])
def test_empty_if_match_is_428(editor: Client, header: str) -> None:
    response = editor.patch(FAQ, json={"answer": "x"}, headers={"If-Match": header})
    assert_problem(response, HTTPStatus.PRECONDITION_REQUIRED, "If-Match")


def test_the_spec_says_if_match_is_not_empty() -> None:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    schema = spec["components"]["parameters"]["IF_MATCH"]["schema"]
    assert schema["minLength"] == 1 and schema["pattern"] == r"\S"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/v1/exercises?difficulty=impossible", HTTPStatus.UNPROCESSABLE_ENTITY),
        ("/v1/routines?tag=", HTTPStatus.UNPROCESSABLE_ENTITY),
        ("/v1/faqs/no-such-question", HTTPStatus.NOT_FOUND),
    ],
)
def test_if_none_match_star_does_not_hide_an_error(client: Client, url: str, status: int) -> None:
    # Found by the suite's fuzzing: `*` answered 304 before the query or slug was checked.
    assert_problem(client.get(url, headers={"If-None-Match": "*"}), status)


def test_if_none_match_star_is_304_for_a_known_answer(client: Client) -> None:
    assert client.get("/v1/faqs").status_code == HTTPStatus.OK
    assert client.get("/v1/faqs", headers={"If-None-Match": "*"}).status_code == 304


@pytest.mark.parametrize("path", ["/v1/admin/keys/5243704775714", "/v1/admin/keys/0"])
def test_key_ids_beyond_the_column_are_404(admin: Client, path: str) -> None:
    # Found by the suite's fuzzing on PostgreSQL: a bigint id reached an integer column (500).
    assert_problem(admin.get(path), HTTPStatus.NOT_FOUND)
    assert_problem(admin.post(path + "/revoke"), HTTPStatus.NOT_FOUND)


@pytest.mark.parametrize(
    ("path", "body"),
    [("/v1/recommendations", None), ("/v1/admin/keys", None)],
)
def test_an_operation_that_reads_a_body_refuses_none(admin: Client, path: str, body: None) -> None:
    # Found by the suite's fuzzing: a POST without a body was taken for `{}`.
    assert_problem(admin.post(path), HTTPStatus.BAD_REQUEST, "needs one")


def test_list_filters_are_in_the_spec() -> None:
    # Found by the generated client: the If-None-Match doc replaced every query parameter.
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    names = {p.get("name") for p in spec["paths"]["/v1/stretches"]["get"]["parameters"]}
    assert {"page", "page_size", "q", "tag", "safe_for", "lang", "If-None-Match"} <= names
    names = {p.get("name") for p in spec["paths"]["/v1/sync"]["get"]["parameters"]}
    assert {"since", "limit", "lang"} <= names


def test_the_fuzzer_dictionary_names_seed_items() -> None:
    """schemathesis.toml points half the generated slugs at seed items: they must exist."""
    import tomllib

    config = tomllib.loads((ROOT / "schemathesis.toml").read_text(encoding="utf-8"))
    slugs = {
        item["slug"]
        for path in SEED.glob("*.yaml")
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))
    }
    for dictionary in config["dictionaries"].values():
        assert set(dictionary["values"]) <= slugs
