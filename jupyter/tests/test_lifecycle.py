"""The backend's life under the bridge: restarts, failures that answer 503, shutdown without orphans."""

import http.client
import os
import signal

import pytest

from support.jupyter import process_alive, wait_for


def _instances(server):
    return server.request("GET", "rucio-jupyterlab/instances")


def test_a_killed_backend_answers_503_then_is_restarted(servers, real_backend):
    server = servers.start(backend=real_backend, extra_env={"RUCIO_JUPYTERLAB_RESTART_BACKOFF": "1"})
    first = server.wait_backend_ready()

    os.kill(first, signal.SIGKILL)
    wait_for(lambda: not process_alive(first), 5, "the killed backend to disappear")
    during = _instances(server)
    assert during.status == 503
    assert during.json()["success"] is False
    assert "restart" in during.json()["error"] or "not reachable" in during.json()["error"]
    assert during.headers["Retry-After"]

    second = server.wait_backend_ready(timeout=30)
    assert second != first
    assert "was killed by SIGKILL" in server.log_text()


def test_a_missing_backend_answers_503_with_the_fix_on_every_route(servers, tmp_path):
    missing = str(tmp_path / "not-installed" / "Rucio.JupyterLab.Server")
    server = servers.start(backend=missing)

    for method, path in [("GET", "instances"), ("GET", "did?namespace=x&did=s:n"), ("POST", "purge-cache")]:
        response = server.request(method, f"rucio-jupyterlab/{path}", body=b"{}" if method == "POST" else None)
        assert response.status == 503
        assert response.headers["Content-Type"] == "application/json"
        error = response.json()
        assert error["success"] is False
        assert missing in error["error"]
        assert "RUCIO_JUPYTERLAB_BACKEND" in error["error"]
        assert "Jupyter server log" in error["error"]
    assert server.backend_pids() == []
    assert server.backend_runtime_dirs() == []
    assert missing in server.log_text()


def test_anonymous_requests_are_refused_even_when_the_backend_is_missing(servers, tmp_path):
    server = servers.start(backend=str(tmp_path / "absent"))
    assert server.request("GET", "rucio-jupyterlab/instances", authenticated=False).status == 403


def test_a_crashing_backend_is_given_up_after_repeated_failures(servers, tmp_path):
    crashing = tmp_path / "crashing-backend"
    crashing.write_text('#!/bin/sh\necho "fatal: configuration unreadable" >&2\nexit 3\n', encoding="utf-8")
    crashing.chmod(0o755)
    server = servers.start(
        backend=str(crashing),
        extra_env={"RUCIO_JUPYTERLAB_MAX_RAPID_FAILURES": "3", "RUCIO_JUPYTERLAB_RESTART_BACKOFF": "0.1"},
    )

    def given_up():
        response = _instances(server)
        return response.status == 503 and "will not be restarted" in response.json()["error"] and response

    response = wait_for(given_up, 30, "the bridge to give up")
    error = response.json()["error"]
    assert "failed 3 times in a row" in error
    assert "exited with code 3" in error
    assert "restart the Jupyter server" in error
    log = server.log_text()
    assert "fatal: configuration unreadable" in log
    assert log.count("Started the Rucio JupyterLab backend") == 3


def test_server_shutdown_stops_the_backend(servers, real_backend):
    server = servers.start(backend=real_backend)
    pid = server.wait_backend_ready()
    [runtime_dir] = server.backend_runtime_dirs()

    assert server.stop() == 0
    assert not process_alive(pid)
    assert not runtime_dir.exists()
    assert "Stopping the Rucio JupyterLab backend" in server.log_text()


@pytest.mark.parametrize(
    "extensions",
    [{"rucio_jupyterlab.server": True}, {"rucio_jupyterlab": True, "rucio_jupyterlab.server": True}],
    ids=["legacy-name", "both-names"],
)
def test_old_and_new_entry_point_names_start_one_backend(servers, stub_backend, extensions):
    server = servers.start(backend=stub_backend, extensions=extensions)
    server.wait_backend_ready()  # asserts exactly one backend process
    assert len(server.backend_runtime_dirs()) == 1


def test_a_stream_cut_by_a_dying_backend_is_cut_for_the_client_too(servers, stub_backend):
    server = servers.start(backend=stub_backend)
    pid = server.wait_backend_ready()
    connection = server.connection(timeout=15)
    try:
        connection.request(
            "GET",
            server.url_path("rucio-jupyterlab/stream?count=50&interval=0.2"),
            headers={"Authorization": f"token {server.token}"},
        )
        response = connection.getresponse()
        assert response.readline() == b"line 1\n"
        os.kill(pid, signal.SIGKILL)
        # A clean end of the chunked body would pass a truncated answer off as complete.
        with pytest.raises(http.client.IncompleteRead):
            response.read()
    finally:
        connection.close()
