"""Which variable names a DID may be attached under, per kernel language.

The notebook metadata stores one name per attachment, so every language starts from the same
portable rule (an ASCII identifier that is not a dunder) and adds its own reserved words. The
kernel checks again what the frontend already checked: a name is never trusted to be code-safe.
"""

import keyword
import re
from typing import Optional

from .protocol import INVALID_NAME, RESERVED_NAME, NameProblem

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_DUNDER = re.compile(r"__.*__\Z")

# Hard keywords of Python 3 (soft keywords such as `match` and `type` are valid names). Fixed here,
# not taken from the running interpreter, so that every implementation of this rule agrees.
PYTHON_KEYWORDS = frozenset({
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
    "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
})

# Names IPython itself maintains in the user namespace (output cache and input history): an
# attachment there would be overwritten after the next cell, or would break the history.
_IPYTHON_NAMES = frozenset({"In", "Out", "_ih", "_oh", "_dh", "get_ipython"})
_IPYTHON_HISTORY = re.compile(r"(_+|_i{1,3}|_i?[0-9]+)\Z")

# ?Reserved in R.
R_RESERVED_WORDS = frozenset({
    "if", "else", "repeat", "while", "function", "for", "in", "next", "break", "TRUE", "FALSE",
    "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_", "NA_complex_",
})


def check_common_name(name: str) -> Optional[NameProblem]:
    if not _IDENTIFIER.match(name):
        return NameProblem(INVALID_NAME, "a variable name must be an ASCII identifier "
                                         "(letters, digits and underscores, not starting with a digit)")
    if _DUNDER.match(name):
        return NameProblem(RESERVED_NAME, "names of the form __name__ are reserved")
    return None


def check_python_name(name: str) -> Optional[NameProblem]:
    problem = check_common_name(name)
    if problem is not None:
        return problem
    if name in PYTHON_KEYWORDS or keyword.iskeyword(name):
        return NameProblem(RESERVED_NAME, f"'{name}' is a Python keyword")
    if name in _IPYTHON_NAMES or _IPYTHON_HISTORY.match(name):
        return NameProblem(RESERVED_NAME, f"'{name}' is maintained by IPython itself")
    return None


def check_r_name(name: str) -> Optional[NameProblem]:
    problem = check_common_name(name)
    if problem is not None:
        return problem
    if name.startswith("_"):
        # Not a syntactic R name: it would only be reachable as `_name` with backticks.
        return NameProblem(INVALID_NAME, "an R variable name must start with a letter")
    if name in R_RESERVED_WORDS:
        return NameProblem(RESERVED_NAME, f"'{name}' is a reserved word in R")
    return None
