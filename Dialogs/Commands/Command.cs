namespace GroupPay.Dialogs.Commands;

/// <summary>
/// What a member asked for, in neutral form. Amounts are text ("90 EUR", "€12.50"): they are parsed
/// later, with the chat's currency, by the engine.
/// </summary>
public abstract record Command;

public sealed record SplitCommand(string AmountText, string? Description, IReadOnlyList<Participant> Participants) : Command;

public sealed record CollectCommand(string AmountText, string? Description, IReadOnlyList<Participant> Participants, DateOnly? Deadline) : Command;

public sealed record LotteryCommand(string AmountText, int Count, string? Description) : Command;

public sealed record RaffleCommand(string AmountText, string? Description) : Command;

/// <summary><c>/transfer</c> and its alias <c>/pay</c>.</summary>
public sealed record TransferCommand(Mention To, string AmountText, string? Description) : Command;

public sealed record RequestCommand(Mention From, string AmountText, string? Description) : Command;

public sealed record BalanceCommand : Command;

/// <summary>Currency code in upper case, or null for the chat's currency.</summary>
public sealed record SettleCommand(string? CurrencyCode) : Command;

public sealed record HistoryCommand(int Count) : Command;

public sealed record ExportCommand : Command;

public sealed record CancelCommand(int FlowNumber) : Command;

public sealed record VerifyCommand(int FlowNumber) : Command;

public enum PayMeKind
{
    PayPal,
    Revolut,
    Upi,
    Iban,
}

/// <summary>
/// Handle already validated: a paypal.me name, a Revolut tag without "@", a UPI address, or an IBAN
/// in compact upper case.
/// </summary>
public sealed record PayMeCommand(PayMeKind Kind, string Handle) : Command;

/// <summary>
/// Key null means "show the settings". Otherwise the key is lower case and Args are validated and
/// normalised: currency ["EUR"], provider ["stripe"], who-can-start ["admins"], max-amount ["500 EUR"],
/// language ["zh"], reminders ["daily"], admins ["add", "@alice" | "&lt;@123&gt;" | "@me"].
/// </summary>
public sealed record SettingsCommand(string? Key, IReadOnlyList<string> Args) : Command;

/// <summary>Topic is a canonical command name ("transfer" for "/help pay"), or null for general help.</summary>
public sealed record HelpCommand(string? Topic) : Command;

public sealed record StartCommand : Command;
