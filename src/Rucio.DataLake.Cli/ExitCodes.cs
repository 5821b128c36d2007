namespace Rucio.DataLake.Cli;

/// <summary>Process exit codes, stable so scripts and cron jobs can branch on them.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>An unexpected failure (a bug or an environment problem not covered below).</summary>
    public const int Failure = 1;

    /// <summary>Bad command line.</summary>
    public const int UsageError = 2;

    /// <summary>No usable instance configuration (missing file, invalid keys, unknown --instance).</summary>
    public const int ConfigurationError = 3;

    /// <summary>Rucio refused the credentials, or none are available.</summary>
    public const int AuthenticationError = 4;

    /// <summary>The DID, scope or RSE does not exist.</summary>
    public const int NotFound = 5;

    /// <summary>Rucio answered with another error (its ExceptionClass is printed).</summary>
    public const int RucioError = 6;

    /// <summary>Rucio could not be reached or did not answer in time.</summary>
    public const int ConnectionError = 7;

    /// <summary>Some files could not be transferred or verified (the others were; the output lists which).</summary>
    public const int TransferFailed = 8;

    /// <summary>The local disk (or the storage) is full; no partial file was left.</summary>
    public const int DiskFull = 9;

    /// <summary>The DID exists with different content, or a different local file is in the way.</summary>
    public const int Conflict = 10;

    /// <summary>Waiting for a rule ended without it being OK (STUCK, or the wait timed out).</summary>
    public const int NotCompleted = 11;

    public static int For(Rucio.DataLake.Core.Transfers.TransferFailure failure) => failure switch
    {
        Rucio.DataLake.Core.Transfers.TransferFailure.DiskFull => DiskFull,
        Rucio.DataLake.Core.Transfers.TransferFailure.DidConflict or Rucio.DataLake.Core.Transfers.TransferFailure.DestinationExists => Conflict,
        Rucio.DataLake.Core.Transfers.TransferFailure.SourceMissing => NotFound,
        _ => TransferFailed,
    };
}
