using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rucio.DataLake.Core.Configuration;

/// <summary>Source-generated JSON metadata for the few types Core serializes itself.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class CoreJsonContext : JsonSerializerContext;
