using System.Collections.Frozen;
using System.Globalization;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.Dialogs.Text;

/// <summary>Every sentence the bot says, in English and Chinese, chosen per chat (<c>/settings language</c>).</summary>
public sealed class Catalog
{
    private static readonly Catalog English = new("en", CatalogEn.Texts, null);
    private static readonly Catalog Chinese = new("zh", CatalogZh.Texts, English);
    private readonly FrozenDictionary<string, string> texts;
    private readonly Catalog? fallback;

    private Catalog(string language, IReadOnlyDictionary<string, string> texts, Catalog? fallback)
    {
        Language = language;
        this.texts = texts.ToFrozenDictionary(StringComparer.Ordinal);
        this.fallback = fallback;
    }

    public string Language { get; }
    public IEnumerable<string> Keys => texts.Keys;

    public static Catalog For(string? language) =>
        language is not null && language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? Chinese : English;

    public bool Has(string key) => texts.ContainsKey(key) || (fallback?.Has(key) ?? false);

    public string Format(string key, params object?[] args)
    {
        if (!texts.TryGetValue(key, out var template))
        {
            return fallback?.Format(key, args) ?? key;
        }

        return args.Length == 0 ? template : string.Format(CultureInfo.InvariantCulture, template, args);
    }

    public string FlowKindName(FlowKind kind) => Format("kind." + kind);
    public string StateName(string state) => Has("state." + state) ? Format("state." + state) : state;
    public string ObligationState(ObligationState state) => Format("obligation." + state);

    public string Help(string? topic)
    {
        var key = "help." + (topic ?? "").Trim().TrimStart('/').ToLowerInvariant();
        return Has(key) && key != "help." ? Format(key) : Format("help.all");
    }

    public string AllocationError(AllocationError error, Currency currency)
    {
        var difference = error.Kind is AllocationErrorKind.PercentNot100 or AllocationErrorKind.PercentOver100
            ? (error.DifferenceMinor / 100m).ToString("0.##", CultureInfo.InvariantCulture) + "%"
            : MoneyFormatter.Format(Money.FromMinor(Math.Abs(error.DifferenceMinor), currency), Language);
        return Format("alloc." + error.Kind, difference);
    }
}
