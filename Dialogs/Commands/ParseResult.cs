namespace GroupPay.Dialogs.Commands;

/// <summary>
/// Exactly one of Command and Error is set when the text was a command for this bot; both are null
/// when it was ordinary chat text or a command for another bot, which the bot must ignore.
/// </summary>
public sealed record ParseResult(Command? Command, CommandError? Error)
{
    public static ParseResult NotACommand { get; } = new(null, null);

    public bool IsCommand => Command is not null || Error is not null;
}
