"""Shims for the jupyter-server 2 APIs that JupyterLab 4 calls, for Debian's jupyter-server 1.x.

Without them the frontend still works but logs 404s: /api/me (current user), the event bus websocket
/api/events/subscribe (retried with backoff), and /lsp/status (jupyter-lsp is not installed).
"""

import json

from jupyter_server import version_info as server_version_info
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web, websocket


def needs_compat_shims():
    return server_version_info[0] < 2


def _username(user):
    if isinstance(user, dict):
        return str(user.get("name") or user.get("username") or "anonymous")
    return str(user) if user else "anonymous"


class MeHandler(APIHandler):
    """GET /api/me: the identity model of jupyter-server 2, built from the 1.x current user."""

    @web.authenticated
    def get(self):
        name = _username(self.current_user)
        identity = {
            "username": name,
            "name": name,
            "display_name": name,
            "initials": name[:1].upper(),
            "avatar_url": None,
            "color": None,
        }
        self.finish(json.dumps({"identity": identity, "permissions": self._permissions()}))

    def _permissions(self):
        try:
            requested = json.loads(self.get_argument("permissions", "{}"))
        except ValueError as e:
            raise web.HTTPError(400, "permissions is not JSON") from e
        if not isinstance(requested, dict):
            raise web.HTTPError(400, "permissions must be an object")
        authorizer = self.settings.get("authorizer")
        granted = {}
        for resource, actions in requested.items():
            allowed = [
                action
                for action in (actions if isinstance(actions, list) else [])
                if authorizer is None or authorizer.is_authorized(self, self.current_user, action, resource)
            ]
            granted[resource] = allowed
        return granted


class EventsSubscribeHandler(JupyterHandler, websocket.WebSocketHandler):
    """WS /api/events/subscribe: accepts authenticated clients and stays silent (1.x has no event bus)."""

    async def get(self, *args, **kwargs):
        if self.current_user is None:
            raise web.HTTPError(403)
        return await super().get(*args, **kwargs)

    def on_message(self, message):
        """Clients do not send on this socket; anything received is ignored."""


class LspStatusHandler(APIHandler):
    """GET /lsp/status: an empty language-server listing, the answer of jupyter-lsp with no servers."""

    @web.authenticated
    def get(self):
        self.finish(json.dumps({"version": 2, "sessions": {}, "specs": {}}))


def _load_jupyter_server_extension(serverapp):
    if not needs_compat_shims():
        serverapp.log.info("rucio_lab.compat: jupyter-server %s has these APIs, shims not added", server_version_info)
        return
    base_url = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base_url, "api/me"), MeHandler),
            (url_path_join(base_url, "api/events/subscribe"), EventsSubscribeHandler),
            (url_path_join(base_url, "lsp/status"), LspStatusHandler),
        ],
    )


def _jupyter_server_extension_points():
    return [{"module": "rucio_lab.compat"}]


# jupyter-server 1.x also looks for the legacy hook name.
load_jupyter_server_extension = _load_jupyter_server_extension
