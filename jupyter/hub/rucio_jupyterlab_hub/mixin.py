"""``RucioTokenMixin``: gives every single-user server a Rucio OIDC token that stays fresh.

Mix it into any Authenticator that keeps the identity provider's tokens in ``auth_state``
(GenericOAuthenticator with ``enable_auth_state``, or your own):

    class MyAuthenticator(RucioTokenMixin, GenericOAuthenticator): ...

At spawn it exchanges the user's access token for a Rucio token (RFC 8693, as ESCAPE/CERN VRE's
``RucioAuthenticator`` does), keeps it in the encrypted auth_state, delivers it to a token file and points
the extension at that file (``RUCIO_OIDC_AUTH=file``, ``RUCIO_OIDC_FILE_NAME``). A refresher on the hub's
event loop renews each running server's token before it expires, so sessions outlive their first token.

Delivery: ``file`` — the hub writes the file itself (hub and servers share a filesystem and the hub runs as
root or as the users' own uid); ``pull`` — the single-user server fetches its token from the hub API
(``rucio_jupyterlab_hub.singleuser``), for Kubernetes pods and sudospawner hubs that cannot write there.
"""

import asyncio
import os
import time
from typing import Any, Callable, Dict, Optional, Tuple

from traitlets import Bool, Enum, Float, Unicode
from traitlets.config import Configurable

from .token_endpoint import IssuedToken, TokenEndpoint, TokenEndpointError, jwt_expiry
from .token_files import FileOwner, remove_token_file, system_owner, write_token_file

AUTH_STATE_KEY = "rucio_token"
PULL_ENV = "RUCIO_JUPYTERLAB_TOKEN_SYNC"
MIN_USABLE_S = 5.0


