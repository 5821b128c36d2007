using System.Xml;
using System.Xml.Linq;

namespace Rucio.Sandbox.Tests.Comparison;

/// <summary>Compares metalink4 XML element by element; <c>url</c> texts are PFNs and compare by structure.</summary>
internal static class MetalinkComparer
{
    public static void Compare(string recordedBody, string liveBody, PfnStructure pfns, List<string> mismatches)
    {
        XDocument live;
        try
        {
            live = XDocument.Parse(liveBody);
        }
        catch (XmlException ex)
        {
            mismatches.Add($"body is not XML: {ex.Message}");
            return;
        }

        CompareElements(XDocument.Parse(recordedBody).Root!, live.Root, "/", pfns, mismatches);
    }

    private static void CompareElements(XElement recorded, XElement? live, string path, PfnStructure pfns, List<string> mismatches)
    {
        path += recorded.Name.LocalName;
        if (live is null || live.Name != recorded.Name)
        {
            mismatches.Add($"{path}: element {live?.Name.ToString() ?? "(none)"} where the recording has {recorded.Name}");
            return;
        }

        var recordedAttributes = recorded.Attributes().Where(a => !a.IsNamespaceDeclaration).ToDictionary(a => a.Name, a => a.Value);
        var liveAttributes = live.Attributes().Where(a => !a.IsNamespaceDeclaration).ToDictionary(a => a.Name, a => a.Value);
        foreach (var (name, value) in recordedAttributes)
        {
            if (!liveAttributes.TryGetValue(name, out var liveValue) || liveValue != value)
            {
                mismatches.Add($"{path}@{name}: \"{liveValue}\" where the recording has \"{value}\"");
            }
        }

        foreach (var name in liveAttributes.Keys.Except(recordedAttributes.Keys))
        {
            mismatches.Add($"{path}: unexpected attribute {name}");
        }

        var recordedChildren = recorded.Elements().ToList();
        var liveChildren = live.Elements().ToList();
        if (recordedChildren.Count == 0)
        {
            var problem = recorded.Name.LocalName == "url" && pfns.IsPfn(recorded.Value)
                ? pfns.Check(recorded.Value, live.Value)
                : recorded.Value == live.Value ? null : $"\"{live.Value}\" where the recording has \"{recorded.Value}\"";
            if (problem is not null)
            {
                mismatches.Add($"{path}: {problem}");
            }
        }

        if (recordedChildren.Count != liveChildren.Count)
        {
            mismatches.Add($"{path}: {liveChildren.Count} child elements where the recording has {recordedChildren.Count}");
        }

        for (var i = 0; i < Math.Min(recordedChildren.Count, liveChildren.Count); i++)
        {
            CompareElements(recordedChildren[i], liveChildren[i], path + "/", pfns, mismatches);
        }
    }
}
