"""Hub API route ``/hub/api/rucio/token/<user>``: a user's current Rucio token, for servers that pull it.

Registered by ``RucioTokenMixin.get_handlers``. The single-user server calls it with its own API token,
whose ``users:activity!user=<name>`` scope lets it read only its own user's token.
"""

import json

from jupyterhub.apihandlers.base import APIHandler
from jupyterhub.scopes import needs_scope
from tornado import web

from .token_endpoint import TokenEndpointError


class RucioTokenHandler(APIHandler):
    @needs_scope("users:activity")
    async def get(self, user_name):
        user = self.find_user(user_name)
        if user is None:
            raise web.HTTPError(404, "no such user")
        current = getattr(self.authenticator, "rucio_current_token", None)
        if current is None:
            raise web.HTTPError(404, "the authenticator does not provide Rucio tokens")
        try:
            token = await current(user)
        except TokenEndpointError as error:
            # The message names the endpoint and the OAuth error code, never a token.
            self.log.warning("Rucio token for %s unavailable: %s", user_name, error)
            raise web.HTTPError(503, "the Rucio token could not be renewed; log in again") from None
        if token is None:
            raise web.HTTPError(404, "no Rucio token for this user: start the server again after logging in")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"access_token": token.access_token, "expires_at": token.expires_at}))
