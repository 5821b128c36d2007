"""HTTP/1.1 over the backend's Unix socket with tornado's own client (no extra packages).

``SimpleAsyncHTTPClient`` connects wherever its resolver says; a resolver that
always answers ``AF_UNIX`` turns it into a Unix-socket client. Requests made
through `UpstreamRequest` can be cancelled, which closes the connection so the
backend sees the abort (Kestrel then cancels ``HttpContext.RequestAborted``).
"""

import socket
from typing import Any, List, Optional, Tuple

from tornado.httpclient import HTTPRequest
from tornado.netutil import Resolver
from tornado.simple_httpclient import SimpleAsyncHTTPClient

try:
    # Private, but stable since tornado 5; without it cancellation waits for the next chunk.
    from tornado.simple_httpclient import _HTTPConnection
except ImportError:  # pragma: no cover - depends on the tornado release
    _HTTPConnection = None  # type: ignore[assignment,misc]

# The host name only appears in the request line and Host header; the socket decides the peer.
BACKEND_ORIGIN = "http://rucio-jupyterlab-backend"

# Responses can be large (listings, downloads); the default cap of 100 MB would cut them off.
_MAX_BODY_SIZE = 1 << 40


class UnixSocketResolver(Resolver):
    """Resolves every host name to the backend's socket path."""

    def initialize(self, socket_path: str) -> None:  # type: ignore[override]
        self.socket_path = socket_path

    async def resolve(
        self, host: str, port: int, family: socket.AddressFamily = socket.AF_UNSPEC
    ) -> List[Tuple[int, Any]]:
        return [(socket.AF_UNIX, self.socket_path)]


class UpstreamRequest(HTTPRequest):
    """An `HTTPRequest` that can be cancelled while in flight."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cancelled = False
        self.connection: Optional[Any] = None

    def cancel(self) -> None:
        """Aborts the request: closes its connection if it has one; one still connecting is aborted
        by the proxy's callbacks when the first response bytes arrive."""
        self.cancelled = True
        stream = getattr(self.connection, "stream", None)
        if stream is not None and not stream.closed():
            stream.close()


if _HTTPConnection is not None:

    class _TrackedConnection(_HTTPConnection):  # type: ignore[misc,valid-type]
        """Lets an `UpstreamRequest` reach the stream that serves it."""

        def __init__(self, client: Any, request: Any, *args: Any, **kwargs: Any) -> None:
            original = getattr(request, "request", request)  # unwrap tornado's _RequestProxy
            if isinstance(original, UpstreamRequest):
                original.connection = self
            super().__init__(client, request, *args, **kwargs)

else:  # pragma: no cover
    _TrackedConnection = None  # type: ignore[assignment,misc]


class UnixSocketHTTPClient(SimpleAsyncHTTPClient):
    """A private (never shared) HTTP client bound to one Unix socket."""

    def initialize(  # type: ignore[override]
        self, socket_path: str, max_clients: int, **kwargs: Any
    ) -> None:
        self.socket_path = socket_path
        super().initialize(
            max_clients=max_clients,
            resolver=UnixSocketResolver(socket_path=socket_path),
            max_body_size=_MAX_BODY_SIZE,
            **kwargs,
        )

    def _connection_class(self) -> type:
        return _TrackedConnection or super()._connection_class()


def create_client(socket_path: str, max_clients: int) -> UnixSocketHTTPClient:
    # force_instance: the server's shared AsyncHTTPClient must keep its normal TCP resolver.
    return UnixSocketHTTPClient(force_instance=True, socket_path=socket_path, max_clients=max_clients)
