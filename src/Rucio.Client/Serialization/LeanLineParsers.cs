using System.Text;
using System.Text.Json;

namespace Rucio.Client;

/// <summary>
/// Hand-written readers of the two listings that can hold 100k lines (files of a collection, replicas of a
/// collection), for callers that need a few fields only: one forward pass of <see cref="Utf8JsonReader"/> per line,
/// skipping what is not needed, with no per-line model, dictionary or serializer state. One instance reads one
/// listing (it remembers the last scope, so the usually identical scopes of a collection share one string).
/// </summary>
internal abstract class LeanLineParser
{
    private byte[] _scopeUtf8 = [];
    private string? _scope;

    /// <summary>Positions the reader inside the line's object; throws unless the line is a JSON object.</summary>
    protected static void EnterObject(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A line is not a JSON object.");
        }
    }

    /// <summary>After the object's end: nothing but whitespace may follow, as for the model-based readers.</summary>
    protected static void ExpectEnd(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw new JsonException("A line holds more than one JSON object.");
        }
    }

    /// <summary>Reads the scope at the reader, reusing the previous line's string when the text is the same.</summary>
    protected string ReadScope(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return "";
        }

        if (_scope is not null && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(_scopeUtf8))
        {
            return _scope;
        }

        _scope = reader.GetString() ?? "";
        _scopeUtf8 = Encoding.UTF8.GetBytes(_scope);
        return _scope;
    }

    protected static string ReadName(ref Utf8JsonReader reader) => reader.GetString() ?? "";

    protected static long? ReadSize(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetInt64();
}

/// <summary>Reads lines of GET /dids/{scope}/{name}/files into <see cref="DidFileEntry"/>.</summary>
internal sealed class DidFileEntryParser : LeanLineParser
{
    public DidFileEntry Parse(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        EnterObject(ref reader);
        string scope = "", name = "";
        long? bytes = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("scope"u8))
            {
                reader.Read();
                scope = ReadScope(ref reader);
            }
            else if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = ReadName(ref reader);
            }
            else if (reader.ValueTextEquals("bytes"u8))
            {
                reader.Read();
                bytes = ReadSize(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        ExpectEnd(ref reader);
        return new DidFileEntry(scope, name, bytes);
    }
}

/// <summary>
/// Reads lines of POST /replicas/list into <see cref="RseReplica"/> for one RSE: the <c>pfns</c> details and other
/// RSEs are skipped, and of the RSE's PFNs only the first (the server's preferred one) becomes a string.
/// </summary>
internal sealed class RseReplicaParser(string rse) : LeanLineParser
{
    private readonly byte[] _rseUtf8 = Encoding.UTF8.GetBytes(rse);

    public RseReplica Parse(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        EnterObject(ref reader);
        string scope = "", name = "";
        string? pfn = null;
        ReplicaState? state = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("scope"u8))
            {
                reader.Read();
                scope = ReadScope(ref reader);
            }
            else if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = ReadName(ref reader);
            }
            else if (reader.ValueTextEquals("rses"u8))
            {
                pfn = ReadFirstPfn(ref reader) ?? pfn;
            }
            else if (reader.ValueTextEquals("states"u8))
            {
                state = ReadState(ref reader) ?? state;
            }
            else
            {
                reader.Skip();
            }
        }

        ExpectEnd(ref reader);
        return new RseReplica(scope, name, state, pfn);
    }

    /// <summary>At the <c>rses</c> property: the first PFN of this RSE's array; the reader ends on the object's end.</summary>
    private string? ReadFirstPfn(ref Utf8JsonReader reader)
    {
        if (!StartMap(ref reader))
        {
            return null;
        }

        string? first = null;
        while (NextValueOfThisRse(ref reader))
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException($"The PFNs of {rse} are not a list.");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new JsonException($"A PFN of {rse} is not a string.");
                }

                first ??= reader.GetString();
            }
        }

        return first;
    }

    /// <summary>At the <c>states</c> property: this RSE's state; the reader ends on the object's end.</summary>
    private ReplicaState? ReadState(ref Utf8JsonReader reader)
    {
        if (!StartMap(ref reader))
        {
            return null;
        }

        ReplicaState? state = null;
        while (NextValueOfThisRse(ref reader))
        {
            // Nearly every line says AVAILABLE: recognised without building the string.
            state = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("AVAILABLE"u8)
                ? ReplicaState.Available
                : ReplicaStateConverter.Instance.Read(ref reader, typeof(ReplicaState), RucioJsonContext.Default.Options);
        }

        return state;
    }

    /// <summary>
    /// Inside a map keyed by RSE: moves to the next non-null value of this RSE, skipping other RSEs; false at the
    /// map's end.
    /// </summary>
    private bool NextValueOfThisRse(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals(_rseUtf8))
            {
                reader.Skip();
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.Null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Moves from a property name to its value: true at an object's start, false at null.</summary>
    private static bool StartMap(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.StartObject => true,
            JsonTokenType.Null => false,
            _ => throw new JsonException($"Expected an object, got {reader.TokenType}."),
        };
    }
}
