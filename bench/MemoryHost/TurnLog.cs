namespace GroupPay.Bench.MemoryHost;

/// <summary>
/// An append-only file that the memory store's commits go to: one writer thread writes everything queued since its last
/// pass as one write, flushes it to the disk, and only then tells the callers. What a store that keeps its state in
/// memory pays at the least to make each acknowledged turn durable (a group commit's append and flush); there is no
/// snapshot and no replay, so it is still only for measuring.
/// </summary>
public sealed class TurnLog : IDisposable
{
    private readonly FileStream file;
    private readonly object queueGate = new();
    private readonly Thread writer;
    private List<Entry> queue = [];
    private bool closed;

    public TurnLog(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
        file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16);
        writer = new Thread(WriteLoop) { IsBackground = true, Name = "turn log" };
        writer.Start();
    }

    /// <summary>Completes once <paramref name="record"/> is on the disk; <paramref name="durable"/> runs just before that.</summary>
    public Task AppendAsync(byte[] record, Action? durable = null)
    {
        var entry = new Entry(record, durable);
        lock (queueGate)
        {
            ObjectDisposedException.ThrowIf(closed, this);
            queue.Add(entry);
            Monitor.Pulse(queueGate);
        }

        return entry.Done.Task;
    }

    private void WriteLoop()
    {
        Span<byte> length = stackalloc byte[4];
        while (true)
        {
            List<Entry> batch;
            lock (queueGate)
            {
                while (queue.Count == 0 && !closed)
                {
                    Monitor.Wait(queueGate);
                }

                if (queue.Count == 0)
                {
                    return;
                }

                (batch, queue) = (queue, []);
            }

            try
            {
                foreach (var entry in batch)
                {
                    System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, entry.Record.Length);
                    file.Write(length);
                    file.Write(entry.Record);
                }

                file.Flush(flushToDisk: true);
                foreach (var entry in batch)
                {
                    entry.Durable?.Invoke();
                    entry.Done.TrySetResult();
                }
            }
            catch (Exception error)
            {
                batch.ForEach(entry => entry.Done.TrySetException(error));
            }
        }
    }

    public void Dispose()
    {
        lock (queueGate)
        {
            closed = true;
            Monitor.Pulse(queueGate);
        }

        writer.Join();
        file.Dispose();
    }

    private sealed record Entry(byte[] Record, Action? Durable)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
