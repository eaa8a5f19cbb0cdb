"""The production command: ``councilkg serve`` starts, logs JSON, becomes ready, and on
SIGTERM shuts down gracefully, closing the store (a new read-write open then succeeds)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

CLI = Path(sys.executable).parent / "councilkg"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_serve_ready_then_graceful_shutdown(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "store"
    port = free_port()
    env = {**os.environ, "COUNCILKG_LOG_FORMAT": "json", "COUNCILKG_STORE": str(store),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.Popen([str(CLI), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        ready = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/ready",
                                  headers={"X-Request-ID": "serve-test"}, timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert ready is not None and ready.status_code == 200, proc.poll()
        assert ready.headers["X-Request-ID"] == "serve-test"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # uvicorn re-raises the signal once shut down, so the exit status says SIGTERM
    assert proc.returncode in (0, -signal.SIGTERM), err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert lines, err
    assert all({"time", "level", "logger", "message", "request_id"} <= set(x) for x in lines)
    access = [x for x in lines if x["logger"] == "councilkg.access"]
    assert any(x["request_id"] == "serve-test" and x.get("path") == "/ready"
               and x.get("status") == 200 and x.get("duration_ms", -1) >= 0
               for x in access), lines
    messages = [x["message"] for x in lines]
    assert "store closed" in messages
    assert messages.index("store closed") > messages.index(next(
        m for m in messages if "shutting down" in m.lower()))
