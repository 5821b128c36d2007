"""Serves the project's JupyterLab 4 frontend (built from npm in ../app) on Debian's jupyter-server.

Enable it as a server extension (``{"ServerApp": {"jpserver_extensions": {"rucio_lab": true}}}``) or
run it directly with ``python3 -m rucio_lab``. On jupyter-server 1.x the ``rucio_lab.compat`` shims
are enabled with it, because JupyterLab 4 calls APIs that only jupyter-server 2 provides.
"""

from .app import RucioLabApp
from .compat import needs_compat_shims

__version__ = "0.1.0"


def _jupyter_server_extension_points():
    points = [{"module": "rucio_lab", "app": RucioLabApp}]
    if needs_compat_shims():
        points.append({"module": "rucio_lab.compat"})
    return points
