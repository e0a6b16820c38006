using GroupPay.BotHost.Storage;

namespace GroupPay.Tests.Storage;

/// <summary>The file the store hands LiteDB: pages kept and written together, flushed to the disk, confirmations last.</summary>
public sealed class PageFileTests : IDisposable
{
    private const int Page = 8192;
    private readonly string folder = Directory.CreateTempSubdirectory("grouppay-pagefile-").FullName;
    private readonly List<string> operations = [];

    private string FilePath => Path.Combine(folder, "file-log.db");

    [Fact]
    public void Pages_written_one_after_another_reach_the_file_as_one_write_at_the_flush()
    {
        using var file = Open(orderConfirmations: false);
        for (byte page = 1; page <= 3; page++)
        {
            file.Position = (page - 1) * Page;
            file.Write(PageOf(page), 0, Page);
        }

        // Kept, yet read as written.
        Assert.Equal(0, DiskLength());
        Assert.Equal(3 * Page, file.Length);
        Assert.Equal(2, ReadPage(file, 1)[100]);

        file.Flush();
        Assert.Equal(["write 0+24576", "sync"], operations);
        Assert.Equal(3 * Page, DiskLength());
        Assert.Equal(1, file.Flushes);
    }

    [Fact]
    public void A_transactions_confirming_page_is_written_after_its_other_pages_are_on_the_disk()
    {
        using var file = Open(orderConfirmations: true);
        // Two transactions: pages 1–2 confirmed by 3, page 4 confirmed by 5.
        for (byte page = 1; page <= 5; page++)
        {
            file.Position = (page - 1) * Page;
            file.Write(PageOf(page, confirms: page is 3 or 5), 0, Page);
        }

        file.Flush();

        Assert.Equal(
            ["write 0+16384", "sync", "write 16384+16384", "sync", "write 32768+8192", "sync"],
            operations);
        Assert.Equal(5 * Page, DiskLength());
    }

    [Fact]
    public void Kept_pages_go_out_in_the_order_of_their_places_neighbours_together_a_page_written_twice_once()
    {
        using var file = Open(orderConfirmations: false);
        foreach (var (place, number) in new[] { (7, 1), (2, 2), (3, 3), (7, 4) })
        {
            file.Position = place * Page;
            file.Write(PageOf((byte)number), 0, Page);
        }

        file.Flush();
        Assert.Equal(["write 16384+16384", "write 57344+8192", "sync"], operations);
        Assert.Equal(4, ReadPage(file, 7)[100]);
        Assert.Equal(3, ReadPage(file, 3)[100]);
    }

    [Fact]
    public void A_read_or_a_truncation_first_writes_what_is_kept()
    {
        using var file = Open(orderConfirmations: false);
        file.Write(PageOf(1), 0, Page);
        Assert.Equal(1, ReadPage(file, 0)[100]);
        Assert.Equal(["write 0+8192"], operations);

        file.Position = 2 * Page;
        file.Write(PageOf(3), 0, Page);
        file.SetLength(Page);
        Assert.Equal(["write 0+8192", "write 16384+8192"], operations);
        Assert.Equal(Page, DiskLength());
        Assert.Equal(Page, file.Length);
        Assert.Equal(1, ReadPage(file, 0)[100]);
    }

    [Fact]
    public void Reading_on_from_the_last_read_reads_ahead_and_a_write_makes_it_read_again()
    {
        using var file = Open(orderConfirmations: false, readAhead: 3 * Page);
        for (byte page = 1; page <= 4; page++)
        {
            file.Write(PageOf(page), 0, Page);
        }

        file.Flush();
        Assert.Equal([1, 2, 3, 4], Enumerable.Range(0, 4).Select(page => (int)ReadPage(file, page)[100]));

        // Page 2 changes on the disk behind the read-ahead (another write through this file): the next read sees it.
        file.Position = Page;
        file.Write(PageOf(9), 0, Page);
        Assert.Equal(9, ReadPage(file, 1)[100]);
        Assert.Equal(3, ReadPage(file, 2)[100]);
        Assert.Equal(4, ReadPage(file, 3)[100]);
        Assert.Equal(0, file.Read(new byte[Page], 0, Page));
    }

    [Fact]
    public void A_confirming_page_after_a_full_buffer_waits_for_the_pages_written_before_it()
    {
        using var file = Open(orderConfirmations: true);
        for (byte page = 1; page <= 5; page++)
        {
            file.Write(PageOf(page, confirms: page == 5), 0, Page);
        }

        // The buffer holds four pages: they went out when the fifth came, and the fifth confirms them.
        Assert.Equal(["write 0+32768"], operations);
        file.Flush();
        Assert.Equal(["write 0+32768", "sync", "write 32768+8192", "sync"], operations);
    }

    [Fact]
    public void What_is_kept_when_the_file_closes_is_written()
    {
        using (var file = Open(orderConfirmations: true))
        {
            file.Write(PageOf(1), 0, Page);
            file.Write(PageOf(2, confirms: true), 0, Page);
        }

        Assert.Equal(2 * Page, DiskLength());
    }

