"""What the backend receives and what the browser gets back, observed through the stub backend.

The server runs under a JupyterHub-like base URL so that prefix handling is exercised.
"""

import json
import threading
import time

import pytest

from support.jupyter import wait_for

BASE_URL = "/user/alice/"
SECRET = "hunter2-do-not-log"
RUCIO_CONFIG = {"instances": [{"name": "stub", "display_name": "Stub", "password": SECRET}]}


@pytest.fixture(scope="module")
def server(module_servers, stub_backend):
    server = module_servers.start(backend=stub_backend, rucio_config=RUCIO_CONFIG, base_url=BASE_URL)
    server.wait_backend_ready()
    return server


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
def test_method_path_query_and_body_are_forwarded(server, method):
    has_body = method in ("POST", "PUT", "PATCH", "DELETE")
    body = json.dumps({"did": "user.alice:file.root"}).encode() if has_body else None
    response = server.request(
        method,
        "rucio-jupyterlab/echo/a%2Fb?namespace=stub&did=user.alice%3Afile&empty=",
        headers={"Content-Type": "application/json"},
        body=body,
    )
    assert response.status == 200
    echo = response.json()
    assert echo["method"] == method
    assert echo["path"] == "/rucio-jupyterlab/echo/a%2Fb"
    assert echo["query"] == "namespace=stub&did=user.alice%3Afile&empty="
    assert echo["body"] == (body or b"").decode()
    assert echo["headers"]["content-type"] == ["application/json"]


def test_jupyter_credentials_never_reach_the_backend(server):
    response = server.request(
        "POST",
        f"rucio-jupyterlab/echo?token={server.token}&_xsrf=abc&keep=1",
        headers={
            "Cookie": "_xsrf=abc; username-127-0-0-1=session",
            "X-XSRFToken": "abc",
            "X-Jupyter-User": "mallory",
            "X-Custom": "kept",
        },
        body=b"{}",
    )
    assert response.status == 200
    echo = response.json()
    assert server.token not in json.dumps(echo)
    for header in ("authorization", "cookie", "x-xsrftoken"):
        assert header not in echo["headers"]
    assert echo["query"] == "keep=1"
    assert echo["headers"]["x-custom"] == ["kept"]
    assert echo["headers"]["x-jupyter-user"] != ["mallory"]
    assert echo["headers"]["x-jupyter-user"][0]
    assert echo["headers"]["x-forwarded-prefix"] == ["/user/alice"]


def test_status_type_and_headers_come_back_from_the_backend(server):
    response = server.request("GET", "rucio-jupyterlab/echo?status=418&content_type=text/x-teapot")
    assert response.status == 418
    assert response.headers["Content-Type"] == "text/x-teapot"
    assert response.headers["X-Stub-Backend"] == "yes"
    # Jupyter may set its own session cookie; the backend's must not get through.
    assert "backend_cookie" not in response.cookies()
    assert response.json()["method"] == "GET"


def test_html_pages_get_jupyters_page_policy_and_json_the_api_policy(server):
    page = server.request("GET", "rucio-jupyterlab/echo?status=404&content_type=text/html")
    api = server.request("GET", "rucio-jupyterlab/echo")
    assert page.status == 404
    assert "default-src 'none'" not in page.headers["Content-Security-Policy"]
    assert "frame-ancestors" in page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in api.headers["Content-Security-Policy"]


@pytest.mark.parametrize("method, status", [("HEAD", 200), ("GET", 204)])
def test_bodiless_answers_are_forwarded(server, method, status):
    response = server.request(method, f"rucio-jupyterlab/echo?status={status}")
    assert response.status == status
    assert response.headers["X-Stub-Backend"] == "yes"
    assert response.body == b""


def test_streams_arrive_chunk_by_chunk(server):
    connection = server.connection()
    try:
        requested = time.monotonic()
        connection.request(
            "GET",
            server.url_path("rucio-jupyterlab/stream?count=4&interval=0.4&delay=0.6"),
            headers={"Authorization": f"token {server.token}"},
        )
        response = connection.getresponse()
        headers_at = time.monotonic()
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
        arrivals = []
        while True:
            line = response.readline()
            if not line:
                break
            arrivals.append((time.monotonic(), line))
    finally:
        connection.close()

    assert [line for _, line in arrivals] == [b"line 1\n", b"line 2\n", b"line 3\n", b"line 4\n"]
    # Status and type were relayed before the first chunk existed (the backend waits 0.6 s first).
    assert arrivals[0][0] - headers_at >= 0.3, (requested, headers_at, arrivals)
    # The chunks came as the backend sent them (1.2 s apart end to end), not all at once at the end.
    spread = arrivals[-1][0] - arrivals[0][0]
    assert spread >= 0.6, [at for at, _ in arrivals]


def _open_hold(server):
    connection = server.connection(timeout=15)
    connection.request(
        "GET", server.url_path("rucio-jupyterlab/hold"), headers={"Authorization": f"token {server.token}"}
    )
    response = connection.getresponse()
    assert response.status == 200
    assert response.readline() == b"held\n"
    return connection


def _cancel_markers(server):
    return sorted(server.data_dir.glob("hold-cancelled-*"))


def test_a_client_disconnect_cancels_the_backend_request(server):
    before = len(_cancel_markers(server))
    connection = _open_hold(server)
    connection.close()
    wait_for(lambda: len(_cancel_markers(server)) == before + 1, 10, "the backend to see the disconnect")


def test_many_long_streams_run_at_the_same_time(server):
    # More than tornado's default of 10 concurrent client requests, which would queue the rest.
    count = 16
    connections, errors = [], []
    lock = threading.Lock()

    def open_one():
        try:
            connection = _open_hold(server)
            with lock:
                connections.append(connection)
        except Exception as error:  # reported below with the count
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=open_one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    try:
        assert errors == []
        assert len(connections) == count
    finally:
        before = len(_cancel_markers(server))
        for connection in connections:
            connection.close()
    wait_for(lambda: len(_cancel_markers(server)) >= before + count, 10, "all held requests to be released")


def test_backend_output_is_relayed_without_secrets(server):
    log = server.log_text()
    assert "password=***" in log
    assert SECRET not in log
