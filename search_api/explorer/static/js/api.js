// The one way the page talks to the JSON API: adds the user's key, turns problem+json
// answers (RFC 9457) into readable errors.
const KEY = "councilkg.apiKey";

export function getKey() { return localStorage.getItem(KEY) || ""; }
export function setKey(value) {
  if (value) localStorage.setItem(KEY, value); else localStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(status, message, problem) {
    super(message);
    this.status = status;
    this.problem = problem || {};
  }
}

function explain(status, detail, retryAfter) {
  if (status === 401) return `Not authorised: ${detail}. Enter an API key under Settings.`;
  if (status === 403) return `Forbidden: ${detail}. This key does not allow it.`;
  if (status === 429) {
    const wait = retryAfter ? ` Try again in ${retryAfter} s.` : " Wait a moment and try again.";
    return `Too many requests: ${detail}.${wait}`;
  }
  if (status === 404) return `Not found: ${detail}`;
  if (status === 409) return `Ambiguous: ${detail}`;
  if (status === 422) return `Invalid request: ${detail}`;
  return `The server answered ${status}: ${detail}`;
}

export async function api(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  const headers = { Accept: "application/json" };
  const key = getKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  let response;
  try {
    response = await fetch(url, { headers });
  } catch (err) {
    throw new ApiError(0, `The server cannot be reached (${err.message}).`);
  }
  if (!response.ok) {
    let problem = {};
    try { problem = await response.json(); } catch { /* not JSON */ }
    let detail = problem.detail || response.statusText || "no detail";
    if (Array.isArray(detail)) detail = detail.map((d) => d.msg || String(d)).join("; ");
    throw new ApiError(response.status,
      explain(response.status, detail, response.headers.get("Retry-After")), problem);
  }
  return response.json();
}

const cache = new Map();
/** A GET whose answer does not change while the page is open (facets). */
export function cached(path, params = {}) {
  const key = path + JSON.stringify(params);
  if (!cache.has(key)) {
    cache.set(key, api(path, params).catch((err) => { cache.delete(key); throw err; }));
  }
  return cache.get(key);
}
