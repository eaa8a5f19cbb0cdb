// Lineage and neighbourhood graphs: cytoscape.js for the picture, plus the same nodes and
// edges as a list of links (keyboard and screen-reader users, and 390 px screens).
import { COLOURS, colourOf, h, label, nodeHref } from "./util.js";

let loading = null;
function loadCytoscape() {
  loading ??= import("/explorer/vendor/cytoscape.mjs").then((m) => m.default);
  return loading;
}

const relText = (type) => type.toLowerCase().replaceAll("_", " ");
function legend(nodes) {
  const kinds = new Map();
  for (const n of nodes) {
    const name = n.type === "Document" && n.ingested === false ? "Document (not ingested)" : n.type;
    kinds.set(name, COLOURS[name] || "#444");
  }
  return h("ul", { class: "legend", "aria-label": "Colours by type" },
    [...kinds].map(([name, colour]) => h("li", {},
      h("span", { class: "swatch", style: `background:${colour}`, "aria-hidden": "true" }), name)));
}

/** Edges touching the root first, each as "root — relation — other" with links. */
function edgeList(data, rootId) {
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const link = (id) => {
    const n = byId.get(id) || { id, type: "Document", name: id };
    const a = h("a", { href: nodeHref(n) }, label(n));
    return n.ingested === false ? [a, h("span", { class: "muted" }, " (not ingested)")] : [a];
  };
  const seen = new Set();
  const items = [];
  const edges = [...data.edges].sort((a, b) =>
    Number(b.source === rootId || b.target === rootId) - Number(a.source === rootId || a.target === rootId));
  for (const e of edges) {
    const key = `${e.source}|${e.type}|${e.target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const rel = h("span", { class: "rel" }, relText(e.type));
    let parts;
    if (e.source === rootId && e.target !== rootId) parts = [rel, " ", ...link(e.target)];
    else if (e.target === rootId && e.source !== rootId) parts = [...link(e.source), " ", rel, " this"];
    else parts = [...link(e.source), " ", rel, " ", ...link(e.target)];
    items.push(h("li", { "data-edge": e.type }, ...parts));
  }
  if (!items.length) return h("p", { class: "muted" }, "No links found.");
  return h("ul", { class: "plain edge-list" }, items);
}

/**
 * Render {nodes, edges} into `box`: graph (click a node to open it), legend and link list.
 * Returns the cytoscape instance (or null when the library is not installed).
 */
export async function renderGraph(box, data, { rootId, title }) {
  const canvas = h("div", {
    class: "graph", role: "img", "data-graph": rootId,
    "aria-label": `${title}: ${data.nodes.length} nodes, ${data.edges.length} links; the same links are listed beside it`,
  });
  const listId = `links-${Math.random().toString(36).slice(2, 8)}`;
  box.replaceChildren(
    legend(data.nodes),
    h("div", { class: "graph-box" }, canvas,
      h("section", { class: "graph-list", "aria-labelledby": listId },
        h("h3", { id: listId }, `Links (${data.edges.length})`), edgeList(data, rootId))));
  let cytoscape;
  try {
    cytoscape = await loadCytoscape();
  } catch (err) {
    canvas.replaceChildren(h("p", { class: "notice" },
      "The graph library is not installed (run make setup); the links are listed beside."));
    return null;
  }
  const depth = new Map((data.items || []).map((i) => [i.id, i.depth]));
  const elements = [
    ...data.nodes.map((n) => ({
      data: { id: n.id, label: label(n), colour: colourOf(n), href: nodeHref(n),
              root: n.id === rootId ? 1 : 0, stub: n.ingested === false ? 1 : 0 },
    })),
    ...data.edges.map((e, i) => ({
      data: { id: `e${i}`, source: e.source, target: e.target, label: relText(e.type) },
    })),
  ];
  const cy = cytoscape({
    container: canvas, elements, boxSelectionEnabled: false,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", label: "data(label)", color: "#1a1a1a",
        "font-size": 11, "text-valign": "bottom", "text-margin-y": 4, width: 22, height: 22,
        "text-wrap": "ellipsis", "text-max-width": 140, "text-background-color": "#ffffff",
        "text-background-opacity": 0.85, "text-background-padding": 1 } },
      { selector: "node[root = 1]", style: { width: 34, height: 34, "border-width": 3,
        "border-color": "#1a1a1a", "font-weight": "bold" } },
      { selector: "node[stub = 1]", style: { "border-width": 2, "border-style": "dashed",
        "border-color": "#4a5361" } },
      { selector: "edge", style: { width: 1.5, "line-color": "#8c96a3",
        "target-arrow-color": "#8c96a3", "target-arrow-shape": "triangle",
        "curve-style": "bezier", label: "data(label)", "font-size": 9, color: "#4a5361",
        "text-rotation": "autorotate", "text-background-color": "#ffffff",
        "text-background-opacity": 0.85 } },
    ],
    layout: data.nodes.length > 2
      ? { name: "concentric", concentric: (n) => 10 - (n.data("root") ? 0 : depth.get(n.id()) ?? 1),
          levelWidth: () => 1,
          minNodeSpacing: 30, animate: false }
      : { name: "grid", animate: false },
  });
  cy.on("tap", "node", (evt) => { window.location.hash = evt.target.data("href"); });
  cy.on("mouseover", "node", () => { canvas.style.cursor = "pointer"; });
  cy.on("mouseout", "node", () => { canvas.style.cursor = ""; });
  canvas.__cy = cy;
  return cy;
}
