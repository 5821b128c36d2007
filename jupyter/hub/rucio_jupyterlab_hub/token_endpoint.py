"""A small OAuth 2.0 token-endpoint client: RFC 8693 token exchange, refresh and password grants.

Tokens never appear in exception messages or reprs: errors carry the HTTP status and the OAuth ``error``
code only, so a failing exchange can be logged as it is.
"""

import base64
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional
from urllib.parse import urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"


@dataclass(frozen=True)
class IssuedToken:
    """An access token and what is known about its lifetime (epoch seconds)."""

    access_token: str = field(repr=False)
    issued_at: float
    expires_at: Optional[float] = None
    refresh_token: Optional[str] = field(default=None, repr=False)

    def remaining(self, now: float) -> Optional[float]:
        return None if self.expires_at is None else self.expires_at - now

    def lifetime(self) -> Optional[float]:
        return None if self.expires_at is None else max(self.expires_at - self.issued_at, 0.0)

    def to_state(self) -> Dict[str, Any]:
        """The form kept in the user's (encrypted) auth_state."""
        return {
            "access_token": self.access_token,
            "issued_at": self.issued_at,
            "expires_at": self.expires_at,
            "refresh_token": self.refresh_token,
        }

    @classmethod
    def from_state(cls, state: Optional[Mapping[str, Any]]) -> Optional["IssuedToken"]:
        if not state or not state.get("access_token"):
            return None
        return cls(
            access_token=state["access_token"],
            issued_at=float(state.get("issued_at") or 0.0),
            expires_at=_optional_float(state.get("expires_at")),
            refresh_token=state.get("refresh_token") or None,
        )


class TokenEndpointError(Exception):
    """The token endpoint refused or could not be reached; the message holds no secret."""

    def __init__(self, message: str, status: Optional[int] = None, error: Optional[str] = None):
        super().__init__(message)
        self.status = status
        self.error = error


def jwt_expiry(token: str) -> Optional[float]:
    """The ``exp`` claim of a JWT, read without verifying the signature (only used to schedule a refresh)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else None


class TokenEndpoint:
    """Posts form-encoded grants to one token URL, authenticating the client in the body (client_secret_post)."""

    def __init__(
        self,
        token_url: str,
        client_id: str = "",
        client_secret: str = "",
        *,
        timeout: float = 20.0,
        ca_certs: Optional[str] = None,
        clock: Callable[[], float] = time.time,
        http_client: Optional[AsyncHTTPClient] = None,
    ):
        if not token_url:
            raise ValueError("a token URL is required")
        self.token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._timeout = timeout
        self._ca_certs = ca_certs
        self._clock = clock
        self._http = http_client

    async def exchange(
        self,
        subject_token: str,
        *,
        audience: Optional[str] = None,
        scope: Optional[str] = None,
        subject_token_type: str = ACCESS_TOKEN_TYPE,
    ) -> IssuedToken:
        """RFC 8693: trades ``subject_token`` for a token meant for ``audience`` (e.g. ``rucio``)."""
        form = {
            "grant_type": TOKEN_EXCHANGE_GRANT,
            "subject_token": subject_token,
            "subject_token_type": subject_token_type,
            "requested_token_type": ACCESS_TOKEN_TYPE,
        }
        _put_optional(form, audience=audience, scope=scope)
        return await self._post(form, "token exchange")

    async def refresh(self, refresh_token: str, *, scope: Optional[str] = None) -> IssuedToken:
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        _put_optional(form, scope=scope)
        return await self._post(form, "refresh")

    async def password(
        self, username: str, password: str, *, audience: Optional[str] = None, scope: Optional[str] = None
    ) -> IssuedToken:
        form = {"grant_type": "password", "username": username, "password": password}
        _put_optional(form, audience=audience, scope=scope)
        return await self._post(form, "password grant")

    async def _post(self, form: Dict[str, str], what: str) -> IssuedToken:
        _put_optional(form, client_id=self._client_id, client_secret=self._client_secret)
        request = HTTPRequest(
            self.token_url,
            method="POST",
            body=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
            request_timeout=self._timeout,
            connect_timeout=min(self._timeout, 10.0),
            ca_certs=self._ca_certs,
        )
        http = self._http or AsyncHTTPClient()
        sent_at = self._clock()
        try:
            response = await http.fetch(request)
        except HTTPClientError as error:
            code = _oauth_error_code(error.response.body if error.response is not None else b"")
            raise TokenEndpointError(
                f"{what} at {self.token_url} was refused: HTTP {error.code}" + (f" ({code})" if code else ""),
                status=error.code,
                error=code,
            ) from None
        except (OSError, TimeoutError) as error:
            # str(error) of a connection failure names the host and errno, never the request body.
            raise TokenEndpointError(f"{what} at {self.token_url} failed: {error}") from None
        return self._parse(response.body, sent_at, what)

    def _parse(self, body: bytes, sent_at: float, what: str) -> IssuedToken:
        try:
            answer = json.loads(body)
        except ValueError:
            raise TokenEndpointError(f"{what} at {self.token_url} answered something that is not JSON") from None
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise TokenEndpointError(f"{what} at {self.token_url} answered without an access_token")
        expires_in = answer.get("expires_in")
        if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool) and expires_in > 0:
            # Counted from when the request was sent, so a slow answer errs on the early side.
            expires_at: Optional[float] = sent_at + float(expires_in)
        else:
            expires_at = jwt_expiry(token)
        refresh = answer.get("refresh_token")
        return IssuedToken(
            access_token=token,
            issued_at=sent_at,
            expires_at=expires_at,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
        )


def _put_optional(form: Dict[str, str], **values: Optional[str]) -> None:
    for key, value in values.items():
        if value:
            form[key] = value


def _oauth_error_code(body: bytes) -> Optional[str]:
    """The ``error`` field of an OAuth error answer (a short code such as ``invalid_grant``), if any."""
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return None
    code = answer.get("error") if isinstance(answer, dict) else None
    # Only a plain code: an error field echoing anything long is not repeated into logs.
    return code if isinstance(code, str) and code.replace("_", "").isalnum() and len(code) <= 64 else None


def _optional_float(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
