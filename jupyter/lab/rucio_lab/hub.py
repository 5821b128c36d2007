"""Page-config keys a JupyterLab frontend needs when it runs as a JupyterHub single-user server.

The stock ``jupyter labhub`` app fills these in; we run under ``JUPYTERHUB_SINGLEUSER_APP`` with a plain
ServerApp instead, so this module does the same from the tornado settings jupyterhub-singleuser sets,
falling back to the spawner's ``JUPYTERHUB_*`` environment variables.
"""

import os

from jupyter_server.utils import url_path_join


def running_under_hub(environ=None):
    environ = os.environ if environ is None else environ
    return bool(environ.get("JUPYTERHUB_API_TOKEN") and environ.get("JUPYTERHUB_USER"))


def hub_page_config(tornado_settings, server_name=None, environ=None):
    """Returns the hub keys for page config, or {} when this server is not spawned by a hub."""
    environ = os.environ if environ is None else environ
    if not running_under_hub(environ):
        return {}
    hub_prefix = tornado_settings.get("hub_prefix") or url_path_join(environ.get("JUPYTERHUB_BASE_URL", "/"), "hub/")
    user = tornado_settings.get("user") or environ.get("JUPYTERHUB_USER", "")
    if isinstance(user, dict):
        user = user.get("name", "")
    if server_name is None:
        server_name = environ.get("JUPYTERHUB_SERVER_NAME", "")
    return {
        "hubPrefix": hub_prefix,
        "hubHost": tornado_settings.get("hub_host") or environ.get("JUPYTERHUB_HOST", ""),
        "hubUser": user,
        "hubServerName": server_name,
        "shareUrl": url_path_join(hub_prefix, "user-redirect"),
        # The frontend authenticates its API calls with the server's hub token, as labhub does.
        "token": environ["JUPYTERHUB_API_TOKEN"],
    }
