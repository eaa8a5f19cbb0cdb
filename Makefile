# The two commands (see README):
#   make run    set up .venv, ingest $(CORPUS) into the embedded store, serve on 127.0.0.1:8000
#   make test   set up / refresh .venv and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORPUS ?= samples/corpus
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test setup lint clean

setup: $(STAMP)

# torch is installed first and pinned: 2.13.0 is the CPU wheel on local disk;
# letting a dependency resolve torch would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	-$(BIN)/councilkg ingest $(CORPUS)
	$(BIN)/councilkg serve --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check ontology ingest graph search_api tests
	$(BIN)/mypy

clean:
	rm -rf .councilkg
