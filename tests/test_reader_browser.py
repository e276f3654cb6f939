"""The readers' pages in a real headless Chromium (the system's, driven by playwright) at
1400×1000: the article (every claim highlighted, deep links, filters, the links panel, the
keyboard), screenshots of each page as test artefacts, and an axe-core accessibility check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import alliance_data
from conftest import ROOT, missing_tool

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
AXE_SCRIPT = ROOT / ".cache" / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
VIEWPORT = {"width": 1400, "height": 1000}
CLAIMS = alliance_data.load("claims")


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core as scripts/test installs it from npm before the tests start (no test downloads)."""
    if not AXE_SCRIPT.exists():
        missing_tool(f"axe-core is not installed at {AXE_SCRIPT}: bash scripts/test installs it with npm")
    return AXE_SCRIPT


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        missing_tool("Chromium is not installed: bash scripts/test installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == [], errors


def shoot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
    return path


HIGHLIGHTED = """() => {
  const out = {};
  document.querySelectorAll("#article span.c").forEach(span => {
    // A claim's segments in document order; a segment's own text excludes nothing (nested spans
    // of other claims sit inside it and are part of its text).
    const id = span.dataset.claim;
    out[id] = (out[id] || "") + span.textContent;
  });
  const markers = [...document.querySelectorAll("#article a.cm")].map(a => a.id);
  return {text: out, markers};
}"""


def test_every_claim_is_highlighted_over_its_exact_quote(server, page):
    page.goto(server + "/article/irda")
    found = page.evaluate(HIGHLIGHTED)
    assert sorted(found["markers"]) == sorted(CLAIMS.claim_id)
    for claim in CLAIMS.itertuples():
        assert found["text"][claim.claim_id] == claim.quote, claim.claim_id


def test_a_deep_link_scrolls_to_and_selects_its_claim(server, page):
    claim = CLAIMS.set_index("claim_id").loc["irda-s3-004"]
    page.goto(server + "/article/irda#irda-s3-004")
    marker = page.locator("a.cm#irda-s3-004")
    assert "sel" in marker.get_attribute("class")
    assert marker.is_visible() and marker.evaluate(
        "m => { const r = m.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    panel = page.locator("#panel")
    assert panel.is_visible() and claim.statement in panel.inner_text()
    assert page.evaluate("document.activeElement.id") == "irda-s3-004"
    shoot(page, "article-selected-claim")


def test_a_filter_hides_what_it_should(server, page):
    page.goto(server + "/article/irda")
    page.select_option("#f-kind", "risk")
    risks = set(CLAIMS.loc[CLAIMS.kind == "risk", "claim_id"])
    visible = set(
        page.eval_on_selector_all("#article a.cm", "ms => ms.filter(m => m.offsetParent !== null).map(m => m.id)")
    )
    assert visible == risks
    underlined = set(page.eval_on_selector_all("#article span.c:not(.off)", "ss => ss.map(s => s.dataset.claim)"))
    assert underlined == risks
    assert page.locator("#shown").inner_text() == f"{len(risks)} of {len(CLAIMS)} claims shown"
    actors = alliance_data.load("claim_actors")
    page.select_option("#f-kind", "")
    page.select_option("#f-actor", "SOVIET_UNION")
    visible = set(
        page.eval_on_selector_all("#article a.cm", "ms => ms.filter(m => m.offsetParent !== null).map(m => m.id)")
    )
    assert visible == set(actors.loc[actors.actor_id == "SOVIET_UNION", "claim_id"])


def test_the_links_panel_navigates_to_the_other_claim(server, page):
    links = alliance_data.load("claim_links")
    target = links.loc[links.from_claim == "irda-s3-004", "to_claim"].iloc[0]
    page.goto(server + "/article/irda#irda-s3-004")
    page.locator(f'#panel a[data-goto="{target}"]').first.click()
    page.wait_for_function(f"location.hash === '#{target}'")
    assert "sel" in page.locator(f"a.cm#{target}").get_attribute("class")
    assert "sel" not in page.locator("a.cm#irda-s3-004").get_attribute("class")
    statement = CLAIMS.set_index("claim_id").loc[target, "statement"]
    assert statement in page.locator("#panel").inner_text()


def test_the_keyboard_reaches_every_claim_and_opens_and_closes_the_panel(server, page):
    page.goto(server + "/article/irda")
    page.locator("#f-cert").focus()
    reached = []
    for _ in range(len(CLAIMS) + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.matches('a.cm') ? document.activeElement.id : null")
        if focused is None and reached:
            break
        if focused:
            reached.append(focused)
    in_reading_order = list(CLAIMS.sort_values(["char_start", "char_end", "claim_id"]).claim_id)
    assert reached == in_reading_order
    page.locator("a.cm#irda-s2-004").focus()
    page.keyboard.press("Enter")
    assert page.locator("#panel").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#panel").is_visible()
    assert page.evaluate("document.activeElement.id") == "irda-s2-004"
    page.keyboard.press(" ")
    assert page.locator("#panel").is_visible() and "sel" in page.locator("a.cm#irda-s2-004").get_attribute("class")


def test_the_article_reads_without_javascript(server, browser):
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/article/irda")
    assert page.locator("#article span.c").count() >= len(CLAIMS)
    assert page.locator("li.detail").count() == len(CLAIMS)
    assert not page.locator("#filters").is_visible()  # controls that need a script stay hidden
    context.close()


def test_the_release_page_is_self_contained(browser, tmp_path):
    from alliance_data import about
    from alliance_data.release.cut import release
    from conftest import DATA

    directory = release(about.__version__, DATA, tmp_path).directory
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto((directory / "sources" / "irda.html").as_uri() + "#irda-s1-001")
    assert "sel" in page.locator("a.cm#irda-s1-001").get_attribute("class")
    assert [url for url in requested if not url.startswith("file://")] == []
    assert page.locator("#article a.cm").count() == len(CLAIMS)
    context.close()


PAGES = {
    "home": "/",
    "claims": "/alliance/claims",
    "claim-row": "/alliance/claims/irda-s3-004",
    "article": "/article/irda#irda-s3-004",
}


@pytest.mark.parametrize("name", [*PAGES, "argument-map"])
def test_screenshots_of_the_readers_pages(server, page, name):
    page.goto(server + PAGES.get(name, "/" + name))
    page.wait_for_load_state("networkidle")
    shoot(page, name)


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_accessibility_violation(server, page, axe_script, name):
    page.goto(server + PAGES[name])
    page.add_script_tag(path=str(axe_script))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    serious = [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"][:3]])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
