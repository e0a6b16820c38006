namespace GroupPay.BotHost.Storage;

/// <summary>Makes what LiteDB has written to its log file reach the disk.</summary>
internal interface ILogFlush
{
    void Flush();
}

/// <summary>
/// A file LiteDB reads and writes in 8 KiB pages, handed to it as a stream (the store opens its data file and its log
/// file itself, see docs/decisions/0005-flush-the-litedb-log.md). These things differ from the file LiteDB would open:
/// <list type="bullet">
/// <item><see cref="Flush"/> puts the file on the disk (<c>fsync</c>). LiteDB 5.0.21 calls it on the data file after a
/// checkpoint, as it does with its own files, and never on the log; the store calls it on the log after each group
/// commit, before anyone hears "committed". A data file given to a log leaves its flush to that log (last item).</item>
/// <item>In a log, the page that confirms a transaction reaches the operating system only after every page before it
/// is on the disk: LiteDB replays a confirmed transaction at start and skips pages of it that are blank, so a power cut
/// that kept the confirming page and lost another would apply half a transaction. This costs one flush more per
/// transaction.</item>
/// <item>Written pages are kept (a fixed number of them) and handed to the operating system at the flush, in the order of
/// their places in the file, neighbours in one write, a page written twice once: a commit appends its pages to the log,
/// and a checkpoint copies ~1,000 log pages, many of them the same few, into the data file. LiteDB writes each page with
/// a system call of its own, under the store's lock.</item>
/// <item>Reading on from where the last read ended (a checkpoint reads the whole log) reads ahead in one call.</item>
/// <item>A log given its data file takes the disk work of LiteDB's checkpoint out of the store's lock: the data file's
/// flush at the end of a checkpoint hands its pages to the operating system and leaves the <c>fsync</c> owed, and the
/// log's truncation that follows is only noted (the log reads as empty). Both are settled, in that order, by the log's
/// next flush (after the group commit, outside the lock), or before anything else reaches the log or is read from it,
/// or when a file closes. The log on the disk is therefore cut only after the checkpoint's pages are on the disk, and
/// nothing new is written to it before it is cut, exactly as when LiteDB did both at once: a killed process or a power
/// cut in between finds the whole old log, whose transactions LiteDB replays onto the data file a second time.</item>
/// </list>
/// A read or a truncation first writes what is kept, and the length counts it, so the file always reads as written.
/// Safe for the writer and LiteDB's readers at once.
/// </summary>
internal sealed class PageFile : Stream, ILogFlush
{
    private const int PageSize = 8192;

    /// <summary>Where a LiteDB 5 page header says "this page confirms its transaction" (<c>BasePage.P_IS_CONFIRMED</c>).</summary>
    private const int ConfirmedOffset = 18;

    private readonly bool orderConfirmations;
    private readonly FileStream file;
    private readonly Lock sync = new();

    /// <summary>Kept pages, one slot each, found by their place in the file.</summary>
    private readonly byte[] slots;
    private readonly Dictionary<long, int> slotOf = [];
    private readonly long[] places;
    private readonly List<ReadOnlyMemory<byte>> run = [];

    private readonly byte[] ahead;
    private long aheadAt;
    private int aheadLength;
    private long lastReadEnd = -1;

    private long position;
    private long written;
    private long writes;
    private long syncedUpTo;
    private long flushes;

    /// <summary>For a log: the data file it is checkpointed into, whose owed flush is settled before the log is cut.</summary>
    private readonly PageFile? dataFile;

    /// <summary>For a data file: its flushes are settled by its log (set when the log is made).</summary>
    private bool flushSettledByLog;

    /// <summary>For a data file: how many flushes handed their pages to the operating system without reaching the disk.</summary>
    private long flushesOwed;

    /// <summary>For a data file: up to which of those flushes the disk has them (a failed <c>fsync</c> settles nothing).</summary>
    private long flushesSettled;

    /// <summary>Makes one settlement wait for another still putting the file on the disk (that one's <c>fsync</c> runs outside <see cref="sync"/>).</summary>
    private readonly Lock settling = new();

    /// <summary>For a log: the length LiteDB cut it to, not yet cut on the disk.</summary>
    private long? cutTo;

