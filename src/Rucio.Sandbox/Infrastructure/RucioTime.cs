using System.Globalization;

namespace Rucio.Sandbox.Infrastructure;

/// <summary>Timestamp storage and the two date formats Rucio puts on the wire.</summary>
internal static class RucioTime
{
    private const string StorageFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff";

    /// <summary>Sortable UTC text used in the database.</summary>
    public static string ToStorage(DateTimeOffset time) => time.UtcDateTime.ToString(StorageFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset FromStorage(string text)
        => new(DateTime.SpecifyKind(DateTime.ParseExact(text, StorageFormat, CultureInfo.InvariantCulture), DateTimeKind.Utc));

    /// <summary>"Sun, 22 Nov 2026 18:52:57 UTC" (rules, RSEs, requests, DID meta, token expiry header).</summary>
    public static string Rfc1123(DateTimeOffset time)
        => time.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string? Rfc1123(string? stored) => stored is null ? null : Rfc1123(FromStorage(stored));

    /// <summary>"2026-11-22T18:50:34" (account dates).</summary>
    public static string? Iso(string? stored)
        => stored is null ? null : FromStorage(stored).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Now(TimeProvider time) => ToStorage(time.GetUtcNow());
}
