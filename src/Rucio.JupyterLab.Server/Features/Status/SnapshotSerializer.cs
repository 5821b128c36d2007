using System.IO.Compression;
using Rucio.Client;
using Rucio.JupyterLab.Server.Features.Replica;

namespace Rucio.JupyterLab.Server.Features.Status;

/// <summary>
/// A compact binary form of <see cref="DidStatusSnapshot"/> for the SQLite cache: 100k files stay a few MB (JSON
/// would be several times larger and slower to read back). A version byte guards against layouts of other builds.
/// Paths derived from PFNs (<see cref="StatusFileTable.PathMapper"/>) are not written: the mapper's settings are, and
/// the snapshot read back derives them the same way. Names of consecutive files share long prefixes, so each
/// is written as the length it shares with the previous one plus the rest, and PFNs are written in their
/// <see cref="CompactPfn"/> pieces (the shared head once, never the name again): the input to the compressor shrinks
/// several times, which is what makes writing a 100k-file snapshot cheap. Files are read back into a
/// <see cref="StatusFileTable"/> that shares heads the same way.
/// </summary>
internal static class SnapshotSerializer
{
    private const byte Version = 4;
    private const byte SameScope = 0x80;
    private const byte ExplicitPath = 0x40;
    private const byte HasPfn = 0x20;
    private const byte HasError = 0x10;
    private const byte SameError = 0x08;
    private const byte StatusMask = 0x07;

    // Second flags byte, present with HasPfn: how the PFN's pieces (CompactPfn) are written.
    private const byte SameHead = 0x01;
    private const byte HasTail = 0x02;
    private const byte EndsWithName = 0x04;

    /// <summary>BinaryWriter/Reader work field by field; without a buffer each field is one call into Brotli, which dominates the cost.</summary>
    private const int IoBufferBytes = 64 * 1024;

    public static byte[] Serialize(DidStatusSnapshot snapshot)
    {
        using var buffer = new MemoryStream();
        buffer.WriteByte(Version);
        using (var compressed = new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var buffered = new BufferedStream(compressed, IoBufferBytes))
        using (var writer = new BinaryWriter(buffered))
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

            var table = snapshot.Files as StatusFileTable;
            writer.Write(table?.PathMapper is not null);
            if (table?.PathMapper is { } mapper)
            {
                writer.Write(mapper.MountPath);
                writer.Write(mapper.PathBeginsAt);
            }

            writer.Write(snapshot.Files.Count);
            var previous = new StatusFileTable.Row("", "", -1, FileStatus.NotAvailable, null, null);
            string? lastHead = null;
            if (table is not null)
            {
                foreach (ref readonly var row in table.Rows)
                {
                    WriteFile(writer, row, previous, ref lastHead);
                    previous = row;
                }
            }
            else
            {
                foreach (var file in snapshot.Files)
                {
                    var row = new StatusFileTable.Row(file.Scope, file.Name, file.Size ?? -1, file.Status, file.Pfn, file.Error, file.Path);
                    WriteFile(writer, row, previous, ref lastHead);
                    previous = row;
                }
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
            using var buffered = new BufferedStream(compressed, IoBufferBytes);
            using var reader = new BinaryReader(buffered);
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

            var mapper = reader.ReadBoolean() ? new PfnPathMapper(reader.ReadString(), reader.ReadInt32()) : null;
            var rows = new StatusFileTable.Row[reader.ReadInt32()];
            var previous = new StatusFileTable.Row("", "", -1, FileStatus.NotAvailable, null, null);
            string? lastHead = null;
            for (var i = 0; i < rows.Length; i++)
            {
                previous = rows[i] = ReadFile(reader, previous, ref lastHead);
            }

            var files = new StatusFileTable(rows, mapper);
            return new DidStatusSnapshot(did, type, mode, files, rules, reason, refreshedAt);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or InvalidDataException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    private static void WriteFile(BinaryWriter writer, in StatusFileTable.Row row, in StatusFileTable.Row previous, ref string? lastHead)
    {
        var sameScope = row.Scope == previous.Scope;
        // Many files share one error (a rule's reason): written once, then referred to as "same as before".
        var sameError = row.Error is not null && row.Error == previous.Error;
        writer.Write((byte)((byte)row.Status | (sameScope ? SameScope : 0) | (row.Path is null ? 0 : ExplicitPath)
            | (row.HasPfn ? HasPfn : 0) | (row.Error is null ? 0 : HasError) | (sameError ? SameError : 0)));
        if (!sameScope)
        {
            writer.Write(row.Scope);
        }

        WriteDelta(writer, row.Name, previous.Name);
        writer.Write(row.Size);
        if (row.Path is not null)
        {
            writer.Write(row.Path);
        }

        if (row.HasPfn)
        {
            // The PFN in its pieces: the head shared by most rows is written once, the name is not repeated.
            var pfn = row.CompactPfn;
            var sameHead = pfn.Head == lastHead;
            writer.Write((byte)((sameHead ? SameHead : 0) | (pfn.Tail is null ? 0 : HasTail) | (pfn.EndsWithName ? EndsWithName : 0)));
            if (!sameHead)
            {
                WriteDelta(writer, pfn.Head!, lastHead ?? "");
                lastHead = pfn.Head;
            }

            if (pfn.Tail is not null)
            {
                writer.Write(pfn.Tail);
            }
        }

        if (row.Error is not null && !sameError)
        {
            writer.Write(row.Error);
        }
    }

    private static StatusFileTable.Row ReadFile(BinaryReader reader, in StatusFileTable.Row previous, ref string? lastHead)
    {
        var flags = reader.ReadByte();
        var scope = (flags & SameScope) != 0 ? previous.Scope : reader.ReadString();
        var name = ReadDelta(reader, previous.Name);
        var size = reader.ReadInt64();
        var path = (flags & ExplicitPath) != 0 ? reader.ReadString() : null;
        var pfn = CompactPfn.None;
        if ((flags & HasPfn) != 0)
        {
            var pieces = reader.ReadByte();
            // The same head instance as the row that wrote it: the sharing survives the round trip.
            lastHead = (pieces & SameHead) != 0
                ? lastHead ?? throw new InvalidDataException("A PFN refers to a missing previous head.")
                : ReadDelta(reader, lastHead ?? "");
            var head = lastHead;
            var tail = (pieces & HasTail) != 0 ? reader.ReadString() : null;
            pfn = new CompactPfn(head, tail, (pieces & EndsWithName) != 0);
        }

        var error = (flags & HasError) == 0 ? null : (flags & SameError) != 0 ? previous.Error : reader.ReadString();
        var status = (FileStatus)(flags & StatusMask);
        if (!Enum.IsDefined(status) || (error is null && (flags & SameError) != 0))
        {
            throw new InvalidDataException("Unknown file status or dangling error reference.");
        }

        return new StatusFileTable.Row(scope, name, size < 0 ? -1 : size, status, pfn, error, path);
    }

    /// <summary>Writes the length <paramref name="value"/> shares with <paramref name="previous"/>, then the rest.</summary>
    private static void WriteDelta(BinaryWriter writer, string value, string previous)
    {
        var shared = value.AsSpan().CommonPrefixLength(previous);
        writer.Write7BitEncodedInt(shared);
        writer.Write(value[shared..]);
    }

    private static string ReadDelta(BinaryReader reader, string previous)
    {
        var shared = reader.Read7BitEncodedInt();
        var rest = reader.ReadString();
        return shared == 0 ? rest
            : shared <= previous.Length ? string.Concat(previous.AsSpan(0, shared), rest)
            : throw new InvalidDataException("A shared prefix is longer than the previous value.");
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
