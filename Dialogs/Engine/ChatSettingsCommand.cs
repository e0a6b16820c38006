using GroupPay.Dialogs.Commands;
using GroupPay.Payments;

namespace GroupPay.Dialogs.Engine;

/// <summary><c>/settings</c>: anyone may look, only admins may change.</summary>
internal static class ChatSettingsCommand
{
    public static void Apply(TurnContext context, SettingsCommand command, Func<TurnContext, Mention, string> resolve)
    {
        var settings = context.Chat.Settings;
        var text = context.Text;
        if (command.Key is null)
        {
            context.Reply(Show(context));
            return;
        }

        if (!context.ActorIsAdmin)
        {
            context.Refuse(text.Format("refuse.admin-only"), fromButton: false);
            return;
        }

        var key = command.Key.ToLowerInvariant();
        var value = command.Args.Count > 0 ? command.Args[^1] : "";
        var provider = value.ToLowerInvariant();

        // Telegram invoices exist only in Telegram chats.
        bool Usable(string name) => name != "telegram" || context.Chat.Channel == "telegram";
        switch (key)
        {
            case "currency" when Currency.TryGet(value, out var currency):
                settings.CurrencyCode = currency.Code;
                settings.MaxAmountMinor = null;
                Saved(context, key, currency.Code);
                break;
            case "provider" when !Usable(provider):
                context.Refuse(text.Format("settings.provider-telegram-only"), fromButton: false);
                break;
            case "provider" when context.Options.Providers.TryGetValue(provider, out var missingSetting):
                if (missingSetting is not null)
                {
                    var ready = context.Options.Providers.Where(p => p.Value is null && Usable(p.Key)).Select(p => p.Key);
                    context.Refuse(text.Format("settings.provider-not-configured", provider, missingSetting, string.Join(", ", ready)), fromButton: false);
                    break;
                }

                settings.Provider = provider;
                Saved(context, key, settings.Provider);
                break;
            case "who-can-start" when value.ToLowerInvariant() is "everyone" or "admins":
                settings.AdminsOnlyStart = value.Equals("admins", StringComparison.OrdinalIgnoreCase);
                Saved(context, key, value.ToLowerInvariant());
                break;
            case "max-amount":
                var parsed = MoneyParser.Parse(value, Currency.Get(settings.CurrencyCode));
                if (!parsed.Success || parsed.Value.Value.Currency.Code != settings.CurrencyCode)
                {
                    Bad(context, key, value, "/settings max-amount 500");
                    return;
                }

                settings.MaxAmountMinor = parsed.Value.Value.Minor;
                Saved(context, key, MoneyFormatter.Format(parsed.Value.Value, context.Language));
                break;
            case "language" when value.ToLowerInvariant() is "en" or "zh":
                settings.Language = value.ToLowerInvariant();
                Saved(context, key, settings.Language);
                break;
            case "reminders" when value.ToLowerInvariant() is "off" or "daily":
                settings.DailyReminders = value.Equals("daily", StringComparison.OrdinalIgnoreCase);
                Saved(context, key, value.ToLowerInvariant());
                break;
            case "admins" when command.Args.Count == 2:
                ChangeAdmins(context, command.Args[0].ToLowerInvariant() == "add", command.Args[1], resolve);
                break;
            default:
                Bad(context, key, value, key switch
                {
                    "currency" => "/settings currency EUR",
                    "provider" => "/settings provider sandbox",
                    "who-can-start" => "/settings who-can-start admins",
                    "language" => "/settings language zh",
                    "reminders" => "/settings reminders daily",
                    _ => "/settings admins add @bob",
                });
                break;
        }
    }

    private static void ChangeAdmins(TurnContext context, bool add, string who, Func<TurnContext, Mention, string> resolve)
    {
        var mention = who.StartsWith("<@", StringComparison.Ordinal)
            ? new Mention(null, who.Trim('<', '>', '@', '!'), false)
            : new Mention(who.TrimStart('@'), null, who.Equals("@me", StringComparison.OrdinalIgnoreCase));
        var pendingBefore = context.Chat.Pending.Count;
        var member = resolve(context, mention);
        if (member.StartsWith('@'))
        {
            if (context.Chat.Pending.Count > pendingBefore)
            {
                context.Chat.Pending.Remove(member);
            }

            context.Refuse(context.Text.Format("settings.admin-unknown", member), fromButton: false);
            return;
        }

        var admins = context.Chat.Settings.Admins;
        if (add && !admins.Contains(member))
        {
            admins.Add(member);
        }
        else if (!add)
        {
            admins.Remove(member);
        }

        context.ChatChanged = true;
        context.Reply(context.Text.Format(add ? "settings.admin-added" : "settings.admin-removed", context.NameOf(member)));
    }

    private static string Show(TurnContext context)
    {
        var settings = context.Chat.Settings;
        var currency = Currency.Get(settings.CurrencyCode);
        return context.Text.Format("settings.show",
            settings.CurrencyCode,
            settings.Provider ?? context.Options.DefaultProvider,
            settings.AdminsOnlyStart ? "admins" : "everyone",
            MoneyFormatter.Format(Money.FromMinor(settings.EffectiveMaxMinor(currency), currency), context.Language),
            settings.Language,
            settings.DailyReminders ? "daily" : "off",
            settings.Admins.Count == 0 ? "—" : string.Join(", ", settings.Admins.Select(context.NameOf)));
    }

    private static void Saved(TurnContext context, string key, string value)
    {
        context.ChatChanged = true;
        context.Reply(context.Text.Format("settings.saved", key, value));
    }

    private static void Bad(TurnContext context, string key, string value, string example) =>
        context.Refuse(context.Text.Format("settings.bad-value", key, value, example), fromButton: false);
}
