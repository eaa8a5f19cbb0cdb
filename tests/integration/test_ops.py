"""Operations: request ids, logs, probes, metrics, rate limit, CORS, every error a problem."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError

from search_api.api import create_app
from search_api.logs import JsonFormatter
from search_api.settings import Settings
from tests.conftest import SAMPLES
from tests.integration.conftest import key_for, open_kg
from tests.integration.test_api import assert_problem


def app_with(kg, **changes):  # type: ignore[no-untyped-def]
    return create_app(kg.settings.model_copy(update={"rate_limit": 0, **changes}), kg=kg)


@pytest.fixture(scope="module")
def client(kg) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    app = app_with(kg)

    @app.get("/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    with TestClient(app, raise_server_exceptions=False,
                    headers={"X-API-Key": key_for(kg)}) as c:
        yield c


# ---------------------------------------------------------------- request ids and logs
def test_request_id_minted_and_returned(client) -> None:  # type: ignore[no-untyped-def]
    first = client.get("/health").headers["X-Request-ID"]
    second = client.get("/health").headers["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_sane_request_id_kept_insane_replaced(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/health", headers={"X-Request-ID": "hub-7f3a.42"})
    assert r.headers["X-Request-ID"] == "hub-7f3a.42"
    for bad in ("a b", "x" * 200, "<script>", "-leading-dash"):
        r = client.get("/health", headers={"X-Request-ID": bad})
        assert r.headers["X-Request-ID"] != bad and len(r.headers["X-Request-ID"]) == 32


def test_request_id_in_problem_and_every_log_line(client, caplog) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.INFO):
        r = client.get("/boom", headers={"X-Request-ID": "trace-500"})
    body = assert_problem(r, 500)
    assert body["request_id"] == "trace-500" and r.headers["X-Request-ID"] == "trace-500"
    assert "secret internals" not in r.text
    mine = [rec for rec in caplog.records if getattr(rec, "request_id", None) == "trace-500"]
    assert {rec.name for rec in mine} >= {"search_api.middleware", "councilkg.access"}
    assert any(rec.exc_info for rec in mine)  # the stack trace is in the log, not the body
    access = next(rec for rec in mine if rec.name == "councilkg.access")
    assert (access.method, access.path, access.status) == ("GET", "/boom", 500)


def test_service_log_lines_carry_the_request_id(client, caplog) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.INFO):
        client.get("/documents/C99/1", headers={"X-Request-ID": "trace-404"})
    lines = [rec for rec in caplog.records if rec.name == "councilkg.access"]
    assert lines and lines[-1].request_id == "trace-404" and lines[-1].status == 404


def test_json_log_line_shape() -> None:
    record = logging.LogRecord("councilkg.access", logging.INFO, __file__, 1, "GET %s %d",
                               ("/search", 200), None)
    record.__dict__.update(request_id="abc", method="GET", path="/search", status=200,
                           duration_ms=12.5)
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert "\n" not in line
    assert list(data) == ["time", "level", "logger", "message", "request_id", "method",
                          "path", "status", "duration_ms"]
    assert data["message"] == "GET /search 200" and data["level"] == "INFO"
    assert data["time"].endswith("Z") and data["duration_ms"] == 12.5


# ---------------------------------------------------------------- errors
def test_unknown_route_and_method_are_problems(client) -> None:  # type: ignore[no-untyped-def]
    body = assert_problem(client.get("/no/such/route"), 404)
    assert body["type"].endswith("/not-found") and body["request_id"]
    r = client.post("/health")
    assert_problem(r, 405)
    assert "GET" in r.headers["Allow"]


# ---------------------------------------------------------------- probes
def test_ready_when_serving(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/ready").json()
    assert body == {"status": "ready", "backend": "embedded", "model": "all-MiniLM-L6-v2",
                    "dimension": 384}


def test_ready_503_before_start_and_while_closing(kg) -> None:  # type: ignore[no-untyped-def]
    app = app_with(kg)
    not_started = TestClient(app)  # no lifespan: the service is not open
    assert_problem(not_started.get("/ready"), 503)
    assert not_started.get("/health").json() == {"status": "ok", "backend": None,
                                                  "model": None}
    with TestClient(app) as c:
        assert c.get("/ready").status_code == 200
        app.state.councilkg.closing = True
        assert "shutting down" in assert_problem(c.get("/ready"), 503)["detail"]


def test_health_does_not_wait_for_the_store(client) -> None:  # type: ignore[no-untyped-def]
    state = client.app.state.councilkg
    results: list[int] = []
    with state.lock.writing():  # an upload holds the store alone
        probe = threading.Thread(target=lambda: results.append(client.get("/health").status_code))
        probe.start()
        probe.join(timeout=20)
    assert results == [200]


def test_store_closed_at_shutdown_once_idle(tmp_path, embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from search_api.service import CouncilKG

    kg = open_kg(tmp_path / "store", embedder)
    real_close = kg.close
    closed: list[bool] = []
    monkeypatch.setattr(CouncilKG, "open", classmethod(lambda cls, settings: kg))
    monkeypatch.setattr(kg, "close", lambda: closed.append(True))
    try:
        with TestClient(create_app(kg.settings)) as c:  # the app owns the service
            assert c.get("/ready").status_code == 200 and not closed
        assert closed == [True]
    finally:
        real_close()


def test_search_indexes_are_built_at_start(tmp_path, embedder, caplog) -> None:  # type: ignore[no-untyped-def]
    """The app warms the store before it answers: the in-memory search indexes exist when
    the first request arrives. A warm-up that fails is logged and the app still starts."""
    kg = open_kg(tmp_path / "store", embedder)
    try:
        [outcome] = kg.ingest([SAMPLES / "corpus" / "sample_c25-31.txt"])
        assert outcome.status == "ingested", outcome.reason
        passages = kg.store.passages  # type: ignore[attr-defined]
        passages._cache = None  # as after a restart
        with TestClient(app_with(kg)) as c:
            assert passages._cache is not None and len(passages._cache.matrix) > 0
            assert c.get("/ready").status_code == 200
        passages._cache = None

        def broken(request):  # type: ignore[no-untyped-def]
            raise RuntimeError("index files unreadable")

        kg.search = broken  # type: ignore[method-assign]
        with caplog.at_level(logging.WARNING), TestClient(app_with(kg)) as c:
            assert c.get("/health").status_code == 200
        assert "warm-up search failed: index files unreadable" in caplog.text
    finally:
        kg.close()


# ---------------------------------------------------------------- metrics
def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample of a Prometheus exposition, None if absent."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and s.labels == labels:
                return float(s.value)
    return None


def test_metrics_after_requests(client) -> None:  # type: ignore[no-untyped-def]
    before = client.get("/metrics").text
    count = "councilkg_http_request_duration_seconds_count"
    search = {"route": "/search", "method": "GET", "status": "200"}
    client.get("/search", params={"q": "ICTGC", "k": 2})
    client.get("/documents/C99/1")
    text = client.get("/metrics").text
    assert client.get("/metrics").headers["content-type"].startswith("text/plain")
    assert sample(text, count, **search) == (sample(before, count, **search) or 0) + 1
    assert sample(text, "councilkg_http_request_duration_seconds_bucket", le="+Inf",
                  **search) == sample(text, count, **search)
    missing = {"route": "/documents/{document_id:path}", "method": "GET", "status": "404"}
    total = "councilkg_http_requests_total"
    assert sample(text, total, **missing) == (sample(before, total, **missing) or 0) + 1
    assert sample(text, "councilkg_http_requests_in_flight") == 1  # this very request
    assert sample(text, "councilkg_ingest_documents_total", outcome="failed") == 0


def test_metrics_count_ingests(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    kg = open_kg(tmp_path / "store", embedder)
    try:
        with TestClient(create_app(kg=kg), headers={"X-API-Key": key_for(kg)}) as c:
            files = sorted((SAMPLES / "corpus").iterdir())[:1]
            [outcome] = kg.ingest(files)
            kg.ingest(files)  # unchanged
            text = c.get("/metrics").text
    finally:
        kg.close()
    assert outcome.status == "ingested" and outcome.passages > 0
    assert sample(text, "councilkg_ingest_documents_total", outcome="ingested") == 1
    assert sample(text, "councilkg_ingest_documents_total", outcome="unchanged") == 1
    assert sample(text, "councilkg_ingest_passages_total") == outcome.passages


# ---------------------------------------------------------------- rate limit
def test_rate_limit_per_key_with_retry_after(kg) -> None:  # type: ignore[no-untyped-def]
    app = create_app(kg.settings.model_copy(update={"rate_limit": 0.01, "rate_burst": 2,
                                                    "public_read": True}), kg=kg)
    alice_key, bob_key = key_for(kg, scope="read"), key_for(kg, scope="read")
    with TestClient(app) as c:
        alice = {"Authorization": f"Bearer {alice_key}"}
        assert [c.get("/stats", headers=alice).status_code for _ in range(2)] == [200, 200]
        r = c.get("/stats", headers=alice)
        body = assert_problem(r, 429)
        assert int(r.headers["Retry-After"]) >= 1 and "rate limit" in body["detail"]
        assert c.get("/stats", headers={"X-API-Key": bob_key}).status_code == 200
        assert c.get("/health", headers=alice).status_code == 200  # probes are exempt
        # the same key by the other header shares alice's bucket
        assert c.get("/stats", headers={"X-API-Key": alice_key}).status_code == 429
        # without a key, the client address is the bucket
        assert [c.get("/stats").status_code for _ in range(3)] == [200, 200, 429]


# ---------------------------------------------------------------- CORS
@pytest.fixture(scope="module")
def cors_client(kg) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app_with(kg, cors_origins=["https://hub.itu.int"]),
                    headers={"X-API-Key": key_for(kg)}) as c:
        yield c


def test_cors_allowed_origin(cors_client) -> None:  # type: ignore[no-untyped-def]
    r = cors_client.get("/stats", headers={"Origin": "https://hub.itu.int"})
    assert r.headers["Access-Control-Allow-Origin"] == "https://hub.itu.int"
    assert "X-Request-ID" in r.headers["Access-Control-Expose-Headers"]
    pre = cors_client.options("/search", headers={
        "Origin": "https://hub.itu.int", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "Authorization"})
    assert pre.status_code == 200 and "Authorization" in pre.headers[
        "Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in pre.headers


def test_cors_denied_origin(cors_client) -> None:  # type: ignore[no-untyped-def]
    r = cors_client.get("/stats", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers
    pre = cors_client.options("/search", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    assert pre.status_code == 400 and "Access-Control-Allow-Origin" not in pre.headers


def test_no_cors_headers_without_origins(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/stats", headers={"Origin": "https://hub.itu.int"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_wildcard_with_credentials_refused(kg, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from search_api.cli import app as cli

    monkeypatch.setenv("COUNCILKG_CORS_ORIGINS", "https://a.example, *")
    monkeypatch.setenv("COUNCILKG_CORS_CREDENTIALS", "true")
    with pytest.raises(ValidationError, match="list the allowed origins"):
        Settings()
    result = CliRunner().invoke(cli, ["serve"])  # refused before anything is opened
    assert result.exit_code == 2 and "list the allowed origins" in result.output
    with pytest.raises(ValueError, match="origin '\\*' with credentials"):
        app_with(kg, cors_origins=["*"], cors_credentials=True)
    monkeypatch.setenv("COUNCILKG_CORS_CREDENTIALS", "false")
    assert Settings().cors_origins == ["https://a.example", "*"]


# ---------------------------------------------------------------- workers and read-only
def test_several_workers_on_the_embedded_store_need_read_only() -> None:
    from ontology.errors import StoreUnavailableError
    from search_api.serving import check_workers

    with pytest.raises(StoreUnavailableError, match="COUNCILKG_READ_ONLY"):
        check_workers(Settings(workers=2))
    check_workers(Settings(workers=2, read_only=True))
    check_workers(Settings(workers=2, backend="neo4j"))
    check_workers(Settings(workers=1))


def test_read_only_service_refuses_writes_with_503(kg) -> None:  # type: ignore[no-untyped-def]
    from search_api.service import CouncilKG

    ro = CouncilKG(kg.settings.model_copy(update={"read_only": True, "rate_limit": 0}),
                   kg.store, kg.embedder)
    try:
        with TestClient(create_app(kg=ro), headers={"X-API-Key": key_for(kg)}) as c:
            body = assert_problem(c.delete("/documents/C25/44"), 503)
            assert "read-only" in body["detail"]
            assert c.get("/documents/C25/44").status_code == 200
            assert c.get("/search", params={"q": "ICTGC", "k": 1}).json()["hits"]
    finally:
        ro.log.close()  # the store is the session's


def test_serve_logs_json_lines(capfd) -> None:  # type: ignore[no-untyped-def]
    from search_api.logs import configure_logging, request_id_var

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure_logging("INFO", "json")
        token = request_id_var.set("rid-1")
        logging.getLogger("councilkg.test").info("hello %s", "world")
        request_id_var.reset(token)
        logging.getLogger("councilkg.test").warning("outside")
    finally:
        root.handlers[:] = handlers  # pytest's capture handlers
        root.setLevel(level)
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines()
             if line.startswith("{")]
    assert lines[-2]["message"] == "hello world" and lines[-2]["request_id"] == "rid-1"
    assert lines[-1]["request_id"] is None and lines[-1]["level"] == "WARNING"


def test_serve_options(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """One worker: the app itself; several: the factory, read-only store in the
    environment, and a start-up allowance long enough to load a model (uvicorn's 5 s
    default killed and restarted loading workers forever)."""
    import uvicorn

    from search_api import serving

    calls: list[tuple[object, dict[str, object]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.setattr("search_api.api.create_app", lambda settings: "the app")
    # serve() exports settings for the worker processes: into a copy of the environment
    # here (monkeypatch.delenv of an absent variable would not undo a later set)
    monkeypatch.setattr(os, "environ", dict(os.environ))
    serving.serve(Settings(store=tmp_path, shutdown_timeout=12))
    serving.serve(Settings(store=tmp_path, workers=3, read_only=True), port=9000)
    (one, single), (many, multi) = calls
    assert one == "the app" and single["timeout_graceful_shutdown"] == 12
    assert single["log_config"] is None and single["access_log"] is False
    assert many == "search_api.serving:app_factory" and multi["workers"] == 3
    assert multi["factory"] is True and multi["port"] == 9000
    assert int(multi["timeout_worker_healthcheck"]) >= 60  # type: ignore[call-overload]
    assert os.environ["COUNCILKG_READ_ONLY"] == "True"
    assert os.environ["COUNCILKG_STORE"] == str(tmp_path)
