using System.Globalization;
using System.Text;
using GroupPay.Payments;

namespace GroupPay.Dialogs.Engine;

/// <summary>The chat's journal as CSV: one row per posting, for <c>/export</c> and the admin API.</summary>
public static class LedgerCsv
{
    public const string Header = "sequence,at,kind,flow,obligation,member,name,amount,currency,memo,hash";

    public static string Write(IEnumerable<JournalEntry> journal, Func<string, string> nameOf)
    {
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var entry in journal)
        {
            foreach (var posting in entry.Postings)
            {
                csv.AppendJoin(',',
                    entry.Sequence.ToString(CultureInfo.InvariantCulture),
                    entry.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                    entry.Kind.ToString(),
                    entry.FlowNumber.ToString(CultureInfo.InvariantCulture),
                    Field(entry.ObligationId),
                    Field(posting.Account),
                    Field(nameOf(posting.Account)),
                    Money.FromMinor(posting.Minor, Currency.Get(entry.CurrencyCode)).ToDecimalString(),
                    entry.CurrencyCode,
                    Field(entry.Memo),
                    entry.Hash).Append('\n');
            }
        }

        return csv.ToString();
    }

    /// <summary>Quotes a CSV field, and defuses spreadsheet formulas in user text.</summary>
    public static string Field(string value)
    {
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
