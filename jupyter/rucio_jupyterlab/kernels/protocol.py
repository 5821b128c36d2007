"""The inject request the frontend sends, validated into plain immutable records.

Shared by the IPython extension (which receives the request over a comm) and the code generator
(which receives the same request from the frontend and turns it into code). Everything arriving
here is untrusted: DIDs, paths, PFNs and messages are only ever treated as data, and malformed
entries are rejected one by one (with a machine-readable code) instead of failing the request.

Dependency-free on purpose (standard library only): it must import inside any kernel.
"""

import re
from dataclasses import dataclass
from typing import Any, Callable, List, Mapping, Optional, Tuple

COMM_TARGET_KERNEL = "rucio-jupyterlab:kernel"
COMM_TARGET_FRONTEND = "rucio-jupyterlab:frontend"
METADATA_ATTACHMENTS_KEY = "rucio_attachments"

ACTION_INJECT = "inject"
ACTION_ACK_INJECT = "ack-inject"
ACTION_REQUEST_INJECT = "request-inject"

TYPE_FILE = "file"
TYPE_COLLECTION = "collection"

# The old frontend sends no status; "not available" is exactly what didAvailable=false means.
DEFAULT_UNAVAILABLE_STATUS = "NOT_AVAILABLE"

# Rejection codes (stable: the frontend and the shared test vectors compare them).
MALFORMED_ENTRY = "malformed-entry"
UNSUPPORTED_CHARACTER = "unsupported-character"
INVALID_NAME = "invalid-name"
RESERVED_NAME = "reserved-name"
DUPLICATE_NAME = "duplicate-name"

# NUL cannot be part of a path or an R string; lone UTF-16 surrogates cannot be encoded as UTF-8.
_UNSUPPORTED_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


class ProtocolError(ValueError):
    """The request as a whole is unusable (not an inject request, or `dids` is not a list)."""


@dataclass(frozen=True)
class NameProblem:
    code: str
    reason: str


@dataclass(frozen=True)
class AttachedFile:
    path: str
    pfn: Optional[str]
    did: Optional[str]


@dataclass(frozen=True)
class Attachment:
    """One valid entry of `dids`: a variable to define (or to define as "not available")."""

    index: int
    variable_name: str
    did: str
    type: str
    available: bool
    files: Tuple[AttachedFile, ...]
    status: Optional[str]
    error: Optional[str]
    mode: Optional[str]

    @property
    def effective_status(self) -> str:
        return self.status or DEFAULT_UNAVAILABLE_STATUS

    def unavailable_message(self) -> str:
        """The one sentence every language shows when an unavailable variable is used."""
        detail = f", error: {self.error}" if self.error else ""
        return (
            f"Rucio DID {self.did} (variable '{self.variable_name}') is not available "
            f"(status: {self.effective_status}{detail}); the variable is set to its path(s) "
            "once the DID becomes available."
        )


