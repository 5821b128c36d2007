"""Through a real jupyter-server to the real backend: authentication, XSRF, configuration hand-over."""

import json
import os
import stat
from urllib.parse import urlencode

import pytest

from support.routes import all_routes

INSTANCE = {
    "name": "sandbox",
    "display_name": "Sandbox",
    "rucio_base_url": "http://127.0.0.1:9",
    "rucio_auth_url": "http://127.0.0.1:9",
    "mode": "replica",
    "destination_rse": "XRD1",
    "rse_mount_path": "/tmp/rucio-rse",
}
# Three Jupyter configuration sources at once: a Python file (lazy append), JSON, a command-line flag.
CONFIG_PY = f"c.RucioConfig.instances.append({INSTANCE!r})\n"
CONFIG_JSON = {"default_instance": "sandbox"}
EXPECTED_CONFIG = {"RucioConfig": {"instances": [INSTANCE], "default_instance": "sandbox", "log_level": "info"}}

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
PATHS = sorted({path for _, path in all_routes()} | {"", "no-such-route"})


@pytest.fixture(scope="module")
def server(module_servers, real_backend):
    server = module_servers.start(
        backend=real_backend,
        rucio_config=CONFIG_JSON,
        config_py=CONFIG_PY,
        extra_args=["--RucioConfig.log_level=info"],
    )
    server.wait_backend_ready()
    return server


def test_get_with_token_reaches_the_backend(server):
    response = server.request("GET", "rucio-jupyterlab/instances")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert "instances" in response.json()


def test_token_in_the_query_string_authenticates(server):
    response = server.request(
        "GET", "rucio-jupyterlab/instances?" + urlencode({"token": server.token}), authenticated=False
    )
    assert response.status == 200
    assert "instances" in response.json()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", PATHS)
def test_every_route_refuses_anonymous_requests(server, method, path):
    # A matching XSRF cookie and header get past the XSRF check, so the refusal comes from
    # authentication itself (the XSRF check alone would also answer 403 to the unsafe verbs).
    response = server.request(
        method,
        f"rucio-jupyterlab/{path}?namespace=sandbox",
        authenticated=False,
        headers={"Cookie": "_xsrf=anonymous-xsrf", "X-XSRFToken": "anonymous-xsrf"},
        body=b"{}" if method in ("POST", "PUT", "PATCH") else None,
    )
    assert response.status in (401, 403)
    if method != "HEAD":
        error = response.json()
        assert error["success"] is False
        assert "xsrf" not in error["error"].lower()


def test_a_wrong_token_is_refused(server):
    response = server.request(
        "GET", "rucio-jupyterlab/instances", authenticated=False, headers={"Authorization": "token not-the-token"}
    )
    assert response.status == 403


def _login(server):
    login_page = server.request("GET", "login", authenticated=False)
    xsrf = login_page.cookies()["_xsrf"]
    login = server.request(
        "POST",
        "login",
        authenticated=False,
        headers={"Cookie": f"_xsrf={xsrf}", "Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode({"_xsrf": xsrf, "password": server.token}).encode(),
    )
    assert login.status == 302, login.body
    session = {name: value for name, value in login.cookies().items() if name.startswith("username-")}
    assert session, "no login cookie"
    cookies = {"_xsrf": xsrf, **session}
    return xsrf, "; ".join(f"{name}={value}" for name, value in cookies.items())


def test_cookie_session_get_works(server):
    _, cookie = _login(server)
    response = server.request("GET", "rucio-jupyterlab/instances", authenticated=False, headers={"Cookie": cookie})
    assert response.status == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_cookie_session_without_xsrf_is_refused(server, method):
    _, cookie = _login(server)
    response = server.request(
        method, "rucio-jupyterlab/instances", authenticated=False,
        headers={"Cookie": cookie, "Content-Type": "application/json"}, body=b"{}",
    )
    assert response.status == 403
    assert "xsrf" in response.json()["error"].lower()


def test_cookie_session_with_xsrf_reaches_the_backend(server):
    xsrf, cookie = _login(server)
    response = server.request(
        "PUT", "rucio-jupyterlab/instances", authenticated=False,
        headers={"Cookie": cookie, "X-XSRFToken": xsrf, "Content-Type": "application/json"},
        body=json.dumps({"instance": "sandbox", "auth": "userpass"}).encode(),
    )
    assert response.status != 403
    assert response.status < 500
    json.loads(response.body or b"null")


def test_runtime_files_are_private_and_hold_the_resolved_config(server):
    [directory] = server.backend_runtime_dirs()
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    config_file = directory / "rucio-config.json"
    assert stat.S_IMODE(os.stat(config_file).st_mode) == 0o600
    assert json.loads(config_file.read_text(encoding="utf-8")) == EXPECTED_CONFIG
    assert str(os.getpid()) not in directory.name  # named after the server process, not the tests
    assert f"rucio-jupyterlab-{server.process.pid}-" in directory.name
