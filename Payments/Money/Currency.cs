using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace GroupPay.Payments;

/// <summary>
/// An ISO 4217 currency. There is exactly one instance per code, so reference equality holds.
/// </summary>
/// <remarks>
/// The table holds the active list-one currencies (ISO 4217 amendments up to 2025), without the
/// precious metals, testing and special-drawing codes (XAU, XAG, XPT, XPD, XTS, XXX, XDR, XSU, XUA,
/// XBA–XBD), which have no minor unit and cannot be paid. Withdrawn codes (HRK, SLL, ZWL, CUC, ANG)
/// are left out; their successors (EUR, SLE, ZWG, CUP, XCG) are in.
/// </remarks>
public sealed class Currency : IEquatable<Currency>
{
    private static readonly Currency[] Table =
    [
        new("AED", 2, "UAE Dirham"),
        new("AFN", 2, "Afghan Afghani"),
        new("ALL", 2, "Albanian Lek"),
        new("AMD", 2, "Armenian Dram"),
        new("AOA", 2, "Angolan Kwanza"),
        new("ARS", 2, "Argentine Peso"),
        new("AUD", 2, "Australian Dollar"),
        new("AWG", 2, "Aruban Florin"),
        new("AZN", 2, "Azerbaijani Manat"),
        new("BAM", 2, "Bosnia and Herzegovina Convertible Mark"),
        new("BBD", 2, "Barbados Dollar"),
        new("BDT", 2, "Bangladeshi Taka"),
        new("BGN", 2, "Bulgarian Lev"),
        new("BHD", 3, "Bahraini Dinar"),
        new("BIF", 0, "Burundian Franc"),
        new("BMD", 2, "Bermudian Dollar"),
        new("BND", 2, "Brunei Dollar"),
        new("BOB", 2, "Boliviano"),
        new("BOV", 2, "Bolivian Mvdol"),
        new("BRL", 2, "Brazilian Real"),
        new("BSD", 2, "Bahamian Dollar"),
        new("BTN", 2, "Bhutanese Ngultrum"),
        new("BWP", 2, "Botswana Pula"),
        new("BYN", 2, "Belarusian Ruble"),
        new("BZD", 2, "Belize Dollar"),
        new("CAD", 2, "Canadian Dollar"),
        new("CDF", 2, "Congolese Franc"),
        new("CHE", 2, "WIR Euro"),
        new("CHF", 2, "Swiss Franc"),
        new("CHW", 2, "WIR Franc"),
        new("CLF", 4, "Chilean Unit of Account (UF)"),
        new("CLP", 0, "Chilean Peso"),
        new("CNY", 2, "Chinese Yuan Renminbi"),
        new("COP", 2, "Colombian Peso"),
        new("COU", 2, "Colombian Unit of Real Value"),
        new("CRC", 2, "Costa Rican Colon"),
        new("CUP", 2, "Cuban Peso"),
        new("CVE", 2, "Cape Verdean Escudo"),
        new("CZK", 2, "Czech Koruna"),
        new("DJF", 0, "Djiboutian Franc"),
        new("DKK", 2, "Danish Krone"),
        new("DOP", 2, "Dominican Peso"),
        new("DZD", 2, "Algerian Dinar"),
        new("EGP", 2, "Egyptian Pound"),
        new("ERN", 2, "Eritrean Nakfa"),
        new("ETB", 2, "Ethiopian Birr"),
        new("EUR", 2, "Euro"),
        new("FJD", 2, "Fiji Dollar"),
        new("FKP", 2, "Falkland Islands Pound"),
        new("GBP", 2, "Pound Sterling"),
        new("GEL", 2, "Georgian Lari"),
        new("GHS", 2, "Ghanaian Cedi"),
        new("GIP", 2, "Gibraltar Pound"),
        new("GMD", 2, "Gambian Dalasi"),
        new("GNF", 0, "Guinean Franc"),
        new("GTQ", 2, "Guatemalan Quetzal"),
        new("GYD", 2, "Guyanese Dollar"),
        new("HKD", 2, "Hong Kong Dollar"),
        new("HNL", 2, "Honduran Lempira"),
        new("HTG", 2, "Haitian Gourde"),
        new("HUF", 2, "Hungarian Forint"),
        new("IDR", 2, "Indonesian Rupiah"),
        new("ILS", 2, "Israeli New Shekel"),
        new("INR", 2, "Indian Rupee"),
        new("IQD", 3, "Iraqi Dinar"),
        new("IRR", 2, "Iranian Rial"),
        new("ISK", 0, "Icelandic Krona"),
        new("JMD", 2, "Jamaican Dollar"),
        new("JOD", 3, "Jordanian Dinar"),
        new("JPY", 0, "Japanese Yen"),
        new("KES", 2, "Kenyan Shilling"),
        new("KGS", 2, "Kyrgyzstani Som"),
        new("KHR", 2, "Cambodian Riel"),
        new("KMF", 0, "Comorian Franc"),
        new("KPW", 2, "North Korean Won"),
        new("KRW", 0, "South Korean Won"),
        new("KWD", 3, "Kuwaiti Dinar"),
        new("KYD", 2, "Cayman Islands Dollar"),
        new("KZT", 2, "Kazakhstani Tenge"),
        new("LAK", 2, "Lao Kip"),
        new("LBP", 2, "Lebanese Pound"),
        new("LKR", 2, "Sri Lankan Rupee"),
        new("LRD", 2, "Liberian Dollar"),
        new("LSL", 2, "Lesotho Loti"),
        new("LYD", 3, "Libyan Dinar"),
        new("MAD", 2, "Moroccan Dirham"),
        new("MDL", 2, "Moldovan Leu"),
        new("MGA", 2, "Malagasy Ariary"),
        new("MKD", 2, "Macedonian Denar"),
        new("MMK", 2, "Myanmar Kyat"),
        new("MNT", 2, "Mongolian Tugrik"),
        new("MOP", 2, "Macanese Pataca"),
        new("MRU", 2, "Mauritanian Ouguiya"),
        new("MUR", 2, "Mauritian Rupee"),
        new("MVR", 2, "Maldivian Rufiyaa"),
        new("MWK", 2, "Malawian Kwacha"),
        new("MXN", 2, "Mexican Peso"),
        new("MXV", 2, "Mexican Investment Unit (UDI)"),
        new("MYR", 2, "Malaysian Ringgit"),
        new("MZN", 2, "Mozambican Metical"),
        new("NAD", 2, "Namibian Dollar"),
        new("NGN", 2, "Nigerian Naira"),
        new("NIO", 2, "Nicaraguan Cordoba"),
        new("NOK", 2, "Norwegian Krone"),
        new("NPR", 2, "Nepalese Rupee"),
        new("NZD", 2, "New Zealand Dollar"),
        new("OMR", 3, "Omani Rial"),
        new("PAB", 2, "Panamanian Balboa"),
        new("PEN", 2, "Peruvian Sol"),
        new("PGK", 2, "Papua New Guinean Kina"),
        new("PHP", 2, "Philippine Peso"),
        new("PKR", 2, "Pakistani Rupee"),
        new("PLN", 2, "Polish Zloty"),
        new("PYG", 0, "Paraguayan Guarani"),
        new("QAR", 2, "Qatari Riyal"),
        new("RON", 2, "Romanian Leu"),
        new("RSD", 2, "Serbian Dinar"),
        new("RUB", 2, "Russian Ruble"),
        new("RWF", 0, "Rwandan Franc"),
        new("SAR", 2, "Saudi Riyal"),
        new("SBD", 2, "Solomon Islands Dollar"),
        new("SCR", 2, "Seychelles Rupee"),
        new("SDG", 2, "Sudanese Pound"),
        new("SEK", 2, "Swedish Krona"),
        new("SGD", 2, "Singapore Dollar"),
        new("SHP", 2, "Saint Helena Pound"),
        new("SLE", 2, "Sierra Leonean Leone"),
        new("SOS", 2, "Somali Shilling"),
        new("SRD", 2, "Surinamese Dollar"),
        new("SSP", 2, "South Sudanese Pound"),
        new("STN", 2, "Sao Tome and Principe Dobra"),
        new("SVC", 2, "Salvadoran Colon"),
        new("SYP", 2, "Syrian Pound"),
        new("SZL", 2, "Swazi Lilangeni"),
        new("THB", 2, "Thai Baht"),
        new("TJS", 2, "Tajikistani Somoni"),
        new("TMT", 2, "Turkmenistan Manat"),
        new("TND", 3, "Tunisian Dinar"),
        new("TOP", 2, "Tongan Pa'anga"),
        new("TRY", 2, "Turkish Lira"),
        new("TTD", 2, "Trinidad and Tobago Dollar"),
        new("TWD", 2, "New Taiwan Dollar"),
        new("TZS", 2, "Tanzanian Shilling"),
        new("UAH", 2, "Ukrainian Hryvnia"),
        new("UGX", 0, "Ugandan Shilling"),
        new("USD", 2, "US Dollar"),
        new("USN", 2, "US Dollar (Next day)"),
        new("UYI", 0, "Uruguay Peso en Unidades Indexadas"),
        new("UYU", 2, "Uruguayan Peso"),
        new("UYW", 4, "Uruguayan Nominal Wage Index Unit"),
        new("UZS", 2, "Uzbekistani Sum"),
        new("VED", 2, "Venezuelan Digital Bolivar"),
        new("VES", 2, "Venezuelan Sovereign Bolivar"),
        new("VND", 0, "Vietnamese Dong"),
        new("VUV", 0, "Vanuatu Vatu"),
        new("WST", 2, "Samoan Tala"),
        new("XAF", 0, "Central African CFA Franc"),
        new("XCD", 2, "East Caribbean Dollar"),
        new("XCG", 2, "Caribbean Guilder"),
        new("XOF", 0, "West African CFA Franc"),
        new("XPF", 0, "CFP Franc"),
        new("YER", 2, "Yemeni Rial"),
        new("ZAR", 2, "South African Rand"),
        new("ZMW", 2, "Zambian Kwacha"),
        new("ZWG", 2, "Zimbabwe Gold"),
    ];

