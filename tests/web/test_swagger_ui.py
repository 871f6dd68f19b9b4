"""Swagger UI in a real browser, used as a person uses it, against a served instance.

Playwright (from .venv) drives Debian's chromium (a system part; no browser is downloaded):
open /docs, authorize with an editor's key pasted with its `Bearer ` prefix, reload (the key
must survive), then filter, expand and execute the prefilled examples of a list, a detail, the
recommendation, an admin create, and a PATCH with the If-Match that the admin GET's answer
shows. Each must show a 2xx in the page; no request may leave 127.0.0.1 and the console must
show no error, deep links included.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests import system_parts
from tests.web.conftest import Served

# As PITFALLS.md found for this machine's closed network: no background connections at all.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 20_000


@dataclass
class Watch:
    """What the page did that a person would not see: its requests and console errors."""

    hosts: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def browser() -> Iterator[Any]:
    chromium = system_parts.require("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def watched_page(browser: Any) -> tuple[Any, Watch]:
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch = Watch()

    def route(route: Any) -> None:
        host = urlsplit(route.request.url).hostname or ""
        watch.hosts.append(host)
        if host == "127.0.0.1":
            route.continue_()
        else:
            watch.foreign.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    return page, watch


def open_operation(page: Any, tag: str, operation_id: str) -> Any:
    """Type the tag in the filter box, open the tag, open the operation."""
    page.fill(".operation-filter-input", tag)
    # The filter re-renders the list: wait until only matching tags are left.
    page.wait_for_function(
        """tag => [...document.querySelectorAll("h3.opblock-tag")]
            .every(h => h.dataset.tag.includes(tag))""",
        arg=tag,
    )
    section = page.locator(f"h3#operations-tag-{tag}")
    if section.get_attribute("data-is-open") != "true":
        section.click()
    block = page.locator(f"#operations-{tag}-{operation_id}")
    if "is-open" not in (block.get_attribute("class") or ""):
        block.locator(".opblock-summary-control").click()
    return block


def execute(block: Any, fill: dict[str, str] | None = None) -> tuple[int, str]:
    """Try it out, fill the named parameters, Execute: the status and body the page shows."""
    block.locator(".try-out__btn").click()
    for name, value in (fill or {}).items():
        block.locator(f'tr[data-param-name="{name}"] input').fill(value)
    block.locator("button.execute").click()
    status = block.locator(".live-responses-table tr.response td.response-col_status").first
    status.wait_for()
    body = block.locator(".live-responses-table tr.response td.response-col_description pre").first
    return int(status.inner_text().strip()), body.inner_text()


def test_a_person_executes_the_prefilled_examples(browser: Any, served: Served) -> None:
    page, watch = watched_page(browser)
    page.goto(f"{served.url}/docs")
    page.wait_for_selector(".swagger-ui .information-container")

    # Authorize the way many people paste a key: with its scheme in front.
    page.click("button.authorize")
    page.fill("#auth-bearer-value", f"Bearer {served.editor_key}")
    page.click(".auth-btn-wrapper button.authorize")
    page.click(".auth-btn-wrapper button.btn-done")
    # The key survives a reload: every admin call below is made after it.
    page.reload()
    page.wait_for_selector(".swagger-ui .information-container")
    assert "locked" in (page.locator("button.authorize").get_attribute("class") or "")

    shown: dict[str, int] = {}
    for tag, operation_id in [
        ("stretches", "list-stretches"),
        ("stretches", "get-stretch"),
        ("recommendations", "recommend"),
        ("admin-stretches", "admin-create-stretch"),
    ]:
        shown[operation_id], _body = execute(open_operation(page, tag, operation_id))

    # PATCH with If-Match, as a person does it: read the item, copy its `etag`, paste it.
    shown["admin-get-stretch"], body = execute(
        open_operation(page, "admin-stretches", "admin-get-stretch")
    )
    etag = json.loads(body)["etag"]
    shown["admin-update-stretch"], body = execute(
        open_operation(page, "admin-stretches", "admin-update-stretch"), {"If-Match": etag}
    )
    assert all(200 <= status < 300 for status in shown.values()), shown
    assert shown["admin-create-stretch"] == 201
    assert json.loads(body)["etag"] != etag, "the PATCH example changed nothing"

    assert set(watch.hosts) == {"127.0.0.1"} and not watch.foreign, watch.foreign
    assert not watch.errors, watch.errors


# What the deep-link page may take: a collapsed tag's header (its description may wrap to a
# second line), the tag that holds the open operation (its body example and schemas
# included), and what follows the last tag.
TAG_HEADER_PX, OPEN_TAG_PX, FOOTER_PX = 100, 6500, 400


def test_a_deep_link_opens_its_operation_without_console_errors(
    browser: Any, served: Served
) -> None:
    page, watch = watched_page(browser)
    page.goto(f"{served.url}/docs#/admin-stretches/admin-update-stretch")
    block = page.locator("#operations-admin-stretches-admin-update-stretch")
    block.locator(".opblock-body").wait_for()
    # Collapsed by tag: only the linked operation is open, and the page is short.
    assert page.locator(".opblock.is-open").count() == 1
    assert page.locator(".opblock-tag-section.is-open").count() == 1
    height = page.evaluate("document.body.scrollHeight")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.opblock-tag-section')].map(section => [
            section.classList.contains('is-open'),
            section.getBoundingClientRect().top + window.scrollY,
            section.getBoundingClientRect().height,
        ])"""
    )
    # Short: above the tags, the page's title and description; then one header per tag and
    # the one tag that is open. The bound grows with the number of tags (each collection adds
    # two), not with anything else: a collapsed tag is its header alone, and the open one
    # holds one open operation among collapsed ones.
    (opened,) = [box for box in boxes if box[0]]
    collapsed = [box[2] for box in boxes if not box[0]]
    assert max(collapsed) <= TAG_HEADER_PX, collapsed
    assert opened[2] < OPEN_TAG_PX
    top = boxes[0][1]
    assert height < top + opened[2] + len(collapsed) * TAG_HEADER_PX + FOOTER_PX
    assert page.locator("link[rel=icon]").count() >= 1
    assert not watch.foreign and not watch.errors, (watch.foreign, watch.errors)
