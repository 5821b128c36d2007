using System.Globalization;
using System.Text;

namespace Rucio.JupyterLab.Server.Features.Upload;

/// <summary>
/// One log file per upload job, <c>&lt;data-dir&gt;/logs/upload/&lt;id&gt;.log</c> (directories 0700, files 0600, like
/// the state database). Lines name files, DIDs, RSEs and rule ids; never credentials.
/// </summary>
internal sealed class UploadLog(string dataDirectory, TimeProvider time)
{
    private const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _directory = Path.Combine(dataDirectory, "logs", "upload");

    /// <summary>Job ids are generated here as 32 hex digits; anything else never names a log file (no path tricks).</summary>
    public static bool IsValidId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    public string PathOf(string id) => IsValidId(id)
        ? Path.Combine(_directory, id + ".log")
        : throw new ArgumentException("Not an upload job id.", nameof(id));

    public async Task AppendAsync(string id, string line, CancellationToken cancellationToken)
    {
        CreateDirectory(Path.Combine(dataDirectory, "logs"));
        CreateDirectory(_directory);
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFileMode;
        }

        await using var stream = new FileStream(PathOf(id), options);
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"{stamp} {line}\n"), cancellationToken);
    }

    /// <summary>The whole log; null when there is none.</summary>
    public async Task<string?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(PathOf(id), cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void Delete(string id) => File.Delete(PathOf(id));

    private static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, PrivateDirectoryMode);
        }
    }
}

/// <summary>Sentences shared by the upload classes.</summary>
internal static class UploadMessages
{
    public const string Interrupted =
        "The upload was interrupted (the backend stopped while it ran). Upload the same files again to finish it: files already in Rucio are not copied twice.";

    public const string Cancelled = "Cancelled by the user.";
}