@dataclass(frozen=True)
class Rejection:
    index: int
    variable_name: Optional[str]
    did: Optional[str]
    code: str
    reason: str

    def to_json(self) -> dict:
        return {
            "index": self.index,
            "variableName": self.variable_name,
            "did": self.did,
            "code": self.code,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class InjectRequest:
    attachments: Tuple[Attachment, ...]
    rejections: Tuple[Rejection, ...]
    request_id: Optional[str]

    @property
    def variable_names(self) -> List[str]:
        return [attachment.variable_name for attachment in self.attachments]


NameCheck = Callable[[str], Optional[NameProblem]]


class _Rejected(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def has_unsupported_character(value: str) -> bool:
    return _UNSUPPORTED_CHARACTERS.search(value) is not None


def parse_inject_request(message: Any, check_name: NameCheck) -> InjectRequest:
    """Validates `{"action": "inject", "dids": [...]}`; `check_name` is the kernel language's rule."""
    if not isinstance(message, Mapping) or message.get("action") != ACTION_INJECT:
        raise ProtocolError('not an inject request (expected {"action": "inject", "dids": [...]})')
    entries = message.get("dids")
    if not isinstance(entries, list):
        raise ProtocolError('"dids" must be a list')
    request_id = message.get("requestId")
    if request_id is not None and not isinstance(request_id, str):
        raise ProtocolError('"requestId" must be a string when present')

    attachments: List[Attachment] = []
    rejections: List[Rejection] = []
    names_in_use = set()
    for index, entry in enumerate(entries):
        try:
            attachment = _parse_entry(index, entry, check_name)
            if attachment.variable_name in names_in_use:
                raise _Rejected(DUPLICATE_NAME, "an earlier entry of this request uses the same variable name")
        except _Rejected as rejected:
            rejections.append(Rejection(index, _string_field(entry, "variableName"), _string_field(entry, "did"),
                                        rejected.code, rejected.reason))
            continue
        names_in_use.add(attachment.variable_name)
        attachments.append(attachment)
    return InjectRequest(tuple(attachments), tuple(rejections), request_id)


def _string_field(entry: Any, key: str) -> Optional[str]:
    """A field echoed back in a rejection; only well-formed strings, so the reply stays valid JSON text."""
    if not isinstance(entry, Mapping):
        return None
    value = entry.get(key)
    return value if isinstance(value, str) and not has_unsupported_character(value) else None


def _parse_entry(index: int, entry: Any, check_name: NameCheck) -> Attachment:
    if not isinstance(entry, Mapping):
        raise _Rejected(MALFORMED_ENTRY, "the entry is not an object")
    name = entry.get("variableName")
    if not isinstance(name, str):
        raise _Rejected(MALFORMED_ENTRY, '"variableName" must be a string')
    problem = check_name(_supported(name, "variableName"))
    if problem is not None:
        raise _Rejected(problem.code, problem.reason)
    did = _required_string(entry, "did")
    did_type = entry.get("type")
    if did_type not in (TYPE_FILE, TYPE_COLLECTION):
        raise _Rejected(MALFORMED_ENTRY, '"type" must be "file" or "collection"')
    available = entry.get("didAvailable")
    if not isinstance(available, bool):
        raise _Rejected(MALFORMED_ENTRY, '"didAvailable" must be true or false')
    status = _optional_string(entry, "status")
    error = _optional_string(entry, "error")
    mode = _optional_string(entry, "mode")
    # Files of an unavailable DID are ignored: the old frontend sends a partial list then.
    files = _parse_files(entry.get("files"), did_type) if available else ()
    return Attachment(index, name, did, did_type, available, files, status, error, mode)


def _parse_files(raw: Any, did_type: str) -> Tuple[AttachedFile, ...]:
    if not isinstance(raw, list):
        raise _Rejected(MALFORMED_ENTRY, '"files" must be a list when "didAvailable" is true')
    files = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise _Rejected(MALFORMED_ENTRY, "every file must be an object")
        files.append(AttachedFile(_required_string(item, "path"), _optional_string(item, "pfn"),
                                  _optional_string(item, "did")))
    if did_type == TYPE_FILE and len(files) != 1:
        # Guessing which path a file DID means would silently analyse the wrong data.
        raise _Rejected(MALFORMED_ENTRY, "an available file DID needs exactly one file with a path")
    return tuple(files)


def _required_string(entry: Mapping, key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or value == "":
        raise _Rejected(MALFORMED_ENTRY, f'"{key}" must be a non-empty string')
    return _supported(value, key)


def _optional_string(entry: Mapping, key: str) -> Optional[str]:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Rejected(MALFORMED_ENTRY, f'"{key}" must be a string or null')
    return _supported(value, key)


def _supported(value: str, key: str) -> str:
    if has_unsupported_character(value):
        raise _Rejected(UNSUPPORTED_CHARACTER, f'"{key}" contains NUL or an unpaired UTF-16 surrogate')
    return value