class RucioTokenMixin(Configurable):
    rucio_token_url = Unicode(
        "", config=True, help="Token endpoint for the exchange and refreshes; default: the authenticator's token_url."
    )
    rucio_client_id = Unicode("", config=True, help="OAuth client id; default: the authenticator's client_id.")
    rucio_client_secret = Unicode(
        "", config=True, help="OAuth client secret; default: the authenticator's client_secret."
    )
    rucio_audience = Unicode("rucio", config=True, help="`audience` asked for in the token exchange.")
    rucio_scope = Unicode("openid profile", config=True, help="`scope` asked for in the token exchange.")
    rucio_exchange = Bool(
        True,
        config=True,
        help="Exchange the login token for a Rucio token (RFC 8693). False: use the login access token as it is.",
    )
    rucio_token_delivery = Enum(
        ["file", "pull"], "file", config=True, help="Who writes the token file: the hub ('file') or the server ('pull')."
    )
    rucio_token_file = Unicode(
        "{home}/.rucio_jupyterlab/oidc_token",
        config=True,
        help="Token file path as the single-user server sees it; {username}, {home} (local account or "
        "spawner home) and {uid} are filled in. Must be absolute once filled.",
    )
    rucio_token_env_name = Unicode(
        "",
        config=True,
        help="Also put the spawn-time token in this environment variable (e.g. RUCIO_ACCESS_TOKEN) for images "
        "that read it; environment variables cannot be refreshed, the file can.",
    )
    rucio_refresh_interval = Float(60.0, config=True, help="Seconds between two passes of the refresher.")
    rucio_refresh_before = Float(
        900.0,
        config=True,
        help="Renew a token this many seconds before it expires (at most half of its lifetime before).",
    )
    rucio_http_timeout = Float(20.0, config=True, help="Timeout in seconds of one token-endpoint request.")
    rucio_ca_certs = Unicode("", config=True, help="CA bundle for the token endpoint (default: system CAs).")

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._rucio_clock: Callable[[], float] = time.time
        self._rucio_locks: Dict[str, asyncio.Lock] = {}
        self._rucio_servers: Dict[Tuple[str, str], Any] = {}  # (user, server name) -> spawner
        self._rucio_refresher: Optional["asyncio.Task[None]"] = None
        self._rucio_unrefreshable: set = set()
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop yet (tests, config checks): the refresher starts at the first spawn
        self._rucio_start_refresher()

    # --- JupyterHub hooks ----------------------------------------------------------------------------

    async def pre_spawn_start(self, user: Any, spawner: Any) -> None:
        parent_hook = getattr(super(), "pre_spawn_start", None)
        if parent_hook is not None:
            result = parent_hook(user, spawner)
            if asyncio.iscoroutine(result):
                await result
        auth_state = await user.get_auth_state()
        if not auth_state or not auth_state.get("access_token"):
            self.log.warning("No login token in auth_state for %s: Rucio OIDC is not set up for this server", user.name)
            return
        token = await self._rucio_issue_for_spawn(user, auth_state)
        path = self.rucio_token_file_path(user, spawner)
        environment = spawner.environment
        environment["RUCIO_OIDC_AUTH"] = "file"
        environment["RUCIO_OIDC_FILE_NAME"] = path
        environment.setdefault("RUCIO_DEFAULT_AUTH_TYPE", "oidc")
        if self.rucio_token_env_name:
            environment[self.rucio_token_env_name] = token.access_token
        if self.rucio_delivery_for(user, spawner) == "pull":
            environment[PULL_ENV] = "pull"
        else:
            environment.pop(PULL_ENV, None)
            await self._rucio_write_file(user, spawner, token)
        self._rucio_servers[(user.name, spawner.name)] = spawner
        self._rucio_unrefreshable.discard(user.name)
        self._rucio_start_refresher()
        self.log.info("Rucio token for %s ready (expires in %s)", user.name, _describe_remaining(token, self._rucio_clock()))

    async def post_spawn_stop(self, user: Any, spawner: Any) -> None:
        parent_hook = getattr(super(), "post_spawn_stop", None)
        if parent_hook is not None:
            result = parent_hook(user, spawner)
            if asyncio.iscoroutine(result):
                await result
        self._rucio_servers.pop((user.name, spawner.name), None)
        if self.rucio_delivery_for(user, spawner) == "file":
            # A stopped server needs no token; do not leave a credential lying in the home directory.
            path = self.rucio_token_file_path(user, spawner)
            try:
                await asyncio.to_thread(remove_token_file, path, self._rucio_owner(user))
            except OSError as error:
                self.log.warning("Could not remove the Rucio token file of %s: %s", user.name, error)

    def get_handlers(self, app: Any) -> list:
        from .handlers import RucioTokenHandler

        handlers = list(super().get_handlers(app)) if hasattr(super(), "get_handlers") else []
        return handlers + [(r"/api/rucio/token/([^/]+)", RucioTokenHandler)]

    # --- extension points ----------------------------------------------------------------------------

    def rucio_delivery_for(self, user: Any, spawner: Any) -> str:
        """'file' or 'pull' for this server; override to decide per user or per profile."""
        return self.rucio_token_delivery

    def rucio_token_file_path(self, user: Any, spawner: Any) -> str:
        owner = system_owner(user.name)
        home = getattr(spawner, "home_dir", "") or (os.path.expanduser(f"~{user.name}") if owner else "")
        try:
            path = self.rucio_token_file.format(username=user.name, home=home, uid=owner.uid if owner else "")
        except (KeyError, IndexError) as error:
            raise ValueError(f"rucio_token_file has an unknown placeholder {error}") from None
        if not os.path.isabs(path) or "{home}" in self.rucio_token_file and not home:
            raise ValueError(
                f"rucio_token_file gives {path!r} for {user.name}: set an absolute path (no local account, "
                "so {home} is unknown)"
            )
        return path

    async def rucio_current_token(self, user: Any) -> Optional[IssuedToken]:
        """The user's Rucio token, renewed first when it is due; None when the user has none."""
        async with self._rucio_lock(user.name):
            auth_state = await user.get_auth_state() or {}
            token = IssuedToken.from_state(auth_state.get(AUTH_STATE_KEY))
            if token is None:
                return None
            if self._rucio_due(token):
                token = await self._rucio_renew(user, auth_state, token)
            return token

    # --- internals -----------------------------------------------------------------------------------

    def _rucio_endpoint(self) -> TokenEndpoint:
        url = self.rucio_token_url or getattr(self, "token_url", "")
        if not url:
            raise ValueError("set RucioTokenMixin.rucio_token_url (or the authenticator's token_url)")
        return TokenEndpoint(
            url,
            self.rucio_client_id or getattr(self, "client_id", "") or "",
            self.rucio_client_secret or getattr(self, "client_secret", "") or "",
            timeout=self.rucio_http_timeout,
            ca_certs=self.rucio_ca_certs or None,
            clock=self._rucio_clock,
        )

    def _rucio_lock(self, name: str) -> asyncio.Lock:
        return self._rucio_locks.setdefault(name, asyncio.Lock())

    def _rucio_owner(self, user: Any) -> Optional[FileOwner]:
        return system_owner(user.name)

    def _rucio_due(self, token: IssuedToken) -> bool:
        if token.expires_at is None:
            return False  # no known expiry: nothing to schedule by
        lifetime = token.lifetime() or 0.0
        margin = min(self.rucio_refresh_before, lifetime / 2) if lifetime else self.rucio_refresh_before
        return token.expires_at - self._rucio_clock() <= margin

    async def _rucio_issue_for_spawn(self, user: Any, auth_state: Dict[str, Any]) -> IssuedToken:
        async with self._rucio_lock(user.name):
            login_token = await self._rucio_usable_login_token(user, auth_state)
            if self.rucio_exchange:
                token = await self._rucio_endpoint().exchange(
                    login_token, audience=self.rucio_audience or None, scope=self.rucio_scope or None
                )
            else:
                now = self._rucio_clock()
                token = IssuedToken(login_token, now, jwt_expiry(login_token), auth_state.get("refresh_token"))
            auth_state[AUTH_STATE_KEY] = token.to_state()
            await user.save_auth_state(auth_state)
            return token

    async def _rucio_usable_login_token(self, user: Any, auth_state: Dict[str, Any]) -> str:
        """The login access token, refreshed at the identity provider first when it has expired."""
        access_token = auth_state["access_token"]
        expires_at = jwt_expiry(access_token)
        if expires_at is None or expires_at - self._rucio_clock() > MIN_USABLE_S:
            return access_token
        upstream_refresh = auth_state.get("refresh_token")
        if not upstream_refresh:
            raise TokenEndpointError(f"the login token of {user.name} has expired; log in again")
        renewed = await self._rucio_endpoint().refresh(upstream_refresh)
        auth_state["access_token"] = renewed.access_token
        if renewed.refresh_token:
            auth_state["refresh_token"] = renewed.refresh_token
        return renewed.access_token

    async def _rucio_renew(self, user: Any, auth_state: Dict[str, Any], current: IssuedToken) -> IssuedToken:
        """A new Rucio token from, in order: its refresh token, itself (exchange), the login tokens."""
        endpoint = self._rucio_endpoint()
        now = self._rucio_clock()
        attempts = []
        if current.refresh_token:
            attempts.append(("refresh token", lambda: endpoint.refresh(current.refresh_token)))
        if self.rucio_exchange and (current.remaining(now) or 0) > MIN_USABLE_S:
            attempts.append(("exchange of the current token", lambda: self._rucio_exchange(endpoint, current.access_token)))
        attempts.append(("login token", lambda: self._rucio_from_login(user, auth_state, endpoint)))
        last_error: Optional[Exception] = None
        for _, attempt in attempts:
            try:
                renewed = await attempt()
                break
            except TokenEndpointError as error:
                last_error = error
        else:
            raise TokenEndpointError(f"could not renew the Rucio token of {user.name}: {last_error}")
        if renewed.refresh_token is None and current.refresh_token:
            renewed = IssuedToken(renewed.access_token, renewed.issued_at, renewed.expires_at, current.refresh_token)
        auth_state[AUTH_STATE_KEY] = renewed.to_state()
        await user.save_auth_state(auth_state)
        for (name, _), spawner in list(self._rucio_servers.items()):
            if name == user.name and self.rucio_delivery_for(user, spawner) == "file":
                await self._rucio_write_file(user, spawner, renewed)
        self.log.info("Renewed the Rucio token of %s (expires in %s)", user.name, _describe_remaining(renewed, self._rucio_clock()))
        return renewed

    async def _rucio_exchange(self, endpoint: TokenEndpoint, subject: str) -> IssuedToken:
        return await endpoint.exchange(subject, audience=self.rucio_audience or None, scope=self.rucio_scope or None)

    async def _rucio_from_login(self, user: Any, auth_state: Dict[str, Any], endpoint: TokenEndpoint) -> IssuedToken:
        login_token = await self._rucio_usable_login_token(user, auth_state)
        if not self.rucio_exchange:
            return IssuedToken(login_token, self._rucio_clock(), jwt_expiry(login_token), auth_state.get("refresh_token"))
        return await self._rucio_exchange(endpoint, login_token)

    async def _rucio_write_file(self, user: Any, spawner: Any, token: IssuedToken) -> None:
        path = self.rucio_token_file_path(user, spawner)
        await asyncio.to_thread(write_token_file, path, token.access_token, self._rucio_owner(user))

    # --- the refresher -------------------------------------------------------------------------------

    def _rucio_start_refresher(self) -> None:
        if self._rucio_refresher is None or self._rucio_refresher.done():
            self._rucio_refresher = asyncio.get_running_loop().create_task(self._rucio_refresh_forever())

    async def _rucio_refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self.rucio_refresh_interval)
            try:
                await self.rucio_refresh_running_servers()
            except Exception:  # the loop must survive anything one pass does
                self.log.exception("The Rucio token refresher failed; it runs again in %ss", self.rucio_refresh_interval)

    async def rucio_refresh_running_servers(self) -> None:
        """One pass: renews the token of every user with a running server whose token is due."""
        self._rucio_discover_servers()
        for name in sorted({user_name for user_name, _ in self._rucio_servers}):
            spawner = next(s for (n, _), s in self._rucio_servers.items() if n == name)
            user = spawner.user
            try:
                await self.rucio_current_token(user)
                self._rucio_unrefreshable.discard(name)
            except (TokenEndpointError, OSError, ValueError) as error:
                # Logged once per streak; the user keeps the old token until it expires.
                if name not in self._rucio_unrefreshable:
                    self.log.warning("Rucio token refresh for %s failed: %s", name, error)
                    self._rucio_unrefreshable.add(name)

    def _rucio_discover_servers(self) -> None:
        """Tracks the servers that are running now, including those started before a hub restart."""
        users = getattr(getattr(self, "parent", None), "users", None)
        if users is not None:
            for user in list(users.values()):
                for server_name, spawner in list(getattr(user, "spawners", {}).items()):
                    if getattr(spawner, "active", False):
                        self._rucio_servers.setdefault((user.name, server_name), spawner)
        for key in [k for k, s in self._rucio_servers.items() if not getattr(s, "active", True)]:
            self._rucio_servers.pop(key, None)


def _describe_remaining(token: IssuedToken, now: float) -> str:
    remaining = token.remaining(now)
    return "an unknown time" if remaining is None else f"{int(remaining)} s"