    private static readonly FrozenDictionary<string, Currency> ByCode =
        Table.ToFrozenDictionary(c => c.Code, StringComparer.OrdinalIgnoreCase);

    // Currencies people write with a bare "$"; the chat's currency wins when it is one of them.
    private static readonly FrozenSet<string> DollarCodes = FrozenSet.Create(
        StringComparer.Ordinal,
        "USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "MXN", "ARS", "CLP", "COP", "CUP", "DOP", "UYU",
        "BSD", "BBD", "BZD", "BMD", "BND", "FJD", "GYD", "JMD", "KYD", "LRD", "NAD", "SBD", "SRD", "TTD", "XCD");

    private static readonly FrozenDictionary<string, string> UnambiguousSymbols = new Dictionary<string, string>
    {
        ["€"] = "EUR", ["£"] = "GBP", ["₹"] = "INR", ["₩"] = "KRW", ["₽"] = "RUB", ["₺"] = "TRY",
        ["₪"] = "ILS", ["₴"] = "UAH", ["₫"] = "VND", ["฿"] = "THB", ["₱"] = "PHP", ["zł"] = "PLN",
        ["₦"] = "NGN", ["₲"] = "PYG", ["₸"] = "KZT", ["₾"] = "GEL", ["₼"] = "AZN", ["৳"] = "BDT",
        ["₮"] = "MNT", ["₭"] = "LAK", ["₡"] = "CRC",
        ["元"] = "CNY", ["RMB"] = "CNY", ["円"] = "JPY",
        ["US$"] = "USD", ["HK$"] = "HKD", ["S$"] = "SGD", ["A$"] = "AUD", ["AU$"] = "AUD",
        ["C$"] = "CAD", ["CA$"] = "CAD", ["NZ$"] = "NZD", ["NT$"] = "TWD", ["MX$"] = "MXN", ["R$"] = "BRL",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private Currency(string code, int exponent, string name)
    {
        Code = code;
        Exponent = exponent;
        Name = name;
    }

    /// <summary>Upper-case ISO 4217 alphabetic code, such as "EUR".</summary>
    public string Code { get; }

    /// <summary>ISO 4217 minor unit exponent: JPY 0, EUR 2, KWD 3.</summary>
    public int Exponent { get; }

    /// <summary>English name, for help text.</summary>
    public string Name { get; }

    /// <summary>Every known currency, ordered by code.</summary>
    public static IReadOnlyCollection<Currency> All { get; } = Array.AsReadOnly(Table);

    /// <summary>Looks a currency up by code, ignoring case.</summary>
    /// <exception cref="ArgumentException">The code is not a known ISO 4217 currency.</exception>
    public static Currency Get(string code) =>
        TryGet(code, out var currency)
            ? currency
            : throw new ArgumentException($"Unknown ISO 4217 currency code \"{code}\".", nameof(code));

    /// <summary>Looks a currency up by code, ignoring case.</summary>
    public static bool TryGet(string? code, [NotNullWhen(true)] out Currency? currency)
    {
        currency = null;
        return code is not null && ByCode.TryGetValue(code, out currency);
    }

    /// <summary>
    /// Resolves a currency symbol. "$" means the fallback when the fallback is a dollar currency, else
    /// USD; "¥" and "￥" mean the fallback when it is CNY or JPY, else JPY. Letters in symbols such as
    /// "US$" or "zł" are matched ignoring case.
    /// </summary>
    public static bool TryFromSymbol(string symbol, Currency fallback, [NotNullWhen(true)] out Currency? currency)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        currency = symbol switch
        {
            "$" => DollarCodes.Contains(fallback.Code) ? fallback : ByCode["USD"],
            "¥" or "￥" => fallback.Code is "CNY" or "JPY" ? fallback : ByCode["JPY"],
            not null when UnambiguousSymbols.TryGetValue(symbol, out var code) => ByCode[code],
            _ => null,
        };
        return currency is not null;
    }

    public bool Equals(Currency? other) => ReferenceEquals(this, other);

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Code);

    public override string ToString() => Code;
}
