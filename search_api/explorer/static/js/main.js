// The explorer's shell: hash routes (shareable links), the query form, the key settings.
import { api, getKey, setKey } from "./api.js";
import { documentView } from "./document.js";
import { entityView } from "./entity.js";
import { askView, searchView } from "./search.js";
import { docHref, errorBox, h } from "./util.js";

const main = document.getElementById("main");
const status = document.getElementById("status");
const form = document.getElementById("query-form");
const input = document.getElementById("q");
let generation = 0;

function go(hash) {
  if (window.location.hash === hash) render(); else window.location.hash = hash;
}

async function documentsView(target, intro) {
  if (intro) {
    target.append(h("h1", { tabindex: "-1" }, "Council documents, searchable and linked"),
      h("p", {}, "Search passages (with filters), or ask a question to get the answering passages and what the graph knows about the things it names. Every document shows what it cites, what cites it and its passages."));
  } else target.append(h("h1", { tabindex: "-1" }, "Documents"));
  let out;
  try { out = await api("/documents", { limit: 500 }); } catch (err) { target.append(errorBox(err)); return; }
  target.append(h("h2", {}, `Ingested documents (${out.documents.length})`),
    h("div", { class: "table-wrap" }, h("table", { id: "documents" },
      h("thead", {}, h("tr", {}, ["Document", "Title", "Year", "Type"].map((t, i) =>
        h("th", { scope: "col", class: i > 1 ? "hide-narrow" : null }, t)))),
      h("tbody", {}, out.documents.map((d) => h("tr", {},
        h("td", {}, h("a", { href: docHref(d.id) }, d.symbol || d.id)),
        h("td", {}, d.title ? (d.title.length > 120 ? `${d.title.slice(0, 120)}…` : d.title) : ""),
        h("td", { class: "hide-narrow" }, d.year ? String(d.year) : ""),
        h("td", { class: "hide-narrow" }, d.document_type || "")))))));
}

function parse(hash) {
  const raw = hash.replace(/^#\/?/, "");
  const at = raw.indexOf("?");
  const path = at < 0 ? raw : raw.slice(0, at);
  return { path, params: new URLSearchParams(at < 0 ? "" : raw.slice(at + 1)) };
}

async function render() {
  const mine = ++generation;
  const ctx = { go, alive: () => mine === generation };
  const { path, params } = parse(window.location.hash);
  const decoded = (prefix) => decodeURIComponent(path.slice(prefix.length));
  main.replaceChildren();
  delete main.dataset.ready;
  status.textContent = "";
  if (params.has("q")) input.value = params.get("q");
  let title = "councilkg explorer";
  try {
    if (path === "search") { title = `Search: ${params.get("q")}`; await searchView(main, params, ctx); }
    else if (path === "ask") { title = `Ask: ${params.get("q")}`; await askView(main, params, ctx); }
    else if (path.startsWith("document/")) { title = decoded("document/"); await documentView(main, decoded("document/"), params, ctx); }
    else if (path.startsWith("entity/")) { title = decoded("entity/"); await entityView(main, decoded("entity/"), params, ctx); }
    else if (path === "documents") { title = "Documents"; await documentsView(main, false); }
    else await documentsView(main, true);
  } catch (err) {
    if (ctx.alive()) main.append(errorBox(err));
  }
  if (!ctx.alive()) return;
  document.title = `${title} · councilkg`;
  main.dataset.ready = path || "home";
  status.textContent = `Loaded: ${main.querySelector("h1")?.textContent || title}`;
}

form.addEventListener("submit", (evt) => {
  evt.preventDefault();
  const q = input.value.trim();
  if (!q) return;
  const action = evt.submitter?.value === "ask" ? "ask" : "search";
  const params = new URLSearchParams({ q });
  if (action === "search") {
    const { path, params: current } = parse(window.location.hash);
    if (path === "search") {
      for (const k of ["year_from", "year_to", "body", "document_type", "mode"]) {
        if (current.get(k)) params.set(k, current.get(k));
      }
    }
  }
  go(`#/${action}?${params}`);
});

const keyForm = document.getElementById("settings-form");
const keyInput = document.getElementById("api-key");
const keyState = document.getElementById("key-state");
const showKeyState = () => { keyState.textContent = getKey() ? "A key is saved." : "No key saved."; };
keyInput.value = getKey();
showKeyState();
keyForm.addEventListener("submit", (evt) => {
  evt.preventDefault(); setKey(keyInput.value.trim()); showKeyState(); render();
});
document.getElementById("forget-key").addEventListener("click", () => {
  setKey(""); keyInput.value = ""; showKeyState(); render();
});
document.querySelector("[data-skip]").addEventListener("click", (evt) => {
  evt.preventDefault(); main.focus();
});

// after a navigation the new page's heading takes focus (keyboard and screen readers)
window.addEventListener("hashchange", async () => {
  await render();
  main.querySelector(".target") || main.querySelector("h1")?.focus();
});
render();
