using GroupPay.BotHost.Hosting;
using GroupPay.Payments.Providers;
using GroupPay.Payments.Providers.Stripe;

namespace GroupPay.BotHost.Payments;

/// <summary>Registers the payment providers behind <c>/pay/{token}</c>, their records and the reconciliation poller.</summary>
public static class PaymentsHost
{
    public static WebApplicationBuilder AddPaymentProviders(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp => new SandboxProvider(sp.GetRequiredService<SandboxSecret>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<SandboxProvider>());

        var stripe = builder.Configuration.GetSection(StripeOptions.Section).Get<StripeOptions>();
        if (!string.IsNullOrWhiteSpace(stripe?.SecretKey))
        {
            services.AddHttpClient(StripeProvider.ProviderName);
            services.AddSingleton<IPaymentProvider>(sp => new StripeProvider(
                new StripeSettings(stripe.SecretKey, StripeSignature.Secrets(stripe.WebhookSecret), stripe.ApiBase),
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(StripeProvider.ProviderName),
                sp.GetRequiredService<TimeProvider>()));
        }

        services.AddSingleton<PaymentProviders>();
        services.AddSingleton<PaymentService>();
        services.AddSingleton<PaymentReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<PaymentReconciler>());
        return builder;
    }
}
