"""What the bridge lets through to the backend, and back."""

from types import SimpleNamespace

import pytest
from tornado.httputil import HTTPHeaders

from rucio_jupyterlab.forwarding import (
    path_for_backend,
    query_for_backend,
    request_headers_for_backend,
    response_header_allowed,
    user_name_of,
)


def _headers(*pairs):
    headers = HTTPHeaders()
    for name, value in pairs:
        headers.add(name, value)
    return headers


def test_jupyter_credentials_and_hop_by_hop_headers_are_removed():
    incoming = _headers(
        ("Authorization", "token jupyter-secret"),
        ("Cookie", "username-x=abc; _xsrf=def"),
        ("X-XSRFToken", "def"),
        ("Host", "127.0.0.1:8888"),
        ("Connection", "keep-alive, X-Private-Hop"),
        ("X-Private-Hop", "1"),
        ("Keep-Alive", "timeout=5"),
        ("Content-Length", "12"),
        ("Accept-Encoding", "gzip"),
        ("X-Forwarded-For", "10.0.0.1"),
        ("X-Jupyter-User", "mallory"),
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
        ("X-Custom", "one"),
        ("X-Custom", "two"),
    )
    outgoing = request_headers_for_backend(incoming, "alice", "/user/alice/")

    assert sorted(name for name, _ in outgoing.get_all()) == sorted(
        ["Content-Type", "Accept", "X-Custom", "X-Custom", "X-Jupyter-User", "X-Forwarded-Prefix"]
    )
    assert outgoing.get_list("X-Custom") == ["one", "two"]
    assert outgoing["X-Jupyter-User"] == "alice"
    assert outgoing["X-Forwarded-Prefix"] == "/user/alice"


def test_user_names_are_percent_encoded():
    outgoing = request_headers_for_backend(HTTPHeaders(), "jöe smith@cern.ch", "/")
    assert outgoing["X-Jupyter-User"] == "j%C3%B6e%20smith@cern.ch"
    assert outgoing["X-Forwarded-Prefix"] == ""


@pytest.mark.parametrize(
    "raw, forwarded",
    [
        ("", ""),
        ("namespace=atlas&did=user.x%3Afile", "namespace=atlas&did=user.x%3Afile"),
        ("token=abc&namespace=atlas", "namespace=atlas"),
        ("namespace=atlas&_xsrf=2%7Cabc&b=%20c", "namespace=atlas&b=%20c"),
        ("to%6Ben=abc&keep", "keep"),
        ("token&&x=1&", "x=1"),
    ],
)
def test_query_strings_lose_only_jupyter_credentials(raw, forwarded):
    assert query_for_backend(raw) == forwarded


@pytest.mark.parametrize(
    "path, base_url, expected",
    [
        ("/rucio-jupyterlab/instances", "/", "/rucio-jupyterlab/instances"),
        ("/user/alice/rucio-jupyterlab/did", "/user/alice/", "/rucio-jupyterlab/did"),
        ("/user/alice/rucio-jupyterlab/did/a%2Fb", "/user/alice/", "/rucio-jupyterlab/did/a%2Fb"),
    ],
)
def test_paths_lose_the_base_url(path, base_url, expected):
    assert path_for_backend(path, base_url) == expected


@pytest.mark.parametrize(
    "user, name",
    [
        (SimpleNamespace(username="alice", name="Alice A."), "alice"),  # jupyter-server 2 User
        ({"name": "bob", "admin": False}, "bob"),  # JupyterHub on jupyter-server 1
        ("carol", "carol"),
        (None, ""),
    ],
)
def test_user_names_from_every_server_generation(user, name):
    assert user_name_of(user) == name


@pytest.mark.parametrize("name", ["Content-Length", "Transfer-Encoding", "Connection", "Set-Cookie", "Server", "Date"])
def test_framing_and_cookie_response_headers_are_dropped(name):
    assert not response_header_allowed(name)


@pytest.mark.parametrize("name", ["Content-Type", "Cache-Control", "Location", "Retry-After", "X-Rucio-Thing"])
def test_meaningful_response_headers_are_kept(name):
    assert response_header_allowed(name)


def test_connection_listed_response_headers_are_dropped():
    assert not response_header_allowed("X-Hop", connection_listed=["x-hop"])
