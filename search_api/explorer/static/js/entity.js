// An entity (resolution, body, initiative, ...): facts with evidence, mentions, versions of
// a resolution, its neighbourhood graph and timeline.
import { api } from "./api.js";
import { renderGraph } from "./graph.js";
import {
  citationHref, documentOfPassage, enc, errorBox, h, label, nodeHref,
} from "./util.js";

function evidence(link) {
  if (!link.evidence_passage) return h("p", { class: "cite" }, "No evidence passage stored.");
  const doc = documentOfPassage(link.evidence_passage);
  return [link.evidence_text ? h("blockquote", {}, `“${link.evidence_text}”`) : null,
    h("p", { class: "cite" }, "Evidence: ",
      h("a", { href: citationHref(doc, link.evidence_passage) }, `${doc}, passage ${link.evidence_passage}`))];
}

function factsSection(view) {
  const facts = view.links.filter((l) => l.type !== "MENTIONS");
  return h("section", { "aria-labelledby": "facts-h" }, h("h2", { id: "facts-h" }, `Facts (${facts.length})`),
    facts.length ? h("ul", { class: "plain facts", id: "facts" }, facts.map((l) => {
      const rel = h("span", { class: "rel" }, l.type.toLowerCase().replaceAll("_", " "));
      const other = h("a", { href: nodeHref(l.node) }, l.node.name);
      return h("li", { "data-relation": l.type },
        l.direction === "out" ? [view.entity.name, " ", rel, " ", other] : [other, " ", rel, " ", view.entity.name],
        h("span", { class: "muted" }, ` (${l.node.type})`), evidence(l));
    })) : h("p", { class: "muted" }, "No facts stored."));
}

function mentionsSection(view) {
  if (!view.mentions.length) return null;
  return h("section", { "aria-labelledby": "mentions-h" }, h("h2", { id: "mentions-h" }, `Mentioned in (${view.mentions.length})`),
    h("ul", {}, view.mentions.map((m) => h("li", {},
      h("a", { href: citationHref(m.document, m.passage) }, m.document), ` passage ${m.passage}: “${m.text}”`))));
}

async function versionsSection(id) {
  let res;
  try { res = await api(`/resolutions/${enc(id)}`); } catch { return null; }
  const rows = res.versions.map((v) => h("tr", {},
    h("td", {}, h("a", { href: nodeHref(v.version.type ? v.version : { ...v.version, type: "ResolutionVersion" }) }, v.version.name)),
    h("td", {}, v.conference || ""), h("td", {}, v.year ? String(v.year) : ""),
    h("td", {}, v.cited_by.map((c, i) => [i ? ", " : "", h("a", { href: nodeHref(c.node) }, label(c.node))]))));
  return h("section", { "aria-labelledby": "versions-h" }, h("h2", { id: "versions-h" }, "Versions"),
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, ["Version", "Conference", "Year", "Cited by"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows))));
}

async function timelineSection(id) {
  let res;
  try { res = await api("/timeline", { entity: id }); } catch { return null; }
  if (!res.items.length) return null;
  return h("section", { "aria-labelledby": "tl-h" }, h("h2", { id: "tl-h" }, "Timeline"),
    h("ol", { class: "timeline" }, res.items.map((it) => h("li", {},
      h("span", { class: "year" }, String(it.year)), h("a", { href: nodeHref(it.node) }, label(it.node)),
      it.relation ? h("span", { class: "rel" }, ` ${it.relation.toLowerCase().replaceAll("_", " ")}`) : null,
      it.date ? h("span", { class: "muted" }, ` · ${it.date}`) : null))));
}

export async function entityView(main, id, params, { alive }) {
  let view;
  try { view = await api(`/entities/${enc(id)}`); } catch (err) {
    main.append(h("h1", { tabindex: "-1" }, id), errorBox(err));
    return;
  }
  if (!alive()) return;
  const e = view.entity;
  main.append(h("h1", { tabindex: "-1" }, e.name),
    h("dl", { class: "meta-list" }, h("dt", {}, "Type"), h("dd", {}, e.type), h("dt", {}, "Id"), h("dd", {}, e.id),
      view.aliases.length ? [h("dt", {}, "Also called"), h("dd", {}, view.aliases.join("; "))] : null),
    factsSection(view));
  const graphBox = h("div", { id: "neighbour-graph" }, h("p", {}, "Loading the neighbourhood…"));
  main.append(h("section", { "aria-labelledby": "nb-h" }, h("h2", { id: "nb-h" }, "Neighbourhood"), graphBox));
  const [versions, timeline, neighbours] = await Promise.all([
    ["Resolution", "ResolutionVersion"].includes(e.type) ? versionsSection(e.id) : null,
    timelineSection(e.id),
    api(`/entities/${enc(e.id)}/neighbors`, { depth: params.get("depth") || 1, limit: 200 })
      .catch((err) => err)]);
  if (!alive()) return;
  if (neighbours instanceof Error) graphBox.replaceChildren(errorBox(neighbours));
  else await renderGraph(graphBox, neighbours, { rootId: neighbours.root.id, title: `Neighbourhood of ${e.name}` });
  for (const part of [versions, timeline, mentionsSection(view)]) if (part) main.append(part);
}
