using System.Text;
using System.Text.Json;

namespace Rucio.Client.Tests;

public sealed class ModelTests
{
    [Theory]
    [InlineData("user.root:file1.dat", "user.root", "file1.dat")]
    [InlineData("user.jdoe:run:2024/part:1.root", "user.jdoe", "run:2024/part:1.root")]
    public void Did_Parse_SplitsAtFirstColon(string text, string scope, string name)
    {
        var did = Did.Parse(text);
        Assert.Equal(scope, did.Scope);
        Assert.Equal(name, did.Name);
        Assert.Equal(text, did.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("noscope")]
    [InlineData(":name")]
    [InlineData("scope:")]
    public void Did_TryParse_RejectsMalformed(string? text)
    {
        Assert.False(Did.TryParse(text, out _));
        if (text is not null)
        {
            Assert.Throws<FormatException>(() => Did.Parse(text));
        }
    }

    [Theory]
    [InlineData("DIDType.FILE", DidType.File)]
    [InlineData("FILE", DidType.File)]
    [InlineData("dataset", DidType.Dataset)]
    [InlineData("DIDType.CONTAINER", DidType.Container)]
    [InlineData("ARCHIVE", DidType.Unknown)]
    public void DidType_AcceptsBothSpellings(string wire, DidType expected)
    {
        var json = $$"""{"scope":"s","name":"n","did_type":"{{wire}}"}""";
        var result = JsonSerializer.Deserialize(json, RucioJsonContext.Default.DidSearchResult);
        Assert.Equal(expected, result!.Type);
    }

    [Theory]
    [InlineData("Sun, 22 Nov 2026 18:52:57 UTC")]
    [InlineData("2026-11-22T18:52:57")]
    [InlineData("2026-11-22T18:52:57Z")]
    [InlineData("Sun, 22 Nov 2026 18:52:57 GMT")]
    public void Dates_AcceptRfc1123WithUtcAndIso(string wire)
    {
        var json = $$"""{"account":"root","created_at":"{{wire}}"}""";
        var account = JsonSerializer.Deserialize(json, RucioJsonContext.Default.RucioAccount);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 18, 52, 57, TimeSpan.Zero), account!.CreatedAt);
    }

    [Fact]
    public void Dates_RejectGarbageAsJsonError()
    {
        Assert.Throws<JsonException>(() =>
            JsonSerializer.Deserialize("""{"account":"root","created_at":"yesterday-ish"}""", RucioJsonContext.Default.RucioAccount));
    }

    [Fact]
    public void UnknownEnumValues_AreTolerated()
    {
        var line = """{"scope":"s","name":"n","pfns":{},"rses":{},"states":{"A":"AVAILABLE","B":"FROBNICATED","C":"C"}}""";
        var replica = JsonSerializer.Deserialize(line, RucioJsonContext.Default.Replica)!;
        Assert.Equal(ReplicaState.Available, replica.States["A"]);
        Assert.Equal(ReplicaState.Unknown, replica.States["B"]);
        Assert.Equal(ReplicaState.Copying, replica.States["C"]);

        var rule = JsonSerializer.Deserialize("""{"id":"x","state":"SOMETHING_NEW"}""", RucioJsonContext.Default.ReplicationRule)!;
        Assert.Equal(RuleState.Unknown, rule.State);
    }

    [Fact]
    public void Token_ToString_DoesNotRevealValue()
    {
        var token = new RucioToken("root-ddmlab-secret-value", DateTimeOffset.UnixEpoch, "root");
        Assert.DoesNotContain("secret-value", token.ToString(), StringComparison.Ordinal);
        Assert.Contains("root", token.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_ToString_DoNotRevealSecrets()
    {
        Assert.DoesNotContain("hunter2", RucioCredential.UserPass("alice", "hunter2").ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", RucioCredential.OidcToken("eyJhbGciOiJub25lIn0.e30.x").ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("pass", RucioCredential.X509("/c.pem", "/k.pem", "passphrase").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PythonLiteral_RendersGroupsQuotesAndTypes()
    {
        var groups = new List<IReadOnlyDictionary<string, DidFilter>>
        {
            new Dictionary<string, DidFilter>
            {
                ["bytes"] = DidFilter.GreaterThan(10),
                ["run_number"] = DidFilter.LessThanOrEqual(5L),
                ["ratio"] = DidFilter.NotEqual(0.5),
                ["is_open"] = DidFilter.Equal(true),
            },
            new Dictionary<string, DidFilter> { ["name"] = DidFilter.Equal("it's a \\ \"file\"\n") },
        };

        var rendered = PythonLiteral.RenderFilters(groups, namePattern: "data*");

        Assert.Equal(
            "[{'name': 'data*', 'bytes.gt': 10, 'run_number.lte': 5, 'ratio.ne': 0.5, 'is_open': True}, "
            + "{'name': 'it\\'s a \\\\ \"file\"\\n'}]",
            rendered);
    }

    [Fact]
    public void DidFilter_RejectsUnsupportedValues()
    {
        Assert.Throws<ArgumentException>(() => DidFilter.Equal(new object()));
        Assert.Throws<ArgumentException>(() =>
            PythonLiteral.RenderFilters([new Dictionary<string, DidFilter> { ["x"] = DidFilter.Equal(double.NaN) }], null));
    }

    [Fact]
    public void ValidateBody_PythonRepr_IsParsed()
    {
        var body = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Transcripts", "01d_auth_validate.txt")))
            .Split("<<<\n")[1];
        var validation = RucioAuthClient.ParseValidation(body)!;
        Assert.Equal("root", validation.Account);
        Assert.Equal("ddmlab", validation.Identity);
        Assert.Equal("def", validation.Vo);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 19, 51, 31, TimeSpan.Zero).AddTicks(4817590), validation.Lifetime);
    }

    [Fact]
    public void ValidateBody_Json_IsParsed()
    {
        var validation = RucioAuthClient.ParseValidation("""{"account":"jdoe","identity":"jdoe","lifetime":"2026-11-22T19:51:31","vo":"def"}""")!;
        Assert.Equal("jdoe", validation.Account);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 19, 51, 31, TimeSpan.Zero), validation.Lifetime);
    }
}
