using System.IO.Compression;
using Rucio.Client;

namespace Rucio.JupyterLab.Server.Features.Status;

/// <summary>
/// A compact binary form of <see cref="DidStatusSnapshot"/> for the SQLite cache: 100k files stay a few MB (JSON
/// would be several times larger and slower to read back). A version byte guards against layouts of other builds.
/// </summary>
internal static class SnapshotSerializer
{
    private const byte Version = 1;

    public static byte[] Serialize(DidStatusSnapshot snapshot)
    {
        using var buffer = new MemoryStream();
        buffer.WriteByte(Version);
        using (var compressed = new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new BinaryWriter(compressed))
        {
            writer.Write(snapshot.Did.Scope);
            writer.Write(snapshot.Did.Name);
            writer.Write(snapshot.Type);
            writer.Write(snapshot.Mode);
            WriteNullable(writer, snapshot.Reason);
            writer.Write(snapshot.RefreshedAt.ToUnixTimeMilliseconds());
            writer.Write(snapshot.Rules.Count);
            foreach (var rule in snapshot.Rules)
            {
                writer.Write(rule.Id);
                writer.Write(rule.State);
                WriteNullable(writer, rule.RseExpression);
                writer.Write(rule.ExpiresAt?.ToUnixTimeMilliseconds() ?? long.MinValue);
                WriteNullable(writer, rule.Error);
                writer.Write(rule.Scope);
                writer.Write(rule.Name);
            }

            writer.Write(snapshot.Files.Count);
            string? previousScope = null;
            foreach (var file in snapshot.Files)
            {
                // Files of one DID nearly always share their scope: write it only when it changes.
                var sameScope = file.Scope == previousScope;
                writer.Write((byte)((byte)file.Status | (sameScope ? 0x80 : 0)));
                if (!sameScope)
                {
                    writer.Write(file.Scope);
                    previousScope = file.Scope;
                }

                writer.Write(file.Name);
                writer.Write(file.Size ?? -1);
                WriteNullable(writer, file.Path);
                WriteNullable(writer, file.Pfn);
                WriteNullable(writer, file.Error);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>The snapshot, or null when the bytes come from another layout or are damaged.</summary>
    public static DidStatusSnapshot? Deserialize(byte[] bytes)
    {
        if (bytes.Length == 0 || bytes[0] != Version)
        {
            return null;
        }

        try
        {
            using var compressed = new BrotliStream(new MemoryStream(bytes, 1, bytes.Length - 1), CompressionMode.Decompress);
            using var reader = new BinaryReader(compressed);
            var did = new Did(reader.ReadString(), reader.ReadString());
            var type = reader.ReadString();
            var mode = reader.ReadString();
            var reason = ReadNullable(reader);
            var refreshedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
            var rules = new RuleSummary[reader.ReadInt32()];
            for (var i = 0; i < rules.Length; i++)
            {
                var id = reader.ReadString();
                var state = reader.ReadString();
                var expression = ReadNullable(reader);
                var expires = reader.ReadInt64();
                var error = ReadNullable(reader);
                rules[i] = new RuleSummary(id, state, expression, expires == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(expires),
                    error, reader.ReadString(), reader.ReadString());
            }

            var files = new StatusFile[reader.ReadInt32()];
            var scope = "";
            for (var i = 0; i < files.Length; i++)
            {
                var flags = reader.ReadByte();
                if ((flags & 0x80) == 0)
                {
                    scope = reader.ReadString();
                }

                var name = reader.ReadString();
                var size = reader.ReadInt64();
                files[i] = new StatusFile(scope, name, size < 0 ? null : size, (FileStatus)(flags & 0x7F),
                    ReadNullable(reader), ReadNullable(reader), ReadNullable(reader));
            }

            return new DidStatusSnapshot(did, type, mode, files, rules, reason, refreshedAt);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or InvalidDataException or ArgumentException)
        {
            return null;
        }
    }

    private static void WriteNullable(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    private static string? ReadNullable(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;
}
