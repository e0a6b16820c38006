namespace GroupPay.Dialogs.Commands;

/// <summary>One correct example per command (and per /payme kind and /settings key), shown in error replies.</summary>
internal static class CommandExamples
{
    public static string For(string command, string? detail) => command switch
    {
        "split" => "/split 90 EUR Dinner @bob @carol",
        "collect" => "/collect 20 EUR Club dues @bob @carol by 2026-12-31",
        "lottery" => "/lottery 10 EUR 3 Happy new year",
        "raffle" => "/raffle 5 EUR Concert tickets",
        "transfer" => "/transfer @bob 20 EUR Lunch",
        "request" => "/request @bob 20 EUR Taxi",
        "balance" => "/balance",
        "settle" => "/settle EUR",
        "history" => "/history 20",
        "export" => "/export",
        "cancel" => "/cancel #12",
        "verify" => "/verify #12",
        "payme" => PayMe(FirstWord(detail)),
        "settings" => Settings(FirstWord(detail)),
        "help" => "/help split",
        "start" => "/start",
        _ => "/help",
    };

    private static string PayMe(string kind) => kind switch
    {
        "revolut" => "/payme revolut @alice",
        "upi" => "/payme upi alice@okaxis",
        "iban" => "/payme iban DE89 3704 0044 0532 0130 00",
        _ => "/payme paypal alice",
    };

    private static string Settings(string key) => key switch
    {
        "currency" => "/settings currency EUR",
        "provider" => "/settings provider stripe",
        "who-can-start" => "/settings who-can-start admins",
        "max-amount" => "/settings max-amount 500 EUR",
        "reminders" => "/settings reminders daily",
        "admins" => "/settings admins add @alice",
        _ => "/settings language en",
    };

    private static string FirstWord(string? text)
    {
        if (text is null)
        {
            return "";
        }
        var end = text.IndexOf(' ');
        return (end < 0 ? text : text[..end]).ToLowerInvariant();
    }
}
