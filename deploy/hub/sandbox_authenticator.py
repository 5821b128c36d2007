"""A login form whose passwords are checked by the Rucio Sandbox's OIDC provider (test and demo only).

It stands in for GenericOAuthenticator: the hub user name maps to a Sandbox identity, the password typed
in the hub's login form is sent to the Sandbox with the OAuth password grant, and the JWT that comes back
is kept in auth_state as ``access_token``, exactly where GenericOAuthenticator keeps the IdP's token.
RucioTokenMixin then does what it does in production: exchange, token file, refresh.
"""

from jupyterhub.auth import Authenticator
from traitlets import Dict, Set, Unicode

from rucio_jupyterlab_hub import RucioTokenMixin, TokenEndpoint, TokenEndpointError


class SandboxPasswordAuthenticator(RucioTokenMixin, Authenticator):
    identities = Dict(
        key_trait=Unicode(), value_trait=Unicode(), config=True, help="Hub user name -> Sandbox userpass identity."
    )
    pull_users = Set(
        Unicode(), config=True, help="Users whose server fetches its token from the hub (delivery 'pull')."
    )

    async def authenticate(self, handler, data):
        name = (data or {}).get("username", "")
        password = (data or {}).get("password", "")
        identity = self.identities.get(name)
        if identity is None or not password:
            return None
        endpoint = TokenEndpoint(self.rucio_token_url, timeout=self.rucio_http_timeout)
        try:
            login = await endpoint.password(identity, password, scope="openid profile")
        except TokenEndpointError as error:
            self.log.warning("Sandbox login for %s refused: %s", name, error)
            return None
        return {"name": name, "auth_state": {"access_token": login.access_token, "refresh_token": None}}

    def rucio_delivery_for(self, user, spawner):
        return "pull" if user.name in self.pull_users else "file"
