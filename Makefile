# The two commands (see README):
#   make run    set up .venv, ingest $(CORPUS) into the embedded store, serve on 127.0.0.1:8000
#   make test   set up / refresh .venv and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORPUS ?= samples/corpus
LINT_DIR   := tools/cypher-lint
LINT_STAMP := $(LINT_DIR)/node_modules/.installed
WEB_DIR    := search_api/explorer
WEB_STAMP  := $(WEB_DIR)/node_modules/.installed
CHROMIUM   := /usr/bin/chromium
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test setup lint clean browser

setup: $(STAMP) $(WEB_STAMP)

# torch is installed first and pinned: 2.13.0 is the CPU wheel on local disk;
# letting a dependency resolve torch would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The local demo serves loopback only, in the explicit public-read mode (no key needed to read
# public documents; `make run PUBLIC_READ=false` asks for keys, see README "Access").
PUBLIC_READ ?= true
run: $(STAMP) $(WEB_STAMP)
	-$(BIN)/councilkg ingest $(CORPUS)
	COUNCILKG_PUBLIC_READ=$(PUBLIC_READ) $(BIN)/councilkg serve --host 127.0.0.1 --port 8000

# Neo4j's own Cypher front end (npm, offline at run time) for tests/contract/test_cypher_lint.py;
# reinstalled only when the lock file changes. Without npm that test fails and says why.
$(LINT_STAMP): $(LINT_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(LINT_DIR) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: install Node.js 20 and npm, or test_cypher_lint will fail"; fi

# The explorer's browser libraries (cytoscape.js), from the committed lock file; served by the
# API from node_modules, never from a CDN. Without npm the page works and draws no graphs.
$(WEB_STAMP): $(WEB_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(WEB_DIR) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: install Node.js 20 and npm, or the explorer draws no graphs"; fi

# Debian's Chromium for the explorer's browser tests (Playwright drives it; it never
# downloads a browser of its own). Installed only when missing.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		if command -v apt-get >/dev/null 2>&1; then \
			$(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q chromium chromium-driver; \
		else echo "apt-get not found: install Chromium at $(CHROMIUM) for the browser tests"; fi; \
	fi

test: $(STAMP) $(LINT_STAMP) $(WEB_STAMP) browser
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check ontology ingest graph search_api tests bench
	$(BIN)/mypy

clean:
	rm -rf .councilkg
