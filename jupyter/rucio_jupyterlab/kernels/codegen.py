"""Language adapters: how an inject request reaches a kernel of a given language.

One table, keyed by the kernel's ``language_info.name`` (case-insensitive):

* ``python`` uses the comm protocol of the IPython extension; nothing is generated except the
  constant bootstrap that loads the extension (no request data is ever interpolated into it);
* ``r`` uses silent execution (``execute_request`` with ``silent=true, store_history=false``) of
  code generated here, which needs no package inside the R kernel.

Generated code contains request data only as escaped string literals built by one function per
language, and only validated variable names, so a hostile DID or path is inert. The algorithm is
specified in ``docs/kernels.md`` and pinned by ``tests/kernels/vectors.json``, which the TypeScript
port must pass unchanged. Standard library only.
"""

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from .names import check_python_name, check_r_name
from .protocol import Attachment, NameCheck, Rejection, parse_inject_request

MECHANISM_COMM = "comm"
MECHANISM_EXECUTE = "execute"

# Run silently in a Python kernel before the first inject: a no-op when the extension is already
# loaded (e.g. by c.IPKernelApp.extensions), and an error reply when it is not installed there.
PYTHON_LOAD_EXTENSION_CODE = (
    "get_ipython().extension_manager.load_extension('rucio_jupyterlab.kernels.ipython')"
)


@dataclass(frozen=True)
class LanguageAdapter:
    language: str
    mechanism: str
    check_name: NameCheck
    # Builds the code for the valid attachments (execute mechanism only).
    generate: Optional[Callable[[Tuple[Attachment, ...]], str]] = None


@dataclass(frozen=True)
class GeneratedInjection:
    """What the frontend does for one request: run `code` silently (None: nothing to run)."""

    language: str
    mechanism: str
    code: Optional[str]
    variable_names: List[str]
    rejections: List[Rejection]

    def to_json(self) -> Dict[str, Any]:
        return {
            "language": self.language,
            "mechanism": self.mechanism,
            "code": self.code,
            "variable_names": list(self.variable_names),
            "rejected": [rejection.to_json() for rejection in self.rejections],
        }


class UnsupportedLanguageError(LookupError):
    pass


def r_string_literal(value: str) -> str:
    """A double-quoted R literal that is pure printable ASCII, whatever `value` holds.

    Only backslash and double quote are escaped by character; everything outside 0x20-0x7E
    (newlines, control characters, non-ASCII) becomes a \\u{XXXX} or \\U{XXXXXXXX} escape, so the
    code parses the same in any locale and no character can end the literal. `value` must not
    hold NUL or unpaired surrogates (the protocol rejects those before generation).
    """
    parts = ['"']
    for character in value:
        code_point = ord(character)
        if character == "\\":
            parts.append("\\\\")
        elif character == '"':
            parts.append('\\"')
        elif 0x20 <= code_point <= 0x7E:
            parts.append(character)
        elif code_point == 0 or 0xD800 <= code_point <= 0xDFFF:
            raise ValueError("NUL and unpaired surrogates cannot be written as R string literals")
        elif code_point <= 0xFFFF:
            parts.append(f"\\u{{{code_point:04X}}}")
        else:
            parts.append(f"\\U{{{code_point:08X}}}")
    parts.append('"')
    return "".join(parts)


def _r_character_vector(values: List[Optional[str]]) -> str:
    if not values:
        return "character(0)"  # c() would be NULL, which cannot carry attributes
    # NA_character_ keeps the vector character even when every element is missing.
    return "c(" + ", ".join("NA_character_" if v is None else r_string_literal(v) for v in values) + ")"


# Helpers live in a local() environment so that nothing but the attached variables reaches the
# user's workspace. That environment's parent is the base environment, so the calls below find
# base R's functions even if the user's workspace redefines c(), structure() or assign().
# An unavailable DID becomes an active binding that signals a classed condition on every access:
# the clearest failure R offers, since base functions like file() never dispatch on a custom
# class and would fail with an unrelated message.
_R_PRELUDE = (
    "base::local({\n"
    "  target <- globalenv()\n"
    "  clear <- function(name) if (exists(name, envir = target, inherits = FALSE)) rm(list = name, envir = target)\n"
    "  attach_value <- function(name, value) {\n"
    "    clear(name)\n"
    "    assign(name, value, envir = target)\n"
    "  }\n"
    "  attach_unavailable <- function(name, did, status, message) {\n"
    "    clear(name)\n"
    "    condition <- structure(class = c(\"rucio_did_not_available\", \"error\", \"condition\"),\n"
    "      list(message = message, call = NULL, did = did, status = status))\n"
    "    makeActiveBinding(name, function() stop(condition), target)\n"
    "  }\n"
)
_R_EPILOGUE = "  invisible(NULL)\n}, envir = base::new.env(parent = base::baseenv()))\n"


def _r_statement(attachment: Attachment) -> str:
    name = r_string_literal(attachment.variable_name)
    did = r_string_literal(attachment.did)
    if not attachment.available:
        status = r_string_literal(attachment.effective_status)
        message = r_string_literal(attachment.unavailable_message())
        return f"  attach_unavailable({name}, {did}, {status}, {message})\n"
    paths = _r_character_vector([file.path for file in attachment.files])
    pfns = _r_character_vector([file.pfn for file in attachment.files])
    return (f"  attach_value({name}, structure({paths}, pfn = {pfns}, did = {did}, "
            "did_available = TRUE))\n")


def generate_r(attachments: Tuple[Attachment, ...]) -> str:
    return _R_PRELUDE + "".join(_r_statement(attachment) for attachment in attachments) + _R_EPILOGUE


LANGUAGE_ADAPTERS: Dict[str, LanguageAdapter] = {
    "python": LanguageAdapter("python", MECHANISM_COMM, check_python_name),
    "r": LanguageAdapter("r", MECHANISM_EXECUTE, check_r_name, generate_r),
}


def adapter_for(language: str) -> Optional[LanguageAdapter]:
    """The adapter for a kernel's `language_info.name` ("python", "R", ...), or None."""
    return LANGUAGE_ADAPTERS.get(language.strip().lower())


def generate_injection(language: str, message: Any) -> GeneratedInjection:
    """Validates an inject request for `language` and, for execute adapters, builds its code.

    Raises UnsupportedLanguageError for a language without adapter and ProtocolError when the
    request as a whole is malformed; invalid entries are reported in `rejections` instead.
    """
    adapter = adapter_for(language)
    if adapter is None:
        raise UnsupportedLanguageError(f"no Rucio adapter for kernel language {language!r}")
    request = parse_inject_request(message, adapter.check_name)
    code = None
    if adapter.generate is not None and request.attachments:
        code = adapter.generate(request.attachments)
    return GeneratedInjection(adapter.language, adapter.mechanism, code, request.variable_names,
                              list(request.rejections))
