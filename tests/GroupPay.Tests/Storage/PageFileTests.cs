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
    public void A_read_a_truncation_or_a_write_elsewhere_first_writes_what_is_kept()
    {
        using var file = Open(orderConfirmations: false);
        file.Write(PageOf(1), 0, Page);
        Assert.Equal(1, ReadPage(file, 0)[100]);
        Assert.Equal(["write 0+8192"], operations);

        file.Position = 5 * Page;
        file.Write(PageOf(6), 0, Page);
        file.Position = 2 * Page;
        file.Write(PageOf(3), 0, Page);
        Assert.Equal(["write 0+8192", "write 40960+8192"], operations);

        file.SetLength(Page);
        Assert.Equal(Page, DiskLength());
        Assert.Equal(Page, file.Length);
        Assert.Equal(1, ReadPage(file, 0)[100]);
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

    public void Dispose()
    {
        Directory.Delete(folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    private PageFile Open(bool orderConfirmations)
    {
        var file = new PageFile(FilePath, orderConfirmations, keep: 4 * Page);
        file.Operation += operations.Add;
        return file;
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
