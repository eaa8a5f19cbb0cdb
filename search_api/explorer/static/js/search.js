// Search results (with filters) and the answer panel of /ask.
import { api, cached } from "./api.js";
import {
  bestSentence, citationHref, docHref, errorBox, h, marked, nodeHref,
} from "./util.js";

function chips(entities) {
  if (!entities.length) return null;
  return h("ul", { class: "chips", "aria-label": "Entities mentioned" },
    entities.map((e) => h("li", {}, h("a", { class: "chip", href: nodeHref(e) },
      e.name, h("span", { class: "kind" }, e.type)))));
}

function docTitle(doc) {
  return [h("a", { href: docHref(doc.id) }, doc.symbol || doc.id),
    doc.title ? h("span", {}, ` — ${doc.title.length > 140 ? `${doc.title.slice(0, 140)}…` : doc.title}`) : null];
}

function facetSelect(name, text, values, current, any = "Any", half = false) {
  const id = `f-${name}`;
  const select = h("select", { id, name },
    h("option", { value: "" }, any),
    values.map((v) => h("option", { value: v.value, selected: v.value === current },
      v.documents !== undefined ? `${v.label} (${v.documents})` : v.label)));
  return h("div", { class: half ? "field half" : "field" }, h("label", { for: id }, text), select);
}

const FILTERS = ["year_from", "year_to", "body", "document_type", "mode"];

async function filtersForm(params, go) {
  let facets = { years: [], bodies: [], document_types: [] };
  try { facets = await cached("/facets"); } catch { /* filters still work typed by hand */ }
  const modes = [{ value: "bm25", label: "Keywords (BM25)" }, { value: "dense", label: "Meaning (dense)" }];
  const form = h("form", { "aria-label": "Filters" }, h("fieldset", { class: "filters" },
    h("legend", { class: "sr-only" }, "Filter the passages"),
    facetSelect("year_from", "Year from", facets.years, params.get("year_from"), "Any", true),
    facetSelect("year_to", "Year to", facets.years, params.get("year_to"), "Any", true),
    facetSelect("body", "Submitted to", facets.bodies, params.get("body")),
    facetSelect("document_type", "Document type", facets.document_types, params.get("document_type")),
    facetSelect("mode", "Ranking", modes, params.get("mode"), "Hybrid (both)"),
    h("button", { type: "submit" }, "Apply filters")));
  form.addEventListener("submit", (evt) => {
    evt.preventDefault();
    const next = new URLSearchParams({ q: params.get("q") || "" });
    for (const [k, v] of new FormData(form)) if (v) next.set(k, v);
    go(`#/search?${next}`);
  });
  // open on wide screens or when a filter is set; one line on a phone otherwise
  const active = FILTERS.filter((k) => params.get(k)).length;
  return h("details", { class: "filter-box", open: active > 0 || window.matchMedia("(min-width: 761px)").matches },
    h("summary", {}, active ? `Filters (${active} set)` : "Filters"), form);
}

export async function searchView(main, params, { go, alive }) {
  const q = params.get("q") || "";
  main.append(h("h1", { tabindex: "-1" }, "Search results"));
  main.append(await filtersForm(params, go));
  if (!q.trim()) { main.append(h("p", {}, "Type something to search for.")); return; }
  const query = Object.fromEntries(FILTERS.map((k) => [k, params.get(k)]));
  const results = h("section", { "aria-labelledby": "results-h" },
    h("h2", { id: "results-h" }, `Passages for “${q}”`), h("p", {}, "Searching…"));
  main.append(results);
  let out;
  try { out = await api("/search", { q, k: 20, ...query }); } catch (err) {
    if (alive()) results.replaceChildren(results.firstChild, errorBox(err));
    return;
  }
  if (!alive()) return;
  const list = h("ol", { class: "hits", id: "hits" }, out.hits.map((hit) => {
    const p = hit.passage;
    const span = bestSentence(p.text, q);
    const titleId = `hit-${hit.rank}`;
    return h("li", { class: "hit", "data-passage": p.id },
      h("article", { "aria-labelledby": titleId },
        h("h3", { id: titleId }, ...docTitle(hit.document)),
        h("p", { class: "meta" }, `§ ${p.section}`,
          p.heading_path.length ? ` · ${p.heading_path.join(" › ")}` : "",
          hit.document.year ? ` · ${hit.document.year}` : "", p.page ? ` · page ${p.page}` : "",
          " · ", h("a", { href: citationHref(hit.document.id, p.id, span?.[0], span?.[1]) },
            "open in document")),
        h("p", { class: "passage" }, ...marked(p.text, span?.[0], span?.[1])),
        chips(hit.entities)));
  }));
  results.replaceChildren(results.firstChild,
    out.hits.length ? h("p", { class: "muted" }, `${out.hits.length} passages, best first (${out.mode}).`)
      : h("p", {}, "No passages match. Try other words or fewer filters."), list);
}

