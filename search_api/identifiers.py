"""Human identifiers to graph nodes, with the extractor's own recognisers.

``C23/52-E``, ``Doc. C23/52(Rev.1)``, ``Resolution 71``, ``PP Resolution 71 (Rev.
Bucharest, 2022)``, ``ICTGC`` or a canonical id all name one node. The order is:
the id itself, a document symbol (``ingest.symbols``), a resolution or decision
citation (the ids the extractor mints), the gazetteer (``ingest.resolution``), then
names and aliases stored in the graph. Several nodes answering to a name is an
:class:`AmbiguousError` listing them; none is a :class:`NotFoundError` with near
matches. Nothing is guessed.
"""

from __future__ import annotations

import difflib
from functools import cache

from graph.store import GraphStore, NodeInfo
from ingest.resolution import Resolver
from ingest.symbols import find_acts, parse_symbol
from ontology.errors import AmbiguousError, NotFoundError

MAX_CANDIDATES = 20
MAX_NEAR = 5


@cache
def _resolver() -> Resolver:
    return Resolver()


def canonical_document_id(text: str) -> str:
    """'C23/52-E' and 'Doc. C23/52' mean C23/52, 'C23/52-F' its French version (see
    ``DocumentSymbol.document_id``); anything else is taken as an id."""
    cleaned = text.strip().removeprefix("Doc.").removeprefix("Document").strip()
    symbol = parse_symbol(cleaned)
    return symbol.document_id if symbol else text.strip()


def candidate_ids(text: str) -> list[str]:
    """Ids the extractor would give ``text``, most specific first."""
    cleaned = " ".join(text.split())
    out = [cleaned, canonical_document_id(cleaned)]
    acts = list(find_acts(cleaned))
    if len(acts) == 1 and acts[0].text.strip() == cleaned:
        act = acts[0]
        if act.version_id is not None:
            out.append(act.version_id)
        out.append(act.work_id)
    known = _resolver().lookup(cleaned)
    if known is not None:
        out.append(known.id)
    return list(dict.fromkeys(out))


def _describe(node: NodeInfo) -> dict[str, str]:
    return {"id": node.id, "type": node.label, "name": node.name}


def near_matches(store: GraphStore, text: str, limit: int = MAX_NEAR) -> list[dict[str, str]]:
    """Closest ids and names (only computed for an unknown identifier)."""
    rows = store.node_names()
    by_key: dict[str, tuple[str, str, str]] = {}
    for ident, label, name in rows:
        by_key.setdefault(ident.lower(), (ident, label, name))
        by_key.setdefault(name.lower(), (ident, label, name))
    keys = difflib.get_close_matches(text.lower(), list(by_key), n=limit * 3, cutoff=0.6)
    found: dict[str, dict[str, str]] = {}
    for key in keys:
        ident, label, name = by_key[key]
        found.setdefault(ident, {"id": ident, "type": label, "name": name})
    return list(found.values())[:limit]


def resolve(store: GraphStore, text: str, *, labels: tuple[str, ...] | None = None) -> NodeInfo:
    """The one node ``text`` names (restricted to ``labels`` when given)."""
    if not text.strip():
        raise NotFoundError("an empty identifier names nothing", id=text, near_matches=[])

    def wanted(node: NodeInfo) -> bool:
        return labels is None or node.label in labels

    ids = candidate_ids(text)
    found = store.nodes(ids)
    for ident in ids:
        if ident in found and wanted(found[ident]):
            return found[ident]
    named = [n for n in store.find_nodes(text, limit=MAX_CANDIDATES + 1) if wanted(n)]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        candidates = [_describe(n) for n in named[:MAX_CANDIDATES]]
        raise AmbiguousError(
            f"{text!r} names {len(named)} nodes: " + ", ".join(c["id"] for c in candidates),
            id=text, candidates=candidates)
    kind = "/".join(labels) if labels else "node"
    near = near_matches(store, text)
    hint = f"; did you mean {', '.join(n['id'] for n in near)}?" if near else ""
    raise NotFoundError(f"no {kind} {text!r}{hint}", id=text, near_matches=near)
