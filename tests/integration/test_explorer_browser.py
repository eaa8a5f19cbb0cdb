"""The web explorer in headless Chromium, against the real app serving ../shared/corpus.

Questions, gold passages and expected citations are read from ../shared/eval at run time.
Screenshots are written to tmp/artifacts (COUNCILKG_ARTIFACTS); the path is printed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from bench.servers import live_server
from search_api.api import create_app
from tests.conftest import shared_dir
from tests.integration.browser import (
    ARGS,
    ARTIFACTS,
    CHROMIUM,
    CONTRAST_JS,
    TAKEN,
    UNLABELLED_JS,
    normalise,
    require_browser,
    shot,
)

pytestmark = pytest.mark.slow
Page = Any  # playwright.sync_api.Page


@pytest.fixture(scope="module")
def site(kg) -> Iterator[str]:  # type: ignore[no-untyped-def]
    require_browser()
    # the explicit public-read mode `make run` uses: the page works without a key
    app = create_app(kg.settings.model_copy(update={"public_read": True}), kg=kg)
    with live_server(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM),
            args=ARGS, headless=True, viewport={"width": 1280, "height": 900})
        yield context
        context.close()


@pytest.fixture
def page(browser_context) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.errors = errors
    yield page
    page.evaluate("localStorage.clear()")
    page.close()
    assert not errors, errors


def ready(page: Page, route: str) -> None:
    """Wait until the page has rendered ``route`` (main[data-ready] starts with it)."""
    page.wait_for_function("(r) => (document.querySelector('main').dataset.ready || '')"
                           ".startsWith(r)", arg=route, timeout=90_000)


def documents(site: str) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = httpx.get(f"{site}/documents", params={"limit": 500},
                                           timeout=60).json()["documents"]
    return docs


@pytest.fixture(scope="module")
def question(site: str) -> tuple[str, str]:
    """The first shared question whose gold passage /ask returns in its top 5."""
    lines = shared_dir("eval", "questions.jsonl").read_text(encoding="utf-8").splitlines()
    for item in (json.loads(line) for line in lines if line.strip()):
        out = httpx.get(f"{site}/ask", params={"q": item["question"], "k": 5}, timeout=60).json()
        texts = [normalise(p["hit"]["passage"]["text"]) for p in out["passages"]]
        for gold in item["relevant"]:
            if any(normalise(gold["quote"]) in t for t in texts):
                return item["question"], normalise(gold["quote"])
    pytest.fail("no shared question has its gold passage in /ask's top 5")


def test_a_question_shows_its_passage_in_answers_and_results(page: Page, site: str,
                                                             question: tuple[str, str]) -> None:
    text, gold = question
    page.goto(site + "/")
    ready(page, "home")
    page.fill("#q", text)
    page.click("button[value=ask]")
    ready(page, "ask")
    answers = page.locator("#answer li.answer")
    found = [i for i, t in enumerate(answers.all_inner_texts()) if gold in normalise(t)]
    assert found, "the gold passage is not among the answer passages"
    item = answers.nth(found[0])
    assert item.locator("mark").count() == 1  # the answering sentence, highlighted
    assert item.locator(".cite a").first.get_attribute("href").startswith("#/document/")
    shot(page, "ask-1280", full_page=True)
    page.press("#q", "Enter")  # Enter is Search
    ready(page, "search")
    hits = page.locator("#hits > li").all_inner_texts()
    assert any(gold in normalise(t) for t in hits)
    assert page.locator("#hits mark").count() >= 1
    assert page.locator("#hits .chips a").count() >= 1  # entity chips link to entities
    shot(page, "search-1280")


def test_search_filters_come_from_the_data_and_apply(page: Page, site: str) -> None:
    docs = documents(site)
    page.goto(site + "/#/search?q=" + quote("IT governance and cybersecurity"))
    ready(page, "search")
    options = page.locator("#f-body option").evaluate_all("os => os.map(o => o.value)")
    assert set(options) == {""} | {d["body"] for d in docs if d["body"]}
    body = next(o for o in options if o and o != "body/council")
    page.select_option("#f-body", body)
    page.click("text=Apply filters")
    ready(page, "search")
    assert "body=" + quote(body, safe="") in page.evaluate("location.hash")
    shown = set(page.locator("#hits h3 a").all_inner_texts())
    allowed = {d["symbol"] or d["id"] for d in docs if d["body"] == body}
    assert shown and shown <= allowed


def test_document_page_draws_its_lineage_with_the_cited_symbols(page: Page, site: str) -> None:
    lines = shared_dir("eval", "references.jsonl").read_text(encoding="utf-8").splitlines()
    refs = max((json.loads(line) for line in lines if line.strip()),
               key=lambda r: len(r["documents"]))
    doc = next(d for d in documents(site) if (d["source"] or "").endswith(refs["file"]))
    expected = {sym + (f"(Rev.{rev})" if rev else "") for sym, rev in refs["documents"]}
    page.goto(f"{site}/#/document/{quote(doc['id'], safe='')}")
    ready(page, "document/")
    assert page.locator("h1").inner_text() == (doc["symbol"] or doc["id"])
    if doc["action_required"]:
        assert normalise(doc["action_required"]) in normalise(
            page.locator(".callout").inner_text())
    page.wait_for_function("() => document.querySelector('[data-graph]')?.__cy")
    labels = page.evaluate("() => document.querySelector('[data-graph]').__cy.nodes()"
                           ".map(n => n.data('label'))")
    assert expected <= set(labels)
    assert expected <= set(page.locator(".edge-list a").all_inner_texts())
    years = [int(y) for y in page.locator("#timeline .year").all_inner_texts()]
    assert years and years == sorted(years)
    assert page.locator(".passages > li").count() == httpx.get(
        f"{site}/documents/{quote(doc['id'], safe='')}", timeout=60).json()["passages"]
    graph = page.locator("[data-graph]")
    graph.scroll_into_view_if_needed()
    shot(page, "document-1280", full_page=True)
    lineage = ARTIFACTS / "document-lineage-1280.png"
    page.locator("section[aria-labelledby=lineage-h]").screenshot(path=str(lineage))
    TAKEN.append(lineage)
    target = sorted(expected)[0]
    x, y = page.evaluate("""(label) => {
        const cy = document.querySelector('[data-graph]').__cy;
        const node = cy.nodes().filter(n => n.data('label') === label)[0];
        const p = node.renderedPosition(), box = cy.container().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y]; }""", target)
    page.mouse.click(x, y)  # a click on the node in the drawing opens it
    page.wait_for_function("(id) => decodeURIComponent(location.hash) === '#/document/' + id",
                           arg=target)
    ready(page, "document/")
    assert page.locator("h1").inner_text() == target


def test_entity_page_shows_facts_with_evidence(page: Page, site: str,
                                               question: tuple[str, str]) -> None:
    hits = httpx.get(f"{site}/search", params={"q": question[0]}, timeout=60).json()["hits"]
    views = [httpx.get(f"{site}/entities/{e['id']}", timeout=60).json()
             for h in hits for e in h["entities"] if e["type"] != "Document"]
    view = next(v for v in views if any(link["evidence_text"] for link in v["links"]))
    facts = [link for link in view["links"] if link["type"] != "MENTIONS"]
    page.goto(f"{site}/#/entity/{quote(view['entity']['id'], safe='')}")
    ready(page, "entity/")
    assert page.locator("h1").inner_text() == view["entity"]["name"]
    items = page.locator("#facts > li")
    assert items.count() == len(facts)
    first = next(i for i, link in enumerate(facts) if link["evidence_text"])
    assert normalise(facts[first]["evidence_text"]) in normalise(items.nth(first).inner_text())
    page.wait_for_function("() => document.querySelector('[data-graph]')?.__cy")
    shot(page, "entity-1280", full_page=True)
    items.nth(first).locator(".cite a").click()  # the evidence opens in its document
    ready(page, "document/")
    passage = page.locator(".passages li.target")
    assert passage.get_attribute("data-passage") == facts[first]["evidence_passage"]
    assert normalise(facts[first]["evidence_text"]) in normalise(passage.inner_text())


def test_keyboard_alone_reaches_search_results_and_opens_one(page: Page, site: str,
                                                             question: tuple[str, str]) -> None:
    page.goto(site + "/")
    ready(page, "home")
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    else:
        pytest.fail("Tab never reached the search box")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.type(question[0])
    page.keyboard.press("Enter")
    ready(page, "search")
    assert page.evaluate("document.activeElement.tagName") == "H1"
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('#hits')"):
            break
    else:
        pytest.fail("Tab never reached the results")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert href.startswith("#/document/")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    ready(page, "document/")
    assert page.evaluate("location.hash") == href


def test_every_control_has_a_label_and_text_has_contrast(page: Page, site: str,
                                                         question: tuple[str, str]) -> None:
    doc = documents(site)[0]
    for route, name in ((f"#/search?q={quote(question[0])}", "search"),
                        (f"#/document/{quote(doc['id'], safe='')}", "document/"),
                        (f"#/ask?q={quote(question[0])}", "ask")):
        page.goto(f"{site}/{route}")
        ready(page, name)
        assert page.evaluate(UNLABELLED_JS) == [], route
        assert page.evaluate(CONTRAST_JS) == [], route


def test_narrow_screens_never_scroll_sideways(browser_context, site: str,  # type: ignore[no-untyped-def]
                                              question: tuple[str, str]) -> None:
    page = browser_context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    doc = next(d for d in documents(site) if d["symbol"])
    entity = httpx.get(f"{site}/search", params={"q": question[0]},
                       timeout=60).json()["hits"][0]["entities"][0]
    kind = "document" if entity["type"] == "Document" else "entity"
    routes = [("", "home"), (f"#/search?q={quote(question[0])}", "search"),
              (f"#/ask?q={quote(question[0])}", "ask"),
              (f"#/document/{quote(doc['id'], safe='')}", "document/"),
              (f"#/{kind}/{quote(entity['id'], safe='')}", f"{kind}/")]
    try:
        for route, name in routes:
            page.goto(f"{site}/{route}")
            ready(page, name)
            width = page.evaluate("[document.scrollingElement.scrollWidth, "
                                  "document.documentElement.clientWidth]")
            assert width[0] <= width[1], (route, width)
            if name in ("search", "document/"):
                shot(page, f"{name.strip('/')}-390", full_page=name == "document/")
    finally:
        page.close()


def test_key_is_sent_and_refusals_are_explained(page: Page, site: str) -> None:
    seen: list[str | None] = []

    def refuse(route) -> None:  # type: ignore[no-untyped-def]
        seen.append(route.request.headers.get("authorization"))
        status = 429 if len(seen) > 1 else 401
        route.fulfill(status=status, content_type="application/problem+json",
                      headers={"Retry-After": "7"} if status == 429 else {},
                      body=json.dumps({"type": "about:blank", "title": "refused",
                                       "status": status, "detail": f"refusal {status}"}))

    page.route("**/search?*", refuse)
    page.goto(site + "/#/search?q=budget")
    ready(page, "search")
    alert = page.locator("[role=alert]")
    assert "refusal 401" in alert.inner_text() and "API key" in alert.inner_text()
    page.click("#settings summary")
    page.fill("#api-key", "test-key-1")
    page.click("#settings-form button[type=submit]")
    ready(page, "search")
    assert seen == [None, "Bearer test-key-1"]
    assert "refusal 429" in alert.inner_text() and "7 s" in alert.inner_text()
    page.errors.clear()  # the refused loads are logged by the browser, as they should be


def test_answer_panel_states_the_graph_facts_with_citations(page: Page, site: str) -> None:
    lines = shared_dir("eval", "questions.jsonl").read_text(encoding="utf-8").splitlines()
    for item in (json.loads(line) for line in lines if line.strip()):
        out = httpx.get(f"{site}/ask", params={"q": item["question"], "k": 5}, timeout=60).json()
        cited = [f for e in out["entities"] for f in e["facts"] if f["citation"]]
        if cited:
            break
    else:
        pytest.fail("no shared question names an entity with cited facts")
    page.goto(f"{site}/#/ask?q={quote(item['question'])}")
    ready(page, "ask")
    facts = page.locator("#answer .entity-facts .facts > li")
    assert facts.count() == sum(len(e["facts"]) for e in out["entities"] if e["stored"])
    shown = normalise(" ".join(facts.all_inner_texts()))
    for fact in cited:
        assert normalise(fact["citation"]["text"]) in shown
        assert fact["node"]["name"] in shown
    link = facts.locator(".cite a").first
    href = link.get_attribute("href")
    assert href.startswith("#/document/") and "p=" in href
    link.click()  # the citation opens its passage with the span marked
    ready(page, "document/")
    assert page.locator(".passages li.target mark").count() == 1
