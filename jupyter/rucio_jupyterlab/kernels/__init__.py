"""Kernel side of "Add to Notebook": DIDs attached to a notebook become kernel variables.

* :mod:`rucio_jupyterlab.kernels.ipython` is the IPython kernel extension (comm based).
* :mod:`rucio_jupyterlab.kernels.codegen` turns an inject request into code for kernels that
  are driven by silent execution instead (R today; one adapter per language).
* :mod:`rucio_jupyterlab.kernels.protocol` validates inject requests; both of the above use it.

None of these modules imports IPython at import time, so the package is cheap to import and the
code generator runs anywhere. The contract with the frontend is specified in ``docs/kernels.md``.
"""

from .protocol import COMM_TARGET_FRONTEND, COMM_TARGET_KERNEL, METADATA_ATTACHMENTS_KEY

__all__ = ["COMM_TARGET_FRONTEND", "COMM_TARGET_KERNEL", "METADATA_ATTACHMENTS_KEY"]
