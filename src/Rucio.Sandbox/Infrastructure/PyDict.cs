using System.Collections;

namespace Rucio.Sandbox.Infrastructure;

/// <summary>
/// An insertion-ordered JSON object. Rucio's answers are Python dicts whose key order clients (and the recorded
/// transcripts) see, so the order is kept exactly as written.
/// </summary>
internal sealed class PyDict : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _items = [];

    public int Count => _items.Count;

    public void Add(string key, object? value)
    {
        var index = _items.FindIndex(item => item.Key == key);
        if (index >= 0)
        {
            _items[index] = new(key, value);
        }
        else
        {
            _items.Add(new(key, value));
        }
    }

    public object? this[string key]
    {
        get => _items.Find(item => item.Key == key).Value;
        set => Add(key, value);
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
