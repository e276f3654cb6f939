"""End to end in a real headless Chromium (Debian's /usr/bin/chromium, driven by playwright)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, missing_tool

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def page():
    if not Path(CHROMIUM).exists():
        missing_tool("Chromium is not installed: bash scripts/test installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser.new_page(viewport={"width": 1280, "height": 900})
        browser.close()


def test_browse_facet_search_and_follow_a_foreign_key(server, page):
    page.goto(server + "/")
    assert "Cite:" in page.content()
    page.click('a[href="/alliance/claims"]')
    page.wait_for_url("**/alliance/claims")
    import alliance_data

    assert f"{len(alliance_data.load('claims'))} rows" in page.content()

    # Apply a facet: the kind facet's "driver" value.
    page.locator("#facet-kind a", has_text="driver").first.click()
    page.wait_for_url("**kind=driver*")
    kinds = page.locator("table.rows-and-columns tbody td.col-kind").all_inner_texts()
    assert kinds and set(kinds) == {"driver"}

    # Run a full-text search from the table's box: it opens the ranked, highlighted search.
    page.goto(server + "/alliance/claims")
    page.fill("input[name=_search]", "sanctions")
    page.press("input[name=_search]", "Enter")
    page.wait_for_url("**/alliance/search_claims?q=sanctions*")
    first_row = page.locator("table.rows-and-columns tbody tr").first
    assert "sanction" in first_row.inner_text().lower()
    assert first_row.locator("mark").count() > 0

    # Follow a foreign-key link from a claim to its topic.
    page.goto(server + "/alliance/claims")
    page.locator("table.rows-and-columns tbody tr td.col-topic_id a").first.click()
    page.wait_for_url("**/alliance/topics/*")
    assert "topic_id" in page.content()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "datasette-topic.png"), full_page=True)
    assert (ARTIFACTS / "datasette-topic.png").stat().st_size > 10_000
