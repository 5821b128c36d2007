"""``python3 -m rucio_lab [--ServerApp.*=...]`` starts a jupyter server with the lab as its default app."""

from .app import RucioLabApp

if __name__ == "__main__":
    RucioLabApp.launch_instance()
