using System.Globalization;
using System.Text;

namespace Rucio.Sandbox.Seeding;

/// <summary>
/// Deterministic small files for the demo: event tables a physicist recognises (diphoton and four-lepton
/// candidates) and calibration notes. A fixed xorshift generator keeps the bytes identical on every run.
/// </summary>
internal static class DemoContent
{
    public static byte[] DiphotonEvents(int run, int events) => EventTable(
        "event_id,run,m_yy,pt_1,pt_2,eta_1,eta_2",
        (uint)run,
        events,
        (random, id) =>
        {
            // A falling background with a bump near 125 GeV.
            var mass = random.NextDouble() < 0.15 ? 125.0 + random.Gaussian() * 1.7 : 105 + random.Exponential(30);
            return string.Create(CultureInfo.InvariantCulture, $"{id},{run},{mass:F2},{40 + random.Exponential(25):F2},{28 + random.Exponential(18):F2},{random.Uniform(-2.37, 2.37):F3},{random.Uniform(-2.37, 2.37):F3}");
        });

    public static byte[] FourLeptonEvents(int run, int events) => EventTable(
        "event_id,run,m_4l,pt_1,pt_2,pt_3,pt_4,eta_1,eta_2",
        (uint)run + 7,
        events,
        (random, id) =>
        {
            var mass = random.NextDouble() < 0.3 ? 124.8 + random.Gaussian() * 2.1 : 91 + random.Exponential(60);
            return string.Create(CultureInfo.InvariantCulture, $"{id},{run},{mass:F2},{25 + random.Exponential(20):F2},{15 + random.Exponential(15):F2},{10 + random.Exponential(10):F2},{7 + random.Exponential(8):F2},{random.Uniform(-2.5, 2.5):F3},{random.Uniform(-2.5, 2.5):F3}");
        });

    public static byte[] CalibrationNote(string subject, int seed)
    {
        var random = new XorShift((uint)seed * 2654435761u);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# {subject} calibration constants, 2012 data taking (sandbox demo)\n");
        text.Append("# eta_bin  scale  resolution\n");
        for (var bin = 0; bin < 24; bin++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{-2.4 + bin * 0.2,6:F2}  {1 + random.Gaussian() * 0.004:F5}  {0.011 + random.NextDouble() * 0.004:F5}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static byte[] Text(string content) => Encoding.UTF8.GetBytes(content);

    private static byte[] EventTable(string header, uint seed, int events, Func<XorShift, long, string> row)
    {
        var random = new XorShift(seed * 2654435761u + 1);
        var text = new StringBuilder(header).Append('\n');
        for (var i = 0; i < events; i++)
        {
            text.Append(row(random, 100_000 + (seed * 1000) + i)).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>xorshift32: tiny, fast and the same on every platform and runtime version.</summary>
    private sealed class XorShift(uint seed)
    {
        private uint _state = seed == 0 ? 2463534242u : seed;

        public double NextDouble()
        {
            _state ^= _state << 13;
            _state ^= _state >> 17;
            _state ^= _state << 5;
            return _state / 4294967296.0;
        }

        public double Uniform(double low, double high) => low + (high - low) * NextDouble();

        public double Exponential(double mean) => -mean * Math.Log(1 - NextDouble());

        public double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - NextDouble())) * Math.Cos(2 * Math.PI * NextDouble());
    }
}
