"""Copies the backend's stdout/stderr into the Jupyter log, line by line and redacted."""

import asyncio
import logging
import re
from typing import Callable, Iterable, Optional

from .redaction import redact

# Microsoft.Extensions.Logging's simple console format starts an entry with a level tag and
# indents its continuation lines; mapping the tag keeps the backend's severity in the Jupyter log.
_DOTNET_LEVEL = re.compile(r"^(trce|dbug|info|warn|fail|crit): ")
_DOTNET_LEVELS = {
    "trce": logging.DEBUG,
    "dbug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "fail": logging.ERROR,
    "crit": logging.CRITICAL,
}

# What the .NET host prints when the runtime or ASP.NET Core framework is missing.
_MISSING_RUNTIME_SIGNS = (
    "You must install or update .NET",
    "No frameworks were found",
    "The framework 'Microsoft.AspNetCore.App'",
    "The framework 'Microsoft.NETCore.App'",
    "required to execute the application was not found",
)
MISSING_RUNTIME_HINT = (
    "The .NET host reported that the .NET 10 runtime or ASP.NET Core framework is missing: install "
    "the ASP.NET Core 10 runtime (for example the aspnetcore-runtime-10.0 package) or use the "
    "self-contained backend shipped with the rucio_jupyterlab wheel."
)

_MAX_LINE = 16 * 1024


class OutputRelay:
    """Reads one pipe of one backend process until EOF."""

    def __init__(
        self,
        log: logging.Logger,
        pid: int,
        default_level: int,
        known_secrets: Iterable[str],
        on_hint: Callable[[str], None],
    ) -> None:
        self._log = log
        self._pid = pid
        self._default_level = default_level
        self._known_secrets = tuple(known_secrets)
        self._on_hint = on_hint
        self._entry_level: Optional[int] = None

    async def run(self, stream: asyncio.StreamReader) -> None:
        while True:
            try:
                line = await stream.readline()
            except ValueError:
                # A line longer than the reader's limit: take what is buffered as one line.
                line = await stream.read(_MAX_LINE)
            if not line:
                return
            self.handle(line.decode("utf-8", errors="replace").rstrip("\r\n"))

    def handle(self, text: str) -> None:
        if not text.strip():
            return
        if any(sign in text for sign in _MISSING_RUNTIME_SIGNS):
            self._on_hint(MISSING_RUNTIME_HINT)
        level = self._level_of(text)
        if len(text) > _MAX_LINE:
            text = text[:_MAX_LINE] + " …(truncated)"
        self._log.log(level, "backend[%d]: %s", self._pid, redact(text, self._known_secrets))

    def _level_of(self, text: str) -> int:
        tag = _DOTNET_LEVEL.match(text)
        if tag:
            self._entry_level = _DOTNET_LEVELS[tag.group(1)]
            return self._entry_level
        if text[:1].isspace() and self._entry_level is not None:
            return self._entry_level
        self._entry_level = None
        return self._default_level
