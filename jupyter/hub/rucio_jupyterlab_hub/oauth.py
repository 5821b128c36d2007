"""``RucioAuthenticator`` = ``RucioTokenMixin`` + ``GenericOAuthenticator`` (package ``oauthenticator``).

Configured exactly like the ESCAPE/CERN VRE class of the same name (``hub.config.RucioAuthenticator``:
client_id, client_secret, authorize_url, token_url, userdata_url, username_key, scope), plus the
``rucio_*`` options of the mixin. auth_state is always enabled: the login token lives there.
"""

from traitlets import default

from .mixin import RucioTokenMixin

try:
    from oauthenticator.generic import GenericOAuthenticator
except ImportError as error:  # pragma: no cover - depends on the hub image
    raise ImportError(
        "RucioAuthenticator needs the oauthenticator package (pip install oauthenticator); with another "
        "authenticator, mix rucio_jupyterlab_hub.RucioTokenMixin into it instead"
    ) from error


class RucioAuthenticator(RucioTokenMixin, GenericOAuthenticator):
    @default("enable_auth_state")
    def _enable_auth_state_default(self):
        return True
