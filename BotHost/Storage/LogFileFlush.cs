namespace GroupPay.BotHost.Storage;

/// <summary>Makes what LiteDB has written to its log file reach the disk.</summary>
internal interface ILogFlush : IDisposable
{
    void Flush();
}

/// <summary>
/// LiteDB 5.0.21 writes a committed transaction's pages into its log file (<c>name-log.db</c>) and returns without
/// asking the operating system to put them on the disk (it flushes only the data file, at a checkpoint): a commit
/// survives the process being killed, but not a power cut or a kernel crash, which could lose acknowledged turns and
/// payments. This flushes the log file through a handle of its own (a flush acts on the file, whoever wrote it) after
/// each group commit, before the turns in it are acknowledged. See docs/decisions/0005-flush-the-litedb-log.md.
/// </summary>
internal sealed class LogFileFlush(string databasePath) : ILogFlush
{
    private readonly string logPath = LogPathOf(databasePath);
    private FileStream? handle;
    private bool unavailable;

    /// <summary>LiteDB's name for the log of a data file: <c>data/grouppay.db</c> → <c>data/grouppay-log.db</c>.</summary>
    public static string LogPathOf(string databasePath)
    {
        var full = Path.GetFullPath(databasePath);
        return Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + "-log" + Path.GetExtension(full));
    }

    /// <summary>How many times the log reached the disk through this handle.</summary>
    public long Flushed { get; private set; }

    public void Flush()
    {
        // LiteDB makes the log at its first commit and truncates it (the same file) at each checkpoint; it deletes it
        // only when the database is closed, after this is disposed.
        if (handle is null)
        {
            if (unavailable || !File.Exists(logPath))
            {
                return;
            }

            try
            {
                handle = new FileStream(logPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            }
            catch (IOException)
            {
                // Windows refuses a second writer on the log LiteDB holds: commits there are as durable as LiteDB makes them.
                unavailable = true;
                return;
            }
        }

        handle.Flush(flushToDisk: true);
        Flushed++;
    }

    public void Dispose() => handle?.Dispose();
}
