namespace GroupPay.BotHost.Storage;

/// <summary>Makes what LiteDB has written to its log file reach the disk.</summary>
internal interface ILogFlush
{
    void Flush();
}

/// <summary>
/// A file LiteDB reads and writes in 8 KiB pages, handed to it as a stream (the store opens its data file and its log
/// file itself, see docs/decisions/0005-flush-the-litedb-log.md). Three things differ from the file LiteDB would open:
/// <list type="bullet">
/// <item><see cref="Flush"/> puts the file on the disk (<c>fsync</c>). LiteDB 5.0.21 calls it on the data file after a
/// checkpoint, as it does with its own files, and never on the log; the store calls it on the log after each group
/// commit, before anyone hears "committed".</item>
/// <item>In a log, the page that confirms a transaction reaches the operating system only after every page before it
/// is on the disk: LiteDB replays a confirmed transaction at start and skips pages of it that are blank, so a power cut
/// that kept the confirming page and lost another would apply half a transaction. This costs one flush more per
/// transaction.</item>
/// <item>Pages written one after another (a commit appends its pages to the log) are kept, up to a fixed buffer, and
/// handed to the operating system as one write at the flush, not as one system call per page under the store's lock.</item>
/// </list>
/// A read, a length, a truncation or a write somewhere else first writes what is kept, so the file always reads as
/// written. Safe for the writer and LiteDB's readers at once.
/// </summary>
internal sealed class PageFile : Stream, ILogFlush
{
    private const int PageSize = 8192;

    /// <summary>Where a LiteDB 5 page header says "this page confirms its transaction" (<c>BasePage.P_IS_CONFIRMED</c>).</summary>
    private const int ConfirmedOffset = 18;

    private readonly bool orderConfirmations;
    private readonly FileStream file;
    private readonly Lock sync = new();
    private readonly byte[] kept;
    private long keptAt;
    private int keptLength;
    private long position;
    private long written;
    private long syncedUpTo;
    private long flushes;

    /// <param name="path">The file, made if missing.</param>
    /// <param name="orderConfirmations">True for a log: a transaction's confirming page reaches the disk after its other pages.</param>
    /// <param name="keep">Most bytes kept before they go to the operating system anyway.</param>
    public PageFile(string path, bool orderConfirmations, int keep)
    {
        this.orderConfirmations = orderConfirmations;
        kept = new byte[keep];
        Path = System.IO.Path.GetFullPath(path);
        // As LiteDB opens its own files: one writer, others may read (a backup tool); no buffer but the kept pages.
        file = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0, FileOptions.RandomAccess);
    }

    public string Path { get; }

    /// <summary>How many times the file reached the disk.</summary>
    public long Flushes => Interlocked.Read(ref flushes);

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length
    {
        get
        {
            lock (sync)
            {
                return keptLength == 0 ? file.Length : Math.Max(file.Length, keptAt + keptLength);
            }
        }
    }

    public override long Position
    {
        get => Interlocked.Read(ref position);
        set => Interlocked.Exchange(ref position, value);
    }

    /// <summary>Each write handed to the operating system and each flush to the disk, as it happens (for tests).</summary>
    internal event Action<string>? Operation;

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => Position + offset,
        _ => Length + offset,
    };

    public override int Read(byte[] buffer, int offset, int count)
    {
        lock (sync)
        {
            WriteKept();
            var read = RandomAccess.Read(file.SafeFileHandle, buffer.AsSpan(offset, count), position);
            position += read;
            return read;
        }
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (sync)
        {
            var source = buffer.AsSpan(offset, count);
            while (!source.IsEmpty)
            {
                if (keptLength == kept.Length || (keptLength > 0 && position != keptAt + keptLength))
                {
                    WriteKept();
                }

                if (keptLength == 0)
                {
                    keptAt = position;
                }

                var part = Math.Min(source.Length, kept.Length - keptLength);
                source[..part].CopyTo(kept.AsSpan(keptLength));
                keptLength += part;
                position += part;
                source = source[part..];
            }
        }
    }

    public override void SetLength(long value)
    {
        lock (sync)
        {
            WriteKept();
            file.SetLength(value);
        }
    }

    /// <summary>Writes what is kept and puts the file on the disk; what was written before the call is then durable.</summary>
    public override void Flush()
    {
        lock (sync)
        {
            WriteKept();
        }

        // Outside the lock: LiteDB's readers need not wait for the disk, and a flush covers every write made before it.
        Sync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (sync)
            {
                // Kept pages belong to commits nobody was told about yet; writing them is still right (the next start reads
                // them as committed, exactly as if the process had stopped after the write).
                WriteKept();
                file.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>Hands the kept bytes to the operating system; in a log, every page before a confirming page is on the disk first.</summary>
    private void WriteKept()
    {
        if (keptLength == 0)
        {
            return;
        }

        var start = 0;
        if (orderConfirmations)
        {
            // LiteDB writes whole pages at page boundaries; keptAt is one, so every page starts at a multiple of PageSize here.
            for (var page = (int)((PageSize - (keptAt % PageSize)) % PageSize); page + PageSize <= keptLength; page += PageSize)
            {
                if (kept[page + ConfirmedOffset] != 1)
                {
                    continue;
                }

                if (page > start)
                {
                    WriteAt(start, page - start);
                    start = page;
                }

                if (Interlocked.Read(ref written) > Interlocked.Read(ref syncedUpTo))
                {
                    Sync();
                }
            }
        }

        WriteAt(start, keptLength - start);
        keptLength = 0;
    }

    private void WriteAt(int start, int length)
    {
        RandomAccess.Write(file.SafeFileHandle, kept.AsSpan(start, length), keptAt + start);
        Interlocked.Increment(ref written);
        Operation?.Invoke($"write {keptAt + start}+{length}");
    }

    /// <summary>Puts on the disk every write made before the call (and notes which, so a later confirmation knows).</summary>
    private void Sync()
    {
        var covered = Interlocked.Read(ref written);
        file.Flush(flushToDisk: true);
        InterlockedMax(ref syncedUpTo, covered);
        Interlocked.Increment(ref flushes);
        Operation?.Invoke("sync");
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
