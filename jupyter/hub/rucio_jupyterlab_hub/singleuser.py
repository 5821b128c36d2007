"""Single-user side of ``rucio_token_delivery = "pull"``: keeps ``$RUCIO_OIDC_FILE_NAME`` up to date.

A jupyter-server extension. Enable it in the single-user image
(``{"ServerApp": {"jpserver_extensions": {"rucio_jupyterlab_hub.singleuser": true}}}``); it does nothing
unless the hub asked for it by setting ``RUCIO_JUPYTERLAB_TOKEN_SYNC=pull``. It then fetches
``$JUPYTERHUB_API_URL/rucio/token/$JUPYTERHUB_USER`` with the server's own hub API token, once before the
server starts serving and then every ``RUCIO_JUPYTERLAB_TOKEN_SYNC_INTERVAL`` seconds (default 60), and
writes the token file atomically with mode 0600. The hub renews tokens when they are due, so each fetch
returns a token with most of its lifetime left.
"""

import asyncio
import json
import os
import ssl
import urllib.error
import urllib.request
from typing import Mapping, Optional, Tuple

from .token_files import write_token_file

PULL_ENV = "RUCIO_JUPYTERLAB_TOKEN_SYNC"
INTERVAL_ENV = "RUCIO_JUPYTERLAB_TOKEN_SYNC_INTERVAL"
DEFAULT_INTERVAL_S = 60.0
REQUEST_TIMEOUT_S = 15.0


class TokenSync:
    def __init__(self, environ: Mapping[str, str], log):
        self.url = environ["JUPYTERHUB_API_URL"].rstrip("/") + "/rucio/token/" + environ["JUPYTERHUB_USER"]
        self.path = environ["RUCIO_OIDC_FILE_NAME"]
        self._api_token = environ["JUPYTERHUB_API_TOKEN"]
        self._ssl = _hub_ssl_context(environ)
        self.interval = _positive_float(environ.get(INTERVAL_ENV), DEFAULT_INTERVAL_S)
        self._log = log
        self._last_written: Optional[str] = None
        self._failing = False

    def sync_once(self) -> bool:
        """Fetches the token and rewrites the file when it changed; True on success. Blocking."""
        try:
            token, _ = self._fetch()
        except (OSError, ValueError) as error:
            if not self._failing:
                self._log.warning("Could not fetch the Rucio token from the hub (%s); retrying every %ss", error, self.interval)
            self._failing = True
            return False
        if self._failing:
            self._log.info("Fetching the Rucio token from the hub works again")
        self._failing = False
        if token != self._last_written:
            write_token_file(self.path, token)
            self._last_written = token
        return True

    def _fetch(self) -> Tuple[str, Optional[float]]:
        request = urllib.request.Request(
            self.url, headers={"Authorization": f"token {self._api_token}", "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S, context=self._ssl) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            # HTTPError's text is the status line; the body (which could echo headers) is not used.
            raise OSError(f"HTTP {error.code} from {self.url}") from None
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise ValueError(f"{self.url} answered without an access_token")
        expires_at = answer.get("expires_at")
        return token, float(expires_at) if isinstance(expires_at, (int, float)) else None

    async def run_forever(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await asyncio.get_running_loop().run_in_executor(None, self.sync_once)


def _hub_ssl_context(environ: Mapping[str, str]) -> Optional[ssl.SSLContext]:
    """With JupyterHub's internal_ssl the hub API needs the server's client certificate."""
    ca = environ.get("JUPYTERHUB_SSL_CLIENT_CA")
    if not environ.get("JUPYTERHUB_API_URL", "").startswith("https:") or not ca:
        return None
    context = ssl.create_default_context(cafile=ca)
    certificate, key = environ.get("JUPYTERHUB_SSL_CERTFILE"), environ.get("JUPYTERHUB_SSL_KEYFILE")
    if certificate and key:
        context.load_cert_chain(certificate, key)
    return context


def _positive_float(text: Optional[str], fallback: float) -> float:
    try:
        value = float(text) if text else fallback
    except ValueError:
        return fallback
    return value if value > 0 else fallback


def _load_jupyter_server_extension(serverapp) -> None:
    environ = os.environ
    log = serverapp.log
    if environ.get(PULL_ENV) != "pull":
        log.debug("rucio_jupyterlab_hub.singleuser: the hub delivers the Rucio token itself; nothing to do")
        return
    missing = [
        name
        for name in ("JUPYTERHUB_API_URL", "JUPYTERHUB_API_TOKEN", "JUPYTERHUB_USER", "RUCIO_OIDC_FILE_NAME")
        if not environ.get(name)
    ]
    if missing:
        log.error("rucio_jupyterlab_hub.singleuser: cannot fetch the Rucio token, %s not set", ", ".join(missing))
        return
    sync = TokenSync(environ, log)
    # The first fetch blocks the start briefly so the token file exists before the first Rucio call.
    if sync.sync_once():
        log.info("Rucio token file %s written; refreshing it from the hub every %ss", sync.path, sync.interval)
    task = asyncio.get_event_loop().create_task(sync.run_forever())
    serverapp.web_app.settings["rucio_jupyterlab_hub_token_sync"] = task


def _jupyter_server_extension_points():
    return [{"module": "rucio_jupyterlab_hub.singleuser"}]


load_jupyter_server_extension = _load_jupyter_server_extension
