"""The tornado handler that forwards ``/rucio-jupyterlab/*`` to the backend, streaming the answer."""

import json
from typing import Any, Optional

from jupyter_server.base.handlers import APIHandler
from tornado import httputil, web
from tornado.iostream import StreamClosedError
from tornado.simple_httpclient import HTTPTimeoutError

from .forwarding import (
    connection_listed,
    path_for_backend,
    query_for_backend,
    request_headers_for_backend,
    response_header_allowed,
    user_name_of,
)
from .supervisor import LOG_HINT, Unavailable
from .unix_http import BACKEND_ORIGIN, UpstreamRequest

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class _ClientGone(Exception):
    """Raised inside tornado's client callbacks to abort the upstream request."""


class BackendProxyHandler(APIHandler):
    """Authenticated, XSRF-checked forwarding of one request to the backend.

    OPTIONS is not forwarded: it stays Jupyter's CORS pre-flight answer, which
    carries no credentials and so must not reach the backend.
    """

    def initialize(self, bridge: Any) -> None:  # type: ignore[override]
        self._bridge = bridge
        self._upstream: Optional[UpstreamRequest] = None
        self._upstream_start: Optional[httputil.ResponseStartLine] = None
        self._upstream_headers = httputil.HTTPHeaders()
        self._flushed = False
        self._client_gone = False

    # Every verb goes through the same path; @authenticated answers 403 to anonymous requests,
    # and tornado checks XSRF for the unsafe verbs before any of these run.
    @web.authenticated
    async def get(self, *_: Any) -> None:
        await self._forward()

    @web.authenticated
    async def head(self, *_: Any) -> None:
        await self._forward()

    @web.authenticated
    async def post(self, *_: Any) -> None:
        await self._forward()

    @web.authenticated
    async def put(self, *_: Any) -> None:
        await self._forward()

    @web.authenticated
    async def patch(self, *_: Any) -> None:
        await self._forward()

    @web.authenticated
    async def delete(self, *_: Any) -> None:
        await self._forward()

    def on_connection_close(self) -> None:
        self._client_gone = True
        if self._upstream is not None:
            self._upstream.cancel()
        super().on_connection_close()

    def finish(self, chunk: Any = None) -> Any:
        # APIHandler.finish would force application/json over the backend's own Content-Type.
        update_activity = getattr(self, "update_api_activity", None)
        if update_activity is not None:
            update_activity()
        return super(APIHandler, self).finish(chunk)

    def compute_etag(self) -> Optional[str]:
        # Caching headers are the backend's call; tornado must not invent an ETag for its answers.
        return None

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(error, web.HTTPError):
            message = error.log_message or error.reason or httputil.responses.get(status_code, "Error")
            if error.log_message and error.args:
                message = error.log_message % error.args
        else:
            message = f"Internal error in the Rucio JupyterLab bridge. {LOG_HINT}"
        self._finish_json({"success": False, "error": message})

    # ----------------------------------------------------------------------------------------

    async def _forward(self) -> None:
        bridge = self._bridge
        bridge.ensure_started()
        supervisor = bridge.supervisor
        if not await supervisor.wait_ready(bridge.settings.request_wait):
            self._reply_unavailable(supervisor.unavailable())
            return
        upstream = self._upstream_request()
        self._upstream = upstream
        try:
            await bridge.client.fetch(upstream, raise_error=False)
        except Exception as error:  # transport failures: refused, reset, timeout, aborted
            self._upstream_failed(error)
            return
        finally:
            self._upstream = None
        if self._client_gone:
            return
        self.finish()

    def _upstream_request(self) -> UpstreamRequest:
        request = self.request
        bridge = self._bridge
        base_url = self.settings.get("base_url", "/")
        query = query_for_backend(request.query)
        url = BACKEND_ORIGIN + path_for_backend(request.path, base_url) + (f"?{query}" if query else "")
        has_body = request.method in _BODY_METHODS or bool(request.body)
        return UpstreamRequest(
            url,
            method=request.method,
            headers=request_headers_for_backend(request.headers, user_name_of(self.current_user), base_url),
            body=request.body if has_body else None,
            allow_nonstandard_methods=True,
            follow_redirects=False,
            decompress_response=False,
            connect_timeout=bridge.settings.connect_timeout,
            request_timeout=bridge.settings.request_timeout,
            header_callback=self._on_upstream_header_line,
            streaming_callback=self._on_upstream_chunk,
        )

    def _on_upstream_header_line(self, line: str) -> None:
        if self._client_gone:
            raise _ClientGone()
        if line.startswith("HTTP/"):
            self._upstream_start = httputil.parse_response_start_line(line.strip())
            self._upstream_headers = httputil.HTTPHeaders()
        elif line.strip():
            self._upstream_headers.parse_line(line.rstrip("\r\n"))
        else:
            self._apply_upstream_headers()

    def _apply_upstream_headers(self) -> None:
        start = self._upstream_start
        assert start is not None
        self.set_status(start.code, start.reason or None)
        hop_by_hop = connection_listed(self._upstream_headers)
        seen = set()
        for name, value in self._upstream_headers.get_all():
            if not response_header_allowed(name, hop_by_hop):
                continue
            if name.lower() in seen:
                self.add_header(name, value)
            else:
                seen.add(name.lower())
                self.set_header(name, value)
        if "Content-Type" not in self._upstream_headers:
            self.clear_header("Content-Type")  # not tornado's text/html default
        elif self._upstream_headers["Content-Type"].startswith("text/html"):
            # Pages (not JSON) get Jupyter's page policy instead of the API's `default-src 'none'`.
            self.set_header("Content-Security-Policy", super(APIHandler, self).content_security_policy)
        # A response without Content-Length is a stream: show its status before the first chunk.
        if "Content-Length" not in self._upstream_headers and self.request.method != "HEAD":
            self._flush_now()

    def _on_upstream_chunk(self, chunk: bytes) -> None:
        if self._client_gone or (self._upstream is not None and self._upstream.cancelled):
            raise _ClientGone()
        self.write(chunk)
        self._flush_now()

    def _flush_now(self) -> None:
        self._flushed = True
        try:
            future = self.flush()
        except StreamClosedError:
            self._client_gone = True
            return
        # A client that went away fails the flush; on_connection_close already handles that.
        future.add_done_callback(lambda done: done.exception())

    def _upstream_failed(self, error: Exception) -> None:
        if self._client_gone or isinstance(error, _ClientGone):
            return
        if self._flushed:
            # Status and part of the body are out; only an abrupt close tells the client it is cut.
            self.log.warning("Rucio JupyterLab backend response interrupted: %s", error)
            self.request.connection.close()
            self._client_gone = True
            return
        self.clear()
        if isinstance(error, HTTPTimeoutError):
            self.set_status(504)
            message = f"The Rucio JupyterLab backend did not answer in time ({error}). {LOG_HINT}"
            self._finish_json({"success": False, "error": message})
            return
        self.log.warning("Rucio JupyterLab backend unreachable: %s", error)
        self._reply_unavailable(
            Unavailable(
                f"The Rucio JupyterLab backend is not reachable ({error}); it may be restarting, "
                f"retry in a few seconds. {LOG_HINT}",
                2,
            )
        )

    def _reply_unavailable(self, unavailable: Unavailable) -> None:
        self.set_status(503)
        if unavailable.retry_after:
            self.set_header("Retry-After", str(unavailable.retry_after))
        self._finish_json({"success": False, "error": unavailable.message})

    def _finish_json(self, payload: Any) -> None:
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(payload))
