// Small DOM helpers shared by the views.

/** h("a", {href: "#/"}, "text", child...) builds an element; on* attributes add listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else if (name === "text") el.textContent = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const enc = encodeURIComponent;
export const docHref = (id, extra = "") => `#/document/${enc(id)}${extra}`;
export const nodeHref = (node) =>
  (node.type === "Document" ? docHref(node.id) : `#/entity/${enc(node.id)}`);

/** Where a citation points: the document page, scrolled to the passage, span marked. */
export function citationHref(documentId, passageId, start, end) {
  const q = new URLSearchParams({ p: passageId });
  if (start !== undefined && end !== undefined) { q.set("s", start); q.set("e", end); }
  return docHref(documentId, `?${q}`);
}

/** The document a passage id belongs to ("C25/44#3" -> "C25/44"). */
export const documentOfPassage = (pid) => pid.slice(0, pid.lastIndexOf("#"));

/** Text with [start, end) wrapped in <mark>. */
export function marked(text, start, end) {
  if (start === undefined || start < 0 || end <= start) return [text];
  return [text.slice(0, start), h("mark", {}, text.slice(start, end)), text.slice(end)];
}

const STOP = new Set(("a an and are as at be by for from has have how in is it its of on or " +
  "the to was were what when where which who whom why with does did do this that these " +
  "those itu").split(" "));

/** Words without stop words, crudely stemmed ("chairs", "chaired" -> "chair"). */
function terms(text) {
  return (text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}\-/]*/gu) || [])
    .filter((t) => !STOP.has(t) && t.length > 1)
    .map((t) => (t.length > 4 ? t.replace(/(?:ies|es|s|ed|ing)$/, "") : t));
}

/** The sentence of a passage sharing most words with the query: [start, end] or null.
 * (Search hits carry no sentence; /ask's answer sentences come from the model instead.) */
export function bestSentence(text, query) {
  const wanted = new Set(terms(query));
  if (!wanted.size) return null;
  const re = /[^.!?;\n]+(?:[.!?;]+|\n|$)/g;
  let best = null; let bestScore = 0; let m;
  while ((m = re.exec(text)) !== null) {
    if (!m[0].trim()) { if (re.lastIndex === m.index) re.lastIndex += 1; continue; }
    const score = new Set(terms(m[0]).filter((t) => wanted.has(t))).size;
    if (score > bestScore) {
      const lead = m[0].length - m[0].trimStart().length;
      best = [m.index + lead, m.index + m[0].trimEnd().length]; bestScore = score;
    }
  }
  return best;
}

/** Council session year encoded in a C-symbol (C23/52 -> 2023), for undated stubs. */
export function yearOfSymbol(symbol) {
  const m = /^C(\d{2}|\d{4})\//.exec(symbol || "");
  if (!m) return null;
  return m[1].length === 4 ? Number(m[1]) : 2000 + Number(m[1]);
}

export const label = (node) => node.symbol || node.name || node.id;

/** Colours by node type (and cited-only documents), shared by graphs and legends. */
export const COLOURS = {
  Document: "#1f5fbf", "Document (not ingested)": "#8c96a3", Resolution: "#b34700",
  ResolutionVersion: "#d9822b", Decision: "#a12a6b", Body: "#1b7f3a", Role: "#5c8f2a",
  Organization: "#2f6f6f", Initiative: "#7a3fb0", Objective: "#9b6bd1", Event: "#7a5c00",
  Topic: "#c2185b", Instrument: "#555f6d",
};
export const colourOf = (node) =>
  (node.type === "Document" && node.ingested === false
    ? COLOURS["Document (not ingested)"] : COLOURS[node.type] || "#444");

export function errorBox(err) {
  return h("p", { class: "error", role: "alert" }, err.message || String(err));
}
