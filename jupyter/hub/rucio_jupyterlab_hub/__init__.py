"""JupyterHub side of Rucio JupyterLab.

* ``RucioTokenMixin``: mix into an Authenticator with auth_state; exchanges the login token for a Rucio
  token at spawn (RFC 8693), writes it to the user's token file and keeps it fresh while the server runs.
* ``RucioAuthenticator``: ``RucioTokenMixin`` + oauthenticator's ``GenericOAuthenticator`` (needs the
  ``oauthenticator`` package), a drop-in for the ESCAPE/CERN VRE ``hub.extraConfig`` class of that name.
* ``rucio_jupyterlab_hub.singleuser``: a jupyter-server extension that fetches the token from the hub
  when the hub cannot write the file itself (``rucio_token_delivery = "pull"``).
"""

from .mixin import RucioTokenMixin
from .token_endpoint import IssuedToken, TokenEndpoint, TokenEndpointError

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("rucio-jupyterlab-hub")
except PackageNotFoundError:  # running from a source checkout
    __version__ = "0+source"

__all__ = ["IssuedToken", "RucioAuthenticator", "RucioTokenMixin", "TokenEndpoint", "TokenEndpointError"]


def __getattr__(name):
    # Imported on demand: oauthenticator is optional, and the hub's own config may not need it.
    if name == "RucioAuthenticator":
        from .oauth import RucioAuthenticator

        return RucioAuthenticator
    raise AttributeError(name)


def _jupyter_server_extension_points():
    return [{"module": "rucio_jupyterlab_hub.singleuser"}]