    /// <param name="path">The file, made if missing.</param>
    /// <param name="orderConfirmations">True for a log: a transaction's confirming page reaches the disk after its other pages.</param>
    /// <param name="keepPages">Most pages kept before they go to the operating system anyway.</param>
    /// <param name="readAhead">Bytes read at once when reading on from the last read; 0 for none.</param>
    /// <param name="dataFile">For a log: the data file LiteDB checkpoints it into; that file's flushes are then settled by
    /// this log (see the class), and this log's truncations wait for them.</param>
    public PageFile(string path, bool orderConfirmations, int keepPages, int readAhead, PageFile? dataFile = null)
    {
        this.orderConfirmations = orderConfirmations;
        this.dataFile = dataFile;
        if (dataFile is not null)
        {
            dataFile.flushSettledByLog = true;
        }

        slots = new byte[keepPages * PageSize];
        places = new long[keepPages];
        ahead = new byte[readAhead];
        Path = System.IO.Path.GetFullPath(path);
        // As LiteDB opens its own files: one writer, others may read (a backup tool); no buffer but the kept pages.
        file = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0, FileOptions.RandomAccess);
    }

    public string Path { get; }

    /// <summary>How many times the file reached the disk.</summary>
    public long Flushes => Interlocked.Read(ref flushes);

    /// <summary>How many writes were made to this file (kept or not): a caller can tell whether its work wrote.</summary>
    public long Writes => Interlocked.Read(ref writes);

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length
    {
        get
        {
            lock (sync)
            {
                var keptEnd = slotOf.Count == 0 ? 0 : slotOf.Keys.Max() + PageSize;
                return Math.Max(cutTo ?? file.Length, keptEnd);
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
            CutIfOwed();
            WriteKept();
            var target = buffer.AsSpan(offset, count);
            if (aheadLength > 0 && position >= aheadAt && position + count <= aheadAt + aheadLength)
            {
                ahead.AsSpan((int)(position - aheadAt), count).CopyTo(target);
            }
            else if (count < ahead.Length && (position == lastReadEnd || position == 0))
            {
                aheadAt = position;
                aheadLength = RandomAccess.Read(file.SafeFileHandle, ahead, position);
                count = Math.Min(count, aheadLength);
                ahead.AsSpan(0, count).CopyTo(target);
            }
            else
            {
                count = RandomAccess.Read(file.SafeFileHandle, target, position);
            }

            position += count;
            lastReadEnd = position;
            return count;
        }
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (sync)
        {
            Interlocked.Increment(ref writes);
            if (count != PageSize || position % PageSize != 0 || slots.Length == 0)
            {
                // Not a page (LiteDB writes none such): out at once, after what was kept.
                WriteKept();
                run.Add(buffer.AsMemory(offset, count));
                WriteRun(position);
                position += count;
                return;
            }

            if (!slotOf.TryGetValue(position, out var slot))
            {
                if (slotOf.Count == places.Length)
                {
                    WriteKept();
                }

                slot = slotOf.Count;
                slotOf[position] = slot;
            }

            buffer.AsSpan(offset, count).CopyTo(slots.AsSpan(slot * PageSize, PageSize));
            position += count;
        }
    }

    public override void SetLength(long value)
    {
        lock (sync)
        {
            aheadLength = 0;
            if (dataFile is not null && value == 0)
            {
                // LiteDB empties its log after a checkpoint: noted now, done on the disk once the checkpoint is (see the class).
                // Pages kept for it are past the end now.
                slotOf.Clear();
                cutTo = 0;
                return;
            }

            CutIfOwed();
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
            if (flushSettledByLog)
            {
                // A checkpoint's end: the log's next flush puts these pages on the disk before it cuts the log.
                flushesOwed++;
                return;
            }

            // A log settles what its data file owes first, then its own truncation, whether or not it has pages to write.
            dataFile?.SettleFlush();
            CutIfOwed();
        }

        // Outside the lock: LiteDB's readers need not wait for the disk, and a flush covers every write made before it.
        Sync();
    }

    /// <summary>Hands what is kept to the operating system now, without waiting for the disk (a killed process then loses none of it).</summary>
    public void WriteOut()
    {
        lock (sync)
        {
            WriteKept();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Kept pages belong to commits nobody was told about yet; writing them is still right (the next start reads
            // them as committed, exactly as if the process had stopped after the write). An owed flush or cut is settled.
            // The handle closes either way.
            try
            {
                SettleFlush();
                lock (sync)
                {
                    CutIfOwed();
                    WriteKept();
                }
            }
            finally
            {
                file.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Hands the kept pages to the operating system in the order of their places, neighbours in one write. In a log,
    /// every page before a confirming page is on the disk before the confirming page is written.
    /// </summary>
    private void WriteKept()
    {
        var count = slotOf.Count;
        if (count == 0)
        {
            return;
        }

        slotOf.Keys.CopyTo(places, 0);
        Array.Sort(places, 0, count);
        long runAt = 0;
        for (var i = 0; i < count; i++)
        {
            var place = places[i];
            var slot = slotOf[place] * PageSize;
            var confirms = orderConfirmations && slots[slot + ConfirmedOffset] == 1;
            if (run.Count > 0 && (confirms || place != runAt + (run.Count * PageSize)))
            {
                WriteRun(runAt);
            }

            if (confirms && Interlocked.Read(ref written) > Interlocked.Read(ref syncedUpTo))
            {
                Sync();
            }

            if (run.Count == 0)
            {
                runAt = place;
            }

            run.Add(slots.AsMemory(slot, PageSize));
        }

        WriteRun(runAt);
        slotOf.Clear();
    }

    /// <summary>Hands <see cref="run"/> to the operating system as one write at <paramref name="at"/>; what was read ahead is stale now.</summary>
    private void WriteRun(long at)
    {
        // Nothing new reaches a log that is still to be cut: the old pages past it would be replayed after the new ones.
        CutIfOwed();
        RandomAccess.Write(file.SafeFileHandle, run, at);
        Interlocked.Increment(ref written);
        aheadLength = 0;
        Operation?.Invoke($"write {at}+{run.Sum(part => part.Length)}");
        run.Clear();
    }

    /// <summary>
    /// For a log whose truncation is owed (under <see cref="sync"/>): puts its data file's checkpoint on the disk, then cuts
    /// the log on the disk.
    /// </summary>
    private void CutIfOwed()
    {
        if (cutTo is not { } length)
        {
            return;
        }

        dataFile?.SettleFlush();
        file.SetLength(length);
        cutTo = null;
        Operation?.Invoke($"cut {length}");
    }

    /// <summary>For a data file: puts an owed flush on the disk (a caller waits for one already under way).</summary>
    private void SettleFlush()
    {
        lock (settling)
        {
            long owed;
            lock (sync)
            {
                owed = flushesOwed;
                if (owed == flushesSettled)
                {
                    return;
                }

                WriteKept();
            }

            // Outside the file's lock, so LiteDB's reads of the data file need not wait for the disk. Flushes made
            // meanwhile stay owed; if the fsync fails, all of them do, and the log stays uncut.
            Sync();
            lock (sync)
            {
                flushesSettled = owed;
            }
        }
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
