"""The production command: ``councilkg serve`` starts, logs JSON, becomes ready, and on
SIGTERM shuts down gracefully, closing the store (a new read-write open then succeeds)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

CLI = Path(sys.executable).parent / "councilkg"


def test_serve_ready_then_graceful_shutdown(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "store"
    env = {**os.environ, "COUNCILKG_LOG_FORMAT": "json", "COUNCILKG_STORE": str(store),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    # port 0: the server picks a free port and names it in its start-up log line (no race
    # with another process for a port chosen beforehand)
    proc = subprocess.Popen([str(CLI), "serve", "--host", "127.0.0.1", "--port", "0"],
                            env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    err_lines: list[str] = []
    reader = threading.Thread(target=lambda: err_lines.extend(iter(proc.stderr.readline, "")))
    reader.start()
    try:
        deadline = time.monotonic() + 120
        url = None
        while url is None and time.monotonic() < deadline and proc.poll() is None:
            found = [re.search(r"Uvicorn running on (http://[\d.:]+)", line)
                     for line in list(err_lines)]
            url = next((m.group(1) for m in found if m), None)
            time.sleep(0.2)
        assert url is not None, f"serve exited {proc.poll()}: {''.join(err_lines)[-3000:]}"
        ready = httpx.get(f"{url}/ready", headers={"X-Request-ID": "serve-test"}, timeout=10)
        assert ready.status_code == 200, ready.text
        assert ready.headers["X-Request-ID"] == "serve-test"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=10)
    err = "".join(err_lines)
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
