// A document: metadata, "Action required", lineage graph, timeline and passages.
import { api, cached } from "./api.js";
import { renderGraph } from "./graph.js";
import {
  docHref, enc, errorBox, h, label, marked, nodeHref, yearOfSymbol,
} from "./util.js";

function metaList(doc, facets) {
  const body = facets.bodies.find((b) => b.value === doc.body);
  const kind = facets.document_types.find((t) => t.value === doc.document_type);
  const rows = [
    ["Symbol", doc.symbol || "none printed"], ["Date", doc.date || (doc.year ? String(doc.year) : "undated")],
    ["Type", kind ? kind.label : doc.document_type],
    ["Submitted to", doc.body ? h("a", { href: `#/entity/${enc(doc.body)}` }, body ? body.label : doc.body) : null],
    ["Council is asked to", doc.action_type], ["Language", doc.language], ["Source file", doc.source],
  ].filter(([, v]) => v);
  return h("dl", { class: "meta-list" }, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function timeline(data, rootId) {
  const dated = data.nodes.filter((n) => n.type === "Document")
    .map((n) => ({ n, year: n.year ?? yearOfSymbol(n.symbol || n.id), guessed: n.year == null }))
    .filter((x) => x.year);
  const relation = new Map();
  for (const e of data.edges) {
    if (e.source === rootId) relation.set(e.target, e.type.toLowerCase().replaceAll("_", " "));
    if (e.target === rootId) relation.set(e.source, `${e.type.toLowerCase().replaceAll("_", " ")} this`);
  }
  dated.sort((a, b) => a.year - b.year || (a.n.date || "").localeCompare(b.n.date || "")
    || label(a.n).localeCompare(label(b.n)));
  if (!dated.length) return h("p", { class: "muted" }, "No dated documents in this lineage.");
  return h("ol", { class: "timeline" }, dated.map(({ n, year, guessed }) => h("li", {},
    h("span", { class: "year" }, String(year)),
    n.id === rootId ? h("strong", {}, `${label(n)} (this document)`)
      : h("a", { href: nodeHref(n) }, label(n)),
    relation.has(n.id) ? h("span", { class: "rel" }, ` ${relation.get(n.id)}`) : null,
    n.date ? h("span", { class: "muted" }, ` · ${n.date}`) : null,
    guessed ? h("span", { class: "muted" }, " · year from the symbol") : null,
    n.ingested === false ? h("span", { class: "muted" }, " · not ingested") : null)));
}

async function lineageSection(section, id, params, alive) {
  const direction = params.get("direction") || "both";
  const depth = params.get("depth") || "1";
  const graphBox = h("div", { id: "lineage-graph" }, h("p", {}, "Loading the lineage…"));
  const timelineBox = h("div", { id: "timeline" });
  const select = (name, text, options, current) => h("div", { class: "field" },
    h("label", { for: `l-${name}` }, text),
    h("select", { id: `l-${name}`, name }, options.map(([v, t]) =>
      h("option", { value: v, selected: v === current }, t))));
  const form = h("form", { class: "filters", "aria-label": "Lineage options" },
    select("direction", "Direction", [["both", "Both ways"], ["out", "What it builds on"],
      ["in", "What builds on it"]], direction),
    select("depth", "Depth", [["1", "1 hop"], ["2", "2 hops"], ["3", "3 hops"]], depth),
    h("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", (evt) => {
    evt.preventDefault();
    const next = new URLSearchParams(new FormData(form));
    window.location.hash = docHref(id, `?${next}`);
  });
  section.append(form, graphBox, h("h2", { id: "timeline-h" }, "Timeline"), timelineBox);
  let data;
  try {
    data = await api(`/documents/${enc(id)}/lineage`, { direction, depth, limit: 500 });
  } catch (err) {
    if (alive()) graphBox.replaceChildren(errorBox(err));
    return;
  }
  if (!alive()) return;
  await renderGraph(graphBox, data, { rootId: data.root.id, title: `Lineage of ${label(data.root)}` });
  timelineBox.replaceChildren(timeline(data, data.root.id));
}

function passagesList(out, params) {
  const target = params.get("p");
  const s = Number(params.get("s")); const e = Number(params.get("e"));
  return h("ol", { class: "plain passages" }, out.passages.map((p) => {
    const here = p.id === target;
    return h("li", { id: `passage-${p.ordinal}`, class: here ? "target" : null, "data-passage": p.id,
      tabindex: here ? "-1" : null },
    h("p", { class: "meta" }, `§ ${p.section}`,
      p.heading_path.length ? ` · ${p.heading_path.join(" › ")}` : "", p.page ? ` · page ${p.page}` : ""),
    h("p", { class: "passage" }, ...(here && params.has("s") ? marked(p.text, s, e) : [p.text])));
  }));
}

export async function documentView(main, id, params, { alive }) {
  let detail;
  try { detail = await api(`/documents/${enc(id)}`); } catch (err) {
    main.append(h("h1", { tabindex: "-1" }, id), errorBox(err));
    return;
  }
  if (!alive()) return;
  const doc = detail.document;
  let facets = { bodies: [], document_types: [] };
  try { facets = await cached("/facets"); } catch { /* labels fall back to ids */ }
  main.append(h("h1", { tabindex: "-1" }, doc.symbol || doc.id));
  if (doc.title) main.append(h("p", { class: "lead" }, doc.title));
  if (!doc.ingested) {
    main.append(h("p", { class: "notice" }, "Known only because other documents cite it: not ingested yet."));
  }
  main.append(metaList(doc, facets));
  if (doc.action_required) {
    main.append(h("section", { class: "callout", "aria-labelledby": "action-h" },
      h("h2", { id: "action-h" }, "Action required"), h("p", {}, doc.action_required)));
  }
  if (doc.summary) main.append(h("h2", {}, "Summary"), h("p", {}, doc.summary));
  const lineage = h("section", { "aria-labelledby": "lineage-h" }, h("h2", { id: "lineage-h" }, "Lineage"));
  main.append(lineage);
  const passages = h("section", { "aria-labelledby": "passages-h" },
    h("h2", { id: "passages-h" }, `Passages (${detail.passages})`));
  main.append(passages);
  const loadPassages = doc.ingested
    ? api(`/documents/${enc(id)}/passages`, { limit: 200 }).then((out) => {
      if (!alive()) return;
      passages.append(passagesList(out, params));
      if (out.total > out.passages.length) passages.append(h("p", { class: "muted" }, `First ${out.passages.length} of ${out.total} passages.`));
      const target = passages.querySelector(".target");
      if (target) { target.scrollIntoView({ block: "center" }); target.focus({ preventScroll: true }); }
    }).catch((err) => { if (alive()) passages.append(errorBox(err)); })
    : Promise.resolve();
  await Promise.all([lineageSection(lineage, doc.id, params, alive), loadPassages]);
}
