"""Masks secrets in text that the bridge copies into the Jupyter log.

The backend is not supposed to print secrets; this is a second line of defence
for the lines the bridge relays from its output.
"""

import re
from typing import Any, Iterable, List, Mapping

MASK = "***"

_KEY_VALUE = re.compile(
    r"(?i)\b("
    r"x-rucio-auth-token|x-rucio-password|authorization|password|passwd|passphrase|"
    r"secret|client[_-]?secret|api[_-]?key|access[_-]?token|refresh[_-]?token|id[_-]?token|token"
    r")(\"?\s*[:=]\s*\"?)(?:(bearer|basic|token)\s+)?([^\s\"',;&]+)"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*")
# JSON Web Tokens (OIDC access tokens) are recognisable by their three base64url parts.
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")


def redact(text: str, known_secrets: Iterable[str] = ()) -> str:
    """Returns ``text`` with credentials replaced by ``***``."""
    for secret in known_secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, MASK)
    text = _JWT.sub(MASK, text)
    text = _KEY_VALUE.sub(_mask_value, text)
    return _BEARER.sub(lambda match: f"{match.group(1)} {MASK}", text)


def _mask_value(match: "re.Match[str]") -> str:
    scheme = f"{match.group(3)} " if match.group(3) else ""
    return f"{match.group(1)}{match.group(2)}{scheme}{MASK}"


_SECRET_KEY = re.compile(r"(?i)(password|passwd|passphrase|secret|token)")
# Keys that merely name where a secret lives (an env variable, a file), not the secret itself.
_SECRET_LOCATION_KEY = re.compile(r"(?i)(_name|_path|_file|_source|_dir)$")


def secrets_in_config(rucio_config: Mapping[str, Any], environ: Mapping[str, str]) -> List[str]:
    """Secret values an operator put in ``RucioConfig`` (or in variables it names), for `redact`."""
    found: List[str] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, Mapping):
            if value.get("oidc_auth") == "env" and isinstance(value.get("oidc_env_name"), str):
                found.append(environ.get(value["oidc_env_name"], ""))
            for child_key, child in value.items():
                walk(child, str(child_key))
        elif isinstance(value, list):
            for child in value:
                walk(child, key)
        elif isinstance(value, str) and _SECRET_KEY.search(key) and not _SECRET_LOCATION_KEY.search(key):
            found.append(value)

    walk(rucio_config)
    return [secret for secret in found if secret]
