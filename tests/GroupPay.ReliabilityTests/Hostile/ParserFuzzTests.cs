using CsCheck;
using GroupPay.Dialogs.Commands;
using GroupPay.Payments;

namespace GroupPay.ReliabilityTests.Hostile;

/// <summary>
/// SPEC §7 "Bad input gets a clear reply": the command and amount parsers take any text, command-shaped or not, without
/// an exception escaping, and every refusal carries a message in both languages.
/// </summary>
public sealed class ParserFuzzTests
{
    private static readonly string[] Words =
    [
        "/split", "/collect", "/lottery", "/raffle", "/transfer", "/pay", "/request", "/balance", "/settle", "/history", "/export",
        "/cancel", "/verify", "/payme", "/settings", "/help", "/start", "/split@GroupPayBot", "/split@other", "split", "@GroupPayBot",
        "90", "-5", "0", "1e9", "99999999999999999999", "12,50", "12.505", "1.000,50", "€", "$12", "EUR", "eur", "XXX", "JPY", "BHD",
        "@bob", "@carol", "<@123>", "<@!12>", "<@>", "@bob=30", "@bob=25%", "@bob*2", "@bob=", "@bob*-1", "=", "%", "*", "#12", "#",
        "#-1", "#99999999999", "by", "2026-12-31", "2026-02-30", "paypal", "upi", "iban", "currency", "admins", "add", "max-amount",
        "who-can-start", "reminders", "language", "zh", "\u0000", "\u202e", "🧧", "　", "\t", "\n", "٣", "１２",
    ];

    private static readonly Gen<string> CommandText = Gen.OneOf(
        Gen.String,
        Gen.String[Gen.Char.AlphaNumeric, 0, 40].Select(s => "/" + s),
        Gen.Int[0, Words.Length - 1].Select(i => Words[i]).Array[1, 12].Select(parts => string.Join(' ', parts)),
        Gen.Int[0, Words.Length - 1].Select(i => Words[i]).Array[1, 6].Select(Gen.String[0, 8], (parts, noise) => string.Join(' ', parts) + noise),
        Gen.Char.Array[1001, 1100].Select(chars => "/split " + new string(chars)));

    private static readonly Gen<string> AmountText = Gen.OneOf(
        Gen.String,
        Gen.Char["0123456789.,-+ eE'_"].Array[0, 30].Select(chars => new string(chars)),
        Gen.Int[0, Words.Length - 1].Select(i => Words[i]).Array[1, 3].Select(parts => string.Join(' ', parts)),
        Gen.Long.Select(Gen.Int[0, 6], (number, scale) => number.ToString(System.Globalization.CultureInfo.InvariantCulture).Insert(0, scale % 2 == 0 ? "" : "-")));

    [Fact]
    public void The_command_parser_never_throws_and_every_refusal_has_a_message()
    {
        var parser = new CommandParser(code => Currency.TryGet(code, out _));
        long inputs = 0, refusals = 0;
        CommandText.Sample(text =>
        {
            var result = parser.Parse(text, "GroupPayBot", slashOptional: text.Length % 2 == 0);
            Interlocked.Increment(ref inputs);
            if (result.Error is { } error)
            {
                Interlocked.Increment(ref refusals);
                return !string.IsNullOrWhiteSpace(error.Message("en")) && !string.IsNullOrWhiteSpace(error.Message("zh"));
            }

            return result.Command is not null || !result.IsCommand;
        }, iter: Scale.FuzzInputs, threads: 2);
        Scale.Report("fuzz-command-parser", ("inputs", inputs), ("refusals", refusals), ("exceptions", 0), ("failures", 0));
    }

    [Fact]
    public void The_amount_parser_never_throws_and_every_refusal_has_a_message()
    {
        long inputs = 0, refusals = 0;
        AmountText.Select(Gen.Int[0, 3].Select(i => new[] { "EUR", "JPY", "BHD", "USD" }[i])).Sample((text, code) =>
        {
            var result = MoneyParser.Parse(text, Currency.Get(code));
            Interlocked.Increment(ref inputs);
            if (!result.Success)
            {
                Interlocked.Increment(ref refusals);
                return !string.IsNullOrWhiteSpace(result.Error.Message("en")) && !string.IsNullOrWhiteSpace(result.Error.Message("zh"));
            }

            return result.Value!.Value.Minor > 0;
        }, iter: Scale.FuzzInputs, threads: 2);
        Scale.Report("fuzz-amount-parser", ("inputs", inputs), ("refusals", refusals), ("exceptions", 0), ("failures", 0));
    }
}
