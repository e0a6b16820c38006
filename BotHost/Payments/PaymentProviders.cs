using GroupPay.Payments.Providers;

namespace GroupPay.BotHost.Payments;

/// <summary>The gateways this host can use, by name: the sandbox always, Stripe when <c>Stripe:SecretKey</c> is set.</summary>
public sealed class PaymentProviders(IEnumerable<IPaymentProvider> providers)
{
    /// <summary>The person-to-person "provider": links to the payee's own accounts, confirmed by the payee.</summary>
    public const string PersonToPerson = "p2p";

    private readonly Dictionary<string, IPaymentProvider> byName = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<IPaymentProvider> All => byName.Values;

    public IPaymentProvider? Find(string? name) => name is not null && byName.TryGetValue(name, out var provider) ? provider : null;
}
