namespace GroupPay.BotHost.Storage;

/// <summary>
/// <c>migrate-storage --to postgres --connection "…" [--from data/grouppay.db]</c>: copies a LiteDB database into an
/// empty PostgreSQL database, then runs the invariant auditor on both and compares them chat by chat. The host must be
/// stopped while it runs (LiteDB allows one process). The connection string may come from
/// <c>Storage__Postgres__ConnectionString</c> instead, to keep it out of the shell history.
/// </summary>
public static class StorageMigrationCommand
{
    public const string Name = "migrate-storage";
    private const string Usage = "usage: migrate-storage --to postgres --connection \"Host=…;Database=…\" [--from data/grouppay.db]";

    public static bool Matches(string[] args) => args.Length > 0 && args[0] == Name;

    /// <returns>0 when the copy is complete and audited; 1 when the audit found a difference; 2 for a usage error.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken ct = default)
    {
        var options = Parse(args);
        if (options is null)
        {
            await output.WriteLineAsync(Usage);
            return 2;
        }

        var (from, connection) = options.Value;
        if (!File.Exists(from))
        {
            await output.WriteLineAsync($"No LiteDB database at {Path.GetFullPath(from)}.");
            return 2;
        }

        StoreSnapshot snapshot;
        IReadOnlyList<ChatAudit> before;
        using (var source = new LiteDbStore(from))
        {
            snapshot = source.Export();
            before = await StoreAuditor.AuditAsync(source, ct);
        }

        await output.WriteLineAsync(
            $"Read {snapshot.Chats.Count} chats, {snapshot.Flows.Count} flows, {snapshot.Obligations.Count} obligations, " +
            $"{snapshot.Journal.Count} journal entries, {snapshot.Outbox.Count(o => !o.Delivered)} undelivered outbox items from {Path.GetFullPath(from)}.");
        await using var target = await PostgresStore.OpenAsync(connection, ct: ct);
        try
        {
            await target.ImportAsync(snapshot, ct);
        }
        catch (InvalidOperationException exception)
        {
            await output.WriteLineAsync(exception.Message);
            return 2;
        }

        var after = (await StoreAuditor.AuditAsync(target, ct)).ToDictionary(a => a.ChatKey, StringComparer.Ordinal);
        var failures = 0;
        foreach (var source in before)
        {
            var copied = after.GetValueOrDefault(source.ChatKey);
            var same = copied is not null && copied.Entries == source.Entries && copied.Head == source.Head;
            var verdict = copied is not null && copied.Holds && same ? "ok" : "FAILED";
            if (verdict != "ok")
            {
                failures++;
            }

            await output.WriteLineAsync(
                $"{verdict} {source.ChatKey}: {copied?.Entries ?? 0}/{source.Entries} entries, chain {(copied?.ChainVerified == true ? "verified" : "broken")}, " +
                $"nets {(copied?.NetsBalance == true ? "sum to 0" : "do not sum to 0")}");
        }

        if (after.Count != before.Count)
        {
            failures++;
            await output.WriteLineAsync($"FAILED: {after.Count} chats in PostgreSQL, {before.Count} in LiteDB.");
        }

        await output.WriteLineAsync(failures == 0
            ? $"Migrated {before.Count} chats into PostgreSQL (schema {PostgresStore.SchemaVersion}); the invariant auditor verified every one."
            : $"The invariant auditor found {failures} problem(s); do not switch Storage:Provider until they are understood.");
        return failures == 0 ? 0 : 1;
    }

    private static (string From, string Connection)? Parse(string[] args)
    {
        string? to = null, from = "data/grouppay.db", connection = Environment.GetEnvironmentVariable("Storage__Postgres__ConnectionString");
        for (var i = 1; i < args.Length; i++)
        {
            if (i + 1 >= args.Length)
            {
                return null;
            }

            switch (args[i])
            {
                case "--to": to = args[++i]; break;
                case "--from": from = args[++i]; break;
                case "--connection": connection = args[++i]; break;
                default: return null;
            }
        }

        return string.Equals(to, "postgres", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(connection)
            ? (from, connection)
            : null;
    }
}
