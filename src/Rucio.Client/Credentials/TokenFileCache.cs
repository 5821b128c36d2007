using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Rucio.Client;

/// <summary>
/// On-disk token cache compatible with Rucio's Python client, which keeps the token in
/// <c>&lt;dir&gt;/auth_token_for_account_&lt;account&gt;</c> (<c>..._for_default_account</c> without an account; the
/// default directory is <c>/tmp/.rucio_&lt;user&gt;</c>) and, for some flows, the expiry as Unix seconds in
/// <c>auth_token_exp_for_account_&lt;account&gt;</c>. We always write both; a token without an expiry file (written by
/// the Python client) is used until the server rejects it. Files are 0600, the directory 0700, writes are atomic.
/// </summary>
internal sealed partial class TokenFileCache(string directory, string? account)
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _suffix = account is null ? "for_default_account" : "for_account_" + account;

    public string TokenPath => Path.Combine(directory, "auth_token_" + _suffix);

    public string ExpiryPath => Path.Combine(directory, "auth_token_exp_" + _suffix);

    /// <summary>Null when the account name cannot be part of a file name safely (it never can with valid Rucio accounts).</summary>
    public static TokenFileCache? TryCreate(string? directory, string? account)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            return null;
        }

        return account is null || AccountPattern().IsMatch(account) ? new TokenFileCache(directory, account) : null;
    }

    public RucioToken? TryRead()
    {
        try
        {
            if (!File.Exists(TokenPath))
            {
                return null;
            }

            var token = File.ReadLines(TokenPath).FirstOrDefault()?.Trim();
            if (string.IsNullOrEmpty(token))
            {
                return null;
            }

            var expiresAt = DateTimeOffset.MaxValue;
            if (File.Exists(ExpiryPath)
                && double.TryParse(File.ReadAllText(ExpiryPath).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                expiresAt = DateTimeOffset.FromUnixTimeSeconds((long)seconds);
            }

            return new RucioToken(token, expiresAt, account);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            // A cache is an optimisation: an unreadable one just means authenticating again.
            return null;
        }
    }

    public void TryWrite(RucioToken token)
    {
        try
        {
            if (!Directory.Exists(directory))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(directory);
                }
                else
                {
                    Directory.CreateDirectory(directory, DirectoryMode);
                }
            }

            WriteAtomically(TokenPath, token.Value);
            if (token.ExpiresAt != DateTimeOffset.MaxValue)
            {
                WriteAtomically(ExpiryPath, token.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            }
            else if (File.Exists(ExpiryPath))
            {
                File.Delete(ExpiryPath);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Failing to cache must not fail the call that just authenticated successfully.
        }
    }

    private void WriteAtomically(string path, string content)
    {
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created with 0600 from the start, so the token is never readable by others, not even briefly.
            options.UnixCreateMode = FileMode;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(content));
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.@-]{1,64}$")]
    private static partial Regex AccountPattern();
}
