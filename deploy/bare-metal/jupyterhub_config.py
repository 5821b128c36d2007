# /etc/jupyterhub/jupyterhub_config.py for a bare-metal hub (seed 004: systemd + sudospawner), with the
# ESCAPE IAM as identity provider (GenericOAuthenticator, as in the IRIS IAM example) and Rucio tokens that
# stay fresh. The hub runs as the unprivileged "jupyterhub" account, so it cannot write into users' homes:
# each server fetches its own token file from the hub (rucio_token_delivery = "pull").
#
# Needs, in the hub's Python: jupyterhub, sudospawner, oauthenticator, rucio_jupyterlab_hub;
# in the users' Python (the one sudospawner-singleuser runs): rucio_jupyterlab, rucio_jupyterlab_hub.
import os

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

c.JupyterHub.bind_url = "http://127.0.0.1:8000"  # behind the site's httpd/nginx TLS proxy
c.JupyterHub.db_url = "sqlite:////var/lib/jupyterhub/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "/var/lib/jupyterhub/jupyterhub_cookie_secret"
c.ConfigurableHTTPProxy.command = ["/opt/jupyterhub/bin/configurable-http-proxy"]
c.ConfigurableHTTPProxy.pid_file = "/var/lib/jupyterhub/proxy.pid"

# --- spawner: each user's server runs as that user (a local account must exist, as in seed 004) -------
c.JupyterHub.spawner_class = "sudospawner.SudoSpawner"
c.SudoSpawner.sudospawner_path = "/opt/jupyterhub/bin/sudospawner"
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    # RUCIO_* as in singleuser.extraEnv of the CERN VRE (seed 002); OIDC settings come from the authenticator.
    "RUCIO_MODE": "replica",
    "RUCIO_WILDCARD_ENABLED": "1",
    "RUCIO_BASE_URL": "https://vre-rucio.cern.ch",
    "RUCIO_AUTH_URL": "https://vre-rucio-auth.cern.ch",
    "RUCIO_WEBUI_URL": "https://vre-rucio-ui.cern.ch",
    "RUCIO_DISPLAY_NAME": "RUCIO - CERN VRE",
    "RUCIO_NAME": "vre-rucio.cern.ch",
    "RUCIO_SITE_NAME": "CERN",
    "RUCIO_DEFAULT_AUTH_TYPE": "oidc",
    "RUCIO_DEFAULT_INSTANCE": "vre-rucio.cern.ch",
    "RUCIO_DESTINATION_RSE": "CERN-EOSPILOT",
    "RUCIO_RSE_MOUNT_PATH": "/eos/eulake",
    "RUCIO_PATH_BEGINS_AT": "5",
    "RUCIO_CA_CERT": "/certs/rucio_ca.pem",
}

# --- authentication: ESCAPE IAM login, Rucio token by exchange, refreshed while servers run -----------
from rucio_jupyterlab_hub import RucioAuthenticator  # noqa: E402

c.JupyterHub.authenticator_class = RucioAuthenticator
c.RucioAuthenticator.login_service = "ESCAPE IAM"
c.RucioAuthenticator.client_id = os.environ.get("OAUTH_CLIENT_ID", "")
c.RucioAuthenticator.client_secret = os.environ.get("OAUTH_CLIENT_SECRET", "")  # from crypt_key.env, mode 0600
c.RucioAuthenticator.oauth_callback_url = "https://<hub-host>/hub/oauth_callback"
c.RucioAuthenticator.authorize_url = "https://iam-escape.cloud.cnaf.infn.it/authorize"
c.RucioAuthenticator.token_url = "https://iam-escape.cloud.cnaf.infn.it/token"
c.RucioAuthenticator.userdata_url = "https://iam-escape.cloud.cnaf.infn.it/userinfo"
c.RucioAuthenticator.username_key = "preferred_username"
c.RucioAuthenticator.scope = ["openid", "profile", "email", "offline_access"]
c.RucioAuthenticator.rucio_audience = "rucio"
c.RucioAuthenticator.rucio_token_delivery = "pull"
c.RucioAuthenticator.rucio_token_file = "{home}/.rucio_jupyterlab/oidc_token"