    [Fact]
    public void A_checkpoints_flush_and_the_logs_cut_wait_for_the_logs_next_flush_data_on_the_disk_first()
    {
        var (data, log) = OpenPair();
        using (data)
        using (log)
        {
            CommitAndCheckpoint(data, log, dataPage: 5);

            // The data page went to the operating system, nothing reached the disk, and the log is still whole there
            // (a killed process or a power cut now finds the old log and replays it onto the data file again).
            Assert.Equal(["data write 40960+8192"], operations);
            Assert.Equal(0, log.Length);
            Assert.Equal(Page, new FileInfo(LogPath).Length);
            Assert.Equal(0, log.Read(new byte[Page], 0, 0));

            // The next commit: its page is kept until the log's flush, which puts the checkpoint on the disk, cuts the
            // log, then writes and flushes the commit.
            log.Position = 0;
            log.Write(PageOf(2, confirms: true), 0, Page);
            Assert.Equal(Page, log.Length);
            log.Flush();
            Assert.Equal(["data write 40960+8192", "data sync", "log cut 0", "log write 0+8192", "log sync"], operations);
            Assert.Equal(Page, new FileInfo(LogPath).Length);
            Assert.Equal(2, ReadPage(log, 0)[100]);
        }
    }

    [Fact]
    public void An_owed_cut_is_made_before_anything_reaches_the_log_or_is_read_from_it_and_when_the_files_close()
    {
        var (data, log) = OpenPair();
        using (data)
        {
            using (log)
            {
                CommitAndCheckpoint(data, log, dataPage: 0);
                operations.Clear();

                // A read settles it (LiteDB reads its log only where it wrote since, so this is rare).
                Assert.Equal(0, log.Read(new byte[Page], 0, Page));
                Assert.Equal(["data sync", "log cut 0"], operations);

                operations.Clear();
                data.Position = Page;
                data.Write(PageOf(3), 0, Page);
                data.Flush();
                log.SetLength(0);
            }

            // Closing the log: the data file's checkpoint first, then the cut.
            Assert.Equal(["data write 8192+8192", "data sync", "log cut 0"], operations);
            Assert.Equal(0, new FileInfo(LogPath).Length);
        }
    }

    [Fact]
    public void When_the_data_files_flush_fails_the_log_stays_whole_and_the_next_flush_tries_again()
    {
        var (data, log) = OpenPair();
        using (data)
        using (log)
        {
            CommitAndCheckpoint(data, log, dataPage: 0);

            var failing = true;
            data.Operation += operation =>
            {
                if (operation == "sync" && failing)
                {
                    failing = false;
                    throw new IOException("disk full");
                }
            };
            operations.Clear();

            Assert.Throws<IOException>(log.Flush);
            Assert.Equal(Page, new FileInfo(LogPath).Length);

            log.Flush();
            Assert.Equal(["data sync", "data sync", "log cut 0", "log sync"], operations);
            Assert.Equal(0, new FileInfo(LogPath).Length);
        }
    }

    public void Dispose()
    {
        Directory.Delete(folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    private PageFile Open(bool orderConfirmations, int readAhead = 0)
    {
        var file = new PageFile(FilePath, orderConfirmations, keepPages: 4, readAhead: readAhead);
        file.Operation += operations.Add;
        return file;
    }

    private string LogPath => Path.Combine(folder, "pair-log.db");

    /// <summary>A data file and its log, as the store opens them; operations are named "data …" and "log …".</summary>
    private (PageFile Data, PageFile Log) OpenPair()
    {
        var data = new PageFile(Path.Combine(folder, "pair.db"), orderConfirmations: false, keepPages: 4, readAhead: 0);
        var log = new PageFile(LogPath, orderConfirmations: true, keepPages: 4, readAhead: 0, dataFile: data);
        data.Operation += operation => operations.Add("data " + operation);
        log.Operation += operation => operations.Add("log " + operation);
        return (data, log);
    }

    /// <summary>
    /// A committed transaction in the log, then LiteDB's checkpoint of it: it reads the log, copies the page into the
    /// data file at <paramref name="dataPage"/>, flushes the data file and empties the log. Operations before the
    /// checkpoint are forgotten.
    /// </summary>
    private void CommitAndCheckpoint(PageFile data, PageFile log, int dataPage)
    {
        log.Write(PageOf(1, confirms: true), 0, Page);
        log.Flush();
        operations.Clear();
        _ = ReadPage(log, 0);
        data.Position = dataPage * Page;
        data.Write(PageOf(1), 0, Page);
        data.Flush();
        log.SetLength(0);
    }

    /// <summary>The file's length as another process sees it.</summary>
    private long DiskLength() => new FileInfo(FilePath).Length;

    private static byte[] ReadPage(Stream file, int page)
    {
        var buffer = new byte[Page];
        file.Position = page * Page;
        file.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>A page marked with its number; <paramref name="confirms"/> sets LiteDB's "confirms its transaction" byte.</summary>
    private static byte[] PageOf(byte number, bool confirms = false)
    {
        var page = new byte[Page];
        page[100] = number;
        page[18] = confirms ? (byte)1 : (byte)0;
        return page;
    }
}
