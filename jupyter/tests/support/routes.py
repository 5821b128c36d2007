"""The backend's routes, for checks that must cover every one of them."""

import re
from pathlib import Path
from typing import List, Tuple

from .jupyter import REPOSITORY_ROOT

# The existing extension's REST API (reference: existing-extension.md §2).
EXISTING_ROUTES: List[Tuple[str, str]] = [
    ("GET", "instances"),
    ("PUT", "instances"),
    ("GET", "auth"),
    ("PUT", "auth"),
    ("GET", "oidc-auth-check"),
    ("GET", "did-search"),
    ("GET", "files"),
    ("GET", "did"),
    ("POST", "did/make-available"),
    ("GET", "open-replication-rule"),
    ("GET", "list-scopes"),
    ("GET", "list-rses"),
    ("GET", "file-browser"),
    ("POST", "purge-cache"),
    ("POST", "upload"),
    ("GET", "upload/jobs"),
    ("GET", "upload/jobs/details"),
    ("DELETE", "upload/jobs/details"),
    ("GET", "upload/jobs/log"),
]

BACKEND_API_DOC = REPOSITORY_ROOT / "docs" / "backend-api.md"
_DOCUMENTED = re.compile(
    r"\b(GET|HEAD|POST|PUT|PATCH|DELETE)\s+`?\s*(?:\{base_url\})?/?rucio-jupyterlab/([A-Za-z0-9_\-/{}.]+)"
)


def documented_routes(doc: Path = BACKEND_API_DOC) -> List[Tuple[str, str]]:
    """Routes named like ``GET /rucio-jupyterlab/x`` in the backend's API document, if it exists."""
    if not doc.is_file():
        return []
    routes = []
    for method, path in _DOCUMENTED.findall(doc.read_text(encoding="utf-8")):
        # Path parameters (`{id}`) get a placeholder: authentication happens before routing.
        routes.append((method, re.sub(r"\{[^}]*\}", "x", path).strip("/.")))
    return routes


def all_routes() -> List[Tuple[str, str]]:
    return sorted(set(EXISTING_ROUTES) | set(documented_routes()))
