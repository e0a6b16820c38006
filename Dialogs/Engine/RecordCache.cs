using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace GroupPay.Dialogs.Engine;

/// <summary>
/// A bounded map of what this process knows of records (a store's versions, the engine's ledger sums), so the
/// work that needs them does without a read. Past its capacity it forgets an arbitrary quarter of what it holds, and a
/// forgotten entry is read (or summed) again. Each user says who may set an entry and when (the LiteDB store: only under
/// its lock, after a commit or a read of the file, so an older read never overwrites a newer commit).
/// </summary>
public sealed class RecordCache<T>(int capacity)
    where T : notnull
{
    private readonly ConcurrentDictionary<string, T> entries = new(StringComparer.Ordinal);

    public int Count => entries.Count;

    public bool TryGet(string key, [MaybeNullWhen(false)] out T value) => entries.TryGetValue(key, out value);

    public void Set(string key, T value)
    {
        if (entries.Count >= capacity && !entries.ContainsKey(key))
        {
            var drop = Math.Max(1, capacity / 4);
            foreach (var old in entries.Keys)
            {
                if (drop-- == 0)
                {
                    break;
                }

                entries.TryRemove(old, out _);
            }
        }

        entries[key] = value;
    }
}

