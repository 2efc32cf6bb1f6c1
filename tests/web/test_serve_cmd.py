"""`basewatch serve` as a user runs it: a real process on a real socket, loopback without a token, any other
address only with one (generated and printed when not given)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from basewatch.web.server import effective_token, is_loopback

from .browser import free_port


def _start(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "basewatch", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = re.search(r"at (http://\S+)", line)
    if m is None:
        proc.kill()
        raise AssertionError(f"no address printed: {line!r} {proc.stdout.read()}")
    return proc, m.group(1)


def _get(url: str, tries: int = 100) -> tuple[int, bytes]:
    for _ in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()
        except urllib.error.URLError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answers at {url}")


def test_serve_binds_loopback_and_answers(demo_ws: Path) -> None:
    port = free_port()
    proc, url = _start(["serve", "-w", str(demo_ws), "--port", str(port)])
    try:
        assert url == f"http://127.0.0.1:{port}/"
        status, body = _get(url + "api/meta")
        assert status == 200 and json.loads(body)["workspace"] == demo_ws.name
    finally:
        proc.terminate()
        proc.wait(10)


def test_serve_on_another_address_prints_and_requires_a_token(demo_ws: Path) -> None:
    port = free_port()
    proc, url = _start(["serve", "-w", str(demo_ws), "--host", "0.0.0.0", "--port", str(port)])
    try:
        token = url.split("?token=")[1]
        assert len(token) >= 32
        local = f"http://127.0.0.1:{port}/api/meta"
        assert _get(local)[0] == 401
        req = urllib.request.Request(local, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_missing_workspace_is_one_line_and_exit_2(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "basewatch", "serve", "-w", str(tmp_path / "none.duckdb")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "none.duckdb" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                                 ("127.0.0.2", True), ("0.0.0.0", False), ("192.168.1.5", False)])
def test_which_addresses_need_a_token(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    assert (effective_token(host, None) is None) is loopback


def test_a_short_token_is_refused() -> None:
    from basewatch.errors import BasewatchError

    with pytest.raises(BasewatchError, match="16 characters"):
        effective_token("0.0.0.0", "short")
