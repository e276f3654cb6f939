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


# --- what readers see: no developer chrome, nothing cut off, the article's width and quotes ---

CANNED = {
    "search_claims": "?q=sanctions",
    "claims_by_actor": "?actor_id=RUS",
    "drivers_with_evidence": "",
    "outlook_and_risks": "",
    "actor_pair_counts": "",
    "claims_in_reading_order": "",
    "what_follows_from_a_topic": "?topic_id=driver-shared-pressure",
}
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("name", list(CANNED))
def test_canned_queries_read_as_pages_not_sql_tools(server, page, name):
    page.goto(server + f"/alliance/{name}{CANNED[name]}")
    text = page.locator("body").inner_text()
    for chrome in ("Custom SQL query", "Run SQL", "Query parameters"):
        assert chrome not in text, chrome
    labels = page.eval_on_selector_all("form.sql label", "ls => ls.map(l => l.textContent.trim())")
    assert "q" not in labels and "page" not in labels
    if labels:
        assert "Page" in labels
        assert page.locator("form.sql [name=page]").evaluate("e => e.getBoundingClientRect().width") < 150
    rows = page.locator("table.rows-and-columns tbody tr").count()
    assert rows and page.locator("p.row-count").inner_text().startswith(f"{rows} row")
    assert page.evaluate(NO_OVERFLOW)
    shoot(page, f"query-{name}")


def test_the_tables_search_is_ranked_and_highlighted(server, page):
    page.goto(server + "/alliance/claims")
    page.fill("input[name=_search]", "sanctions")
    page.press("input[name=_search]", "Enter")
    page.wait_for_url("**/search_claims?q=sanctions")
    import json
    import urllib.request

    with urllib.request.urlopen(server + "/alliance/search_claims.json?q=sanctions&_shape=objects") as response:
        ranked = [row["claim_id"] for row in json.load(response)["rows"]]
    shown = page.eval_on_selector_all("td.col-claim_id a:first-child", "as => as.map(a => a.textContent.trim())")
    assert shown == ranked and len(ranked) > 5
    assert page.locator("td.col-match mark").count() >= len(ranked)
    assert page.locator("td.col-match mark").first.inner_text().lower().startswith("sanction")
    shoot(page, "table-search")


def test_the_claims_facets_read_for_readers(server, page):
    from alliance_data.codebook.vocabulary import Certainty

    page.goto(server + "/alliance/claims")
    certainty = page.eval_on_selector_all("#facet-certainty li a", "as => as.map(a => a.textContent.trim())")
    assert certainty == [level for level in Certainty.values() if level in set(CLAIMS.certainty)]
    headings = page.eval_on_selector_all(
        ".facet-info-name strong", "ss => ss.map(s => s.firstChild.textContent.trim())"
    )
    assert "actor" in headings and not any("(" in heading for heading in headings)
    titles = alliance_data.load("sources").title
    cells = page.eval_on_selector_all("td.col-source_id", "cs => cs.map(c => c.textContent.trim())")
    assert cells and set(cells) == {"irda"} and not any(title in " ".join(cells) for title in titles)


def test_the_home_page_shows_the_whole_map_and_the_claims_first(server, page):
    page.goto(server + "/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(NO_OVERFLOW)
    assert page.locator("ul.table-list li a").first.inner_text() == "claims"
    assert "hidden table" not in page.locator("body").inner_text()


@pytest.mark.parametrize("path", ["/argument-map", "/-/argument-map.svg"])
def test_every_line_of_the_argument_map_is_inside_the_figure(server, page, path):
    page.goto(server + path)
    outside = page.evaluate(
        """() => [...document.querySelectorAll("svg")].flatMap(svg => {
             const width = svg.viewBox.baseVal.width;
             return [...svg.querySelectorAll("path")]
               .filter(p => { const b = p.getBBox(); return b.x + b.width > width + 0.5; })
               .map(p => p.querySelector("title").textContent);
           })"""
    )
    assert outside == []


def test_the_article_text_uses_most_of_a_wide_window(server, page):
    page.goto(server + "/article/irda")
    width = page.locator("#article").evaluate("e => e.getBoundingClientRect().width")
    assert width >= 0.6 * VIEWPORT["width"]
    assert page.evaluate(NO_OVERFLOW)
    status = page.locator("header .status").inner_text()
    assert "irda.txt. " in status  # the note after the link starts a sentence of its own


def test_stacked_underlines_stay_inside_their_line(server, page):
    page.goto(server + "/article/irda")
    room = page.evaluate(
        """() => {
             const text = getComputedStyle(document.getElementById("article"));
             const deepest = Math.max(...[...document.querySelectorAll("#article span.c")].map(s => {
               const style = getComputedStyle(s);
               return parseFloat(style.paddingBottom) + parseFloat(style.borderBottomWidth);
             }));
             return {line: parseFloat(text.lineHeight), font: parseFloat(text.fontSize), deepest};
           }"""
    )
    # Below the glyphs (about 1.2 em of the line) there is room for the deepest underline and a gap.
    assert room["line"] - 1.2 * room["font"] >= room["deepest"] + 4, room


def test_a_quote_copied_from_the_article_is_the_authors_words_only(server, page):
    from alliance_data.rendering.article import CERTAINTY_GLYPHS

    by_start = CLAIMS.sort_values("char_start")
    # A dense passage: a claim with other claims' markers inside its span.
    dense = next(
        claim
        for claim in by_start.itertuples()
        if ((by_start.char_start > claim.char_start) & (by_start.char_start < claim.char_end)).sum() >= 2
    )
    page.goto(server + "/article/irda")
    copied = page.evaluate(
        """id => {
             const spans = document.querySelectorAll(`#article span.c[data-claim="${id}"]`);
             const range = document.createRange();
             range.setStartBefore(spans[0]);
             range.setEndAfter(spans[spans.length - 1]);
             const selection = getSelection();
             selection.removeAllRanges();
             selection.addRange(range);
             return selection.toString();
           }""",
        dense.claim_id,
    )
    assert copied == dense.quote
    whole = page.evaluate(
        """() => {
             getSelection().selectAllChildren(document.getElementById("article"));
             return getSelection().toString();
           }"""
    )
    assert not set(CERTAINTY_GLYPHS.values()) & set(whole)
    # The markers still show their certainty.
    glyph = page.locator("a.cm").first.evaluate("m => getComputedStyle(m, '::before').content")
    assert glyph.strip('"') in CERTAINTY_GLYPHS.values()
