"""What crosses the bridge: which headers and query arguments reach the backend and come back.

The backend is reached only through the bridge, so it trusts what the bridge
sends; Jupyter's own credentials (token, cookies, XSRF) are removed so the
backend can never act as the user inside Jupyter.
"""

from typing import Iterable
from urllib.parse import quote, unquote_plus

from tornado.httputil import HTTPHeaders

USER_HEADER = "X-Jupyter-User"
"""Name of the authenticated Jupyter user (UTF-8, percent-encoded)."""

PREFIX_HEADER = "X-Forwarded-Prefix"
"""Jupyter's base URL without its trailing slash, e.g. ``/user/alice``; empty at the root."""

_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
_JUPYTER_CREDENTIALS = frozenset({"authorization", "cookie", "x-xsrftoken", "x-xsrf-token", "x-csrftoken"})
_REQUEST_DROPPED = (
    _HOP_BY_HOP
    | _JUPYTER_CREDENTIALS
    | frozenset(
        {
            "host",
            "content-length",  # recomputed from the body actually sent
            "accept-encoding",  # the backend answers uncompressed; Jupyter may compress towards the browser
            "expect",
            # Only the bridge vouches for where a request comes from and who sent it.
            "forwarded",
            "x-forwarded-for",
            "x-forwarded-host",
            "x-forwarded-proto",
            "x-forwarded-port",
            "x-real-ip",
            USER_HEADER.lower(),
            PREFIX_HEADER.lower(),
        }
    )
)
_RESPONSE_DROPPED = _HOP_BY_HOP | frozenset(
    {
        "content-length",  # the response is re-framed (chunked) towards the browser
        "set-cookie",  # the backend has no business setting cookies on Jupyter's origin
        "server",
        "date",
        "content-security-policy",  # Jupyter's policy applies to everything it serves
    }
)
# `token` authenticates to Jupyter via the URL; `_xsrf` is Jupyter's form-field XSRF token.
_QUERY_DROPPED = frozenset({"token", "_xsrf"})


def request_headers_for_backend(incoming: HTTPHeaders, user_name: str, base_url: str) -> HTTPHeaders:
    """Copies the browser's headers minus hop-by-hop and Jupyter credentials, plus the user's name."""
    dropped = _REQUEST_DROPPED | _connection_listed(incoming.get_list("Connection"))
    outgoing = HTTPHeaders()
    for name, value in incoming.get_all():
        if name.lower() not in dropped:
            outgoing.add(name, value)
    outgoing[USER_HEADER] = quote(user_name, safe="@.-_+~!$*'()")
    outgoing[PREFIX_HEADER] = base_url.rstrip("/")
    return outgoing


def response_header_allowed(name: str, connection_listed: Iterable[str] = ()) -> bool:
    lower = name.lower()
    return lower not in _RESPONSE_DROPPED and lower not in set(connection_listed)


def connection_listed(headers: HTTPHeaders) -> frozenset:
    return _connection_listed(headers.get_list("Connection"))


def query_for_backend(raw_query: str) -> str:
    """Drops Jupyter's credentials from a query string, keeping every other byte as sent."""
    kept = []
    for part in raw_query.split("&"):
        if not part:
            continue
        name = unquote_plus(part.split("=", 1)[0])
        if name not in _QUERY_DROPPED:
            kept.append(part)
    return "&".join(kept)


def path_for_backend(request_path: str, base_url: str) -> str:
    """The backend serves the browser's path minus Jupyter's base URL (``/user/x/`` → ``/``)."""
    if base_url and base_url != "/" and request_path.startswith(base_url):
        return "/" + request_path[len(base_url):]
    return request_path


def user_name_of(user: object) -> str:
    """The user's name on jupyter-server 2 (User objects), 1.x (str or JupyterHub dict)."""
    if user is None:
        return ""
    name = getattr(user, "username", None)
    if name is None and isinstance(user, dict):
        name = user.get("name")
    return str(name if name is not None else user)


def _connection_listed(values: Iterable[str]) -> frozenset:
    # Headers named in `Connection:` are hop-by-hop for this message only (RFC 9110, 7.6.1).
    return frozenset(token.strip().lower() for value in values for token in value.split(",") if token.strip())