function citation(c) {
  return h("p", { class: "cite" }, "Source: ",
    h("a", { href: citationHref(c.document_id, c.passage_id, c.start, c.end) },
      `${c.symbol || c.document_id} § ${c.section}`),
    h("span", {}, ` (passage ${c.passage_id})`));
}

function factItem(fact) {
  const rel = fact.relation.toLowerCase().replaceAll("_", " ");
  return h("li", {},
    fact.direction === "out" ? [h("span", { class: "rel" }, rel), " ",
      h("a", { href: nodeHref(fact.node) }, fact.node.name)]
      : [h("a", { href: nodeHref(fact.node) }, fact.node.name), " ", h("span", { class: "rel" }, rel), " it"],
    h("span", { class: "muted" }, ` (${fact.node.type})`),
    fact.citation ? [h("blockquote", {}, `“${fact.citation.text}”`), citation(fact.citation)]
      : h("p", { class: "cite" }, "No evidence passage stored."));
}

export async function askView(main, params, { alive }) {
  const q = params.get("q") || "";
  main.append(h("h1", { tabindex: "-1" }, "Answer"));
  if (!q.trim()) { main.append(h("p", {}, "Type a question and choose Ask.")); return; }
  const panel = h("div", { id: "answer" }, h("p", {}, `Answering “${q}”…`));
  main.append(panel);
  let out;
  try { out = await api("/ask", { q, k: 5 }); } catch (err) {
    if (alive()) panel.replaceChildren(errorBox(err));
    return;
  }
  if (!alive()) return;
  const passages = h("section", { "aria-labelledby": "ans-h" },
    h("h2", { id: "ans-h" }, "Answer passages"),
    out.passages.length ? h("ol", { class: "hits" }, out.passages.map((a) => {
      const p = a.hit.passage;
      return h("li", { class: "hit answer", "data-passage": p.id },
        h("h3", {}, ...docTitle(a.hit.document)),
        h("p", { class: "passage" }, ...marked(p.text, a.answer.start, a.answer.end)),
        citation(a.answer), chips(a.hit.entities));
    })) : h("p", {}, "No passage answers this question."));
  const facts = h("section", { "aria-labelledby": "facts-h" },
    h("h2", { id: "facts-h" }, "What the graph knows"),
    out.entities.length ? out.entities.map((e) => h("article", { class: "hit entity-facts" },
      h("h3", {}, h("a", { href: nodeHref(e.entity) }, e.entity.name),
        h("span", { class: "muted" }, ` ${e.entity.type}, named “${e.text}”`)),
      !e.stored ? h("p", { class: "muted" }, "Recognised in the question, but nothing about it is stored.")
        : e.facts.length ? h("ul", { class: "plain facts" }, e.facts.map(factItem))
          : h("p", { class: "muted" }, "No facts stored.")))
      : h("p", { class: "muted" }, "The question names no known entity."));
  const related = h("section", { "aria-labelledby": "rel-h" },
    h("h2", { id: "rel-h" }, "Related documents"),
    h("ul", {}, out.related_documents.map((d) => h("li", {}, ...docTitle(d)))));
  panel.replaceChildren(passages, facts, related);
}
