// The backend runs beside JupyterLab on Linux (Unix sockets, file modes); so do its tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
