"""The values attached DIDs become in a Python kernel.

* An available file DID is a :class:`RucioFile`: a ``str`` whose value is the local path, so it
  works anywhere a path does; ``.pfn`` is the storage URL for distributed analysis.
* An available collection is a :class:`RucioCollection`: a ``list`` of :class:`RucioFile`.
* A DID that is not available yet is an :class:`UnavailableDID`. It is deliberately *not* a
  ``str``: ``open()`` uses a ``str`` subclass's value without asking it, so the only way to make
  ``open(x)`` fail clearly is to not be a string. Every use as a path or sequence raises
  :class:`DIDNotAvailableError` naming the DID and its status; ``repr`` stays harmless.
"""

from typing import Iterable, List, NoReturn, Optional

from ..protocol import DEFAULT_UNAVAILABLE_STATUS, TYPE_COLLECTION, TYPE_FILE


class DIDNotAvailableError(RuntimeError):
    """A DID was used as data before it became available."""

    def __init__(self, message: str, did: str, status: str, variable_name: str) -> None:
        super().__init__(message)
        self.did = did
        self.status = status
        self.variable_name = variable_name

    def __reduce__(self):
        # Exceptions cross process boundaries (multiprocessing, dask) by pickling.
        return (type(self), (str(self), self.did, self.status, self.variable_name))


# The existing extension's name, kept so that `except DIDNotAvailableException` keeps working.
DIDNotAvailableException = DIDNotAvailableError


class DIDNotAvailableAttributeError(DIDNotAvailableError, AttributeError):
    """Raised for attribute access, so probes like getattr(x, "shape", None) and hasattr() stay quiet."""


class RucioFile(str):
    """The local path of a file DID, with its storage URL and DID as attributes."""

    def __new__(cls, path: str, pfn: Optional[str] = None, did: Optional[str] = None,
                mode: Optional[str] = None) -> "RucioFile":
        value = super().__new__(cls, path)
        value._pfn = pfn
        value._did = did
        value._mode = mode
        return value

    @property
    def path(self) -> str:
        return str.__str__(self)

    @property
    def pfn(self) -> Optional[str]:
        """The replica's URL (in download mode: the replica the file was fetched from), or None."""
        return self._pfn

    @property
    def did(self) -> Optional[str]:
        return self._did

    @property
    def mode(self) -> Optional[str]:
        return self._mode

    @property
    def did_available(self) -> bool:
        return True

    def __str__(self) -> str:
        # A plain str, so that code building on the path does not carry the DID along.
        return str.__str__(self)

    def __reduce__(self):
        return (RucioFile, (self.path, self._pfn, self._did, self._mode))


class RucioCollection(list):
    """The files of a dataset or container, each a :class:`RucioFile`."""

    def __init__(self, files: Iterable[RucioFile], did: str, mode: Optional[str] = None) -> None:
        super().__init__(files)
        self._did = did
        self._mode = mode

    @property
    def did(self) -> str:
        return self._did

    @property
    def mode(self) -> Optional[str]:
        return self._mode

    @property
    def did_available(self) -> bool:
        return True

    @property
    def path(self) -> List[str]:
        return [item.path for item in self]

    @property
    def pfn(self) -> List[Optional[str]]:
        return [item.pfn for item in self]

    def __reduce__(self):
        return (RucioCollection, (list(self), self._did, self._mode))


class UnavailableDID:
    """Stands for an attached DID that has no local path yet; using it raises a clear error."""

    __slots__ = ("_did", "_type", "_status", "_error", "_mode", "_variable_name", "_message")

    def __init__(self, did: str, did_type: str, variable_name: str, message: str,
                 status: Optional[str] = None, error: Optional[str] = None,
                 mode: Optional[str] = None) -> None:
        if did_type not in (TYPE_FILE, TYPE_COLLECTION):
            raise ValueError(f"unknown DID type {did_type!r}")
        self._did = did
        self._type = did_type
        self._variable_name = variable_name
        self._message = message
        self._status = status or DEFAULT_UNAVAILABLE_STATUS
        self._error = error
        self._mode = mode

    did = property(lambda self: self._did)
    type = property(lambda self: self._type)
    status = property(lambda self: self._status)
    error = property(lambda self: self._error)
    mode = property(lambda self: self._mode)
    variable_name = property(lambda self: self._variable_name)
    did_available = property(lambda self: False)

    def _fail(self, *_args, **_kwargs) -> NoReturn:
        # IPython leaves frames with this local out of tracebacks: the user's own line is what matters.
        __tracebackhide__ = True  # noqa: F841
        raise DIDNotAvailableError(self._message, self._did, self._status, self._variable_name)

    def _fail_attribute(self) -> NoReturn:
        __tracebackhide__ = True  # noqa: F841
        raise DIDNotAvailableAttributeError(self._message, self._did, self._status, self._variable_name)

    path = property(_fail_attribute)
    pfn = property(_fail_attribute)

    # Every way of reading it as a path, a string or a sequence.
    __str__ = _fail
    __fspath__ = _fail
    __format__ = _fail
    __bytes__ = _fail
    __iter__ = _fail
    __len__ = _fail
    __getitem__ = _fail
    __contains__ = _fail
    __add__ = _fail
    __radd__ = _fail
    __mod__ = _fail
    __truediv__ = _fail

    def __bool__(self) -> bool:
        # `if data:` is a natural readiness check; everything else raises.
        return False

    def __getattr__(self, name: str):
        # Only reached for attributes the class lacks, e.g. str methods like .endswith(). Private
        # names keep the normal AttributeError so IPython's display and copy/pickle probes work.
        if name.startswith("_"):
            raise AttributeError(name)
        self._fail_attribute()

    def __repr__(self) -> str:
        return f"<Rucio {self._type} DID {self._did}: not available yet (status: {self._status})>"

    def _repr_pretty_(self, printer, _cycle: bool) -> None:
        printer.text(repr(self))

    def __reduce__(self):
        return (UnavailableDID, (self._did, self._type, self._variable_name, self._message,
                                 self._status, self._error, self._mode))
