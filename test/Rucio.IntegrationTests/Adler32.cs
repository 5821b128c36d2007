namespace Rucio.IntegrationTests;

/// <summary>An independent adler32 (as Rucio prints it: 8 lowercase hex digits) to check the Sandbox's bytes.</summary>
internal static class Adler32
{
    public static string OfFile(string path)
    {
        uint a = 1, b = 0;
        foreach (var value in File.ReadAllBytes(path))
        {
            a = (a + value) % 65521;
            b = (b + a) % 65521;
        }

        return ((b << 16) | a).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The local path of a <c>file://host/path</c> PFN (Uri.LocalPath would make it a UNC path).</summary>
internal static class Pfn
{
    public static string LocalPath(string pfn) => Uri.UnescapeDataString(new Uri(pfn).AbsolutePath);
}
