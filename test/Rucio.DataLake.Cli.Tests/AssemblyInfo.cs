// The engines are tested against Linux facilities (/dev/full, file modes, SIGKILL exit codes).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
