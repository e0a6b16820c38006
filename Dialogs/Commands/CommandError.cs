namespace GroupPay.Dialogs.Commands;

public enum CommandErrorKind
{
    UnknownCommand,
    TooLong,
    MissingAmount,
    MissingParticipant,
    TooManyParticipants,
    SelfParticipant,
    DuplicateParticipant,
    BadMention,
    BadModifier,
    BadCount,
    BadDate,
    BadFlowReference,
    BadCurrency,
    BadPaymentMethod,
    BadHandle,
    BadSetting,
}

/// <summary>
/// Why a command could not be read. Command is the canonical command name ("transfer" for /pay), or the
/// name as typed for an unknown command; Detail is the text that was wrong, quoted back to the user.
/// </summary>
public sealed record CommandError(CommandErrorKind Kind, string Command, string? Detail)
{
    private const int MaxQuotedLength = 40;

    /// <summary>A short reply that quotes what was wrong and shows a correct example; "zh" or English.</summary>
    public string Message(string language)
    {
        var example = CommandExamples.For(Command, Detail);
        var quoted = Quote(Detail);
        return language is not null && language.StartsWith("zh", StringComparison.OrdinalIgnoreCase)
            ? Chinese(quoted, example)
            : English(quoted, example);
    }

    private string English(string quoted, string example) => Kind switch
    {
        CommandErrorKind.UnknownCommand => $"I don't know the command \"{quoted}\". Try: {example}",
        CommandErrorKind.TooLong => $"That message is too long ({Detail} characters; the limit is {CommandParser.MaxLength}). Keep it short, e.g. {example}",
        CommandErrorKind.MissingAmount when Detail is null => $"I didn't find an amount. Try: {example}",
        CommandErrorKind.MissingAmount => $"I expected an amount but found \"{quoted}\". Try: {example}",
        CommandErrorKind.MissingParticipant => $"Who is it for? Mention one person. Try: {example}",
        CommandErrorKind.TooManyParticipants => $"Mention exactly one person, not \"{quoted}\". Try: {example}",
        CommandErrorKind.SelfParticipant => $"\"{quoted}\" is you; mention someone else. Try: {example}",
        CommandErrorKind.DuplicateParticipant => $"\"{quoted}\" is listed twice; name each person once. Try: {example}",
        CommandErrorKind.BadMention => $"I can't read the mention \"{quoted}\". Try: {example}",
        CommandErrorKind.BadModifier when IsDirected => $"\"{quoted}\": shares (=30, =25%, *2) only work with /split and /collect. Try: {example}",
        CommandErrorKind.BadModifier => $"I can't read the share in \"{quoted}\". Use @bob=30, @bob=25% or @bob*2. Try: {example}",
        CommandErrorKind.BadCount when Detail is null => $"{CountRule} is missing. Try: {example}",
        CommandErrorKind.BadCount => $"{CountRule} must be a whole number from 1 to {MaxCount}, not \"{quoted}\". Try: {example}",
        CommandErrorKind.BadDate => $"I can't read the date \"{quoted}\". Write it as YYYY-MM-DD. Try: {example}",
        CommandErrorKind.BadFlowReference when Detail is null => $"Which one? Give its number. Try: {example}",
        CommandErrorKind.BadFlowReference => $"\"{quoted}\" is not a number like #12. Try: {example}",
        CommandErrorKind.BadCurrency => $"\"{quoted}\" is not a currency code I know. Try: {example}",
        CommandErrorKind.BadPaymentMethod when Detail is null => $"Choose paypal, revolut, upi or iban. Try: {example}",
        CommandErrorKind.BadPaymentMethod => $"Choose paypal, revolut, upi or iban, not \"{quoted}\". Try: {example}",
        CommandErrorKind.BadHandle => $"\"{quoted}\" is not a valid payment handle. Try: {example}",
        CommandErrorKind.BadSetting => $"I can't apply \"{quoted}\". Settings are currency, provider, who-can-start, max-amount, language, reminders and admins. Try: {example}",
        _ => $"I can't read that command. Try: {example}",
    };

    private string Chinese(string quoted, string example) => Kind switch
    {
        CommandErrorKind.UnknownCommand => $"我不认识命令“{quoted}”。试试：{example}",
        CommandErrorKind.TooLong => $"消息太长了（{Detail} 个字符，上限 {CommandParser.MaxLength}）。请简短一些，例如：{example}",
        CommandErrorKind.MissingAmount when Detail is null => $"没有找到金额。试试：{example}",
        CommandErrorKind.MissingAmount => $"这里应该是金额，但看到的是“{quoted}”。试试：{example}",
        CommandErrorKind.MissingParticipant => $"要给谁？请 @ 一个人。试试：{example}",
        CommandErrorKind.TooManyParticipants => $"只能 @ 一个人，而不是“{quoted}”。试试：{example}",
        CommandErrorKind.SelfParticipant => $"“{quoted}”是你自己，请 @ 其他人。试试：{example}",
        CommandErrorKind.DuplicateParticipant => $"“{quoted}”出现了两次，每人只写一次。试试：{example}",
        CommandErrorKind.BadMention => $"无法识别提及“{quoted}”。试试：{example}",
        CommandErrorKind.BadModifier when IsDirected => $"“{quoted}”：份额写法（=30、=25%、*2）只适用于 /split 和 /collect。试试：{example}",
        CommandErrorKind.BadModifier => $"无法识别“{quoted}”中的份额。请用 @bob=30、@bob=25% 或 @bob*2。试试：{example}",
        CommandErrorKind.BadCount when Detail is null => $"缺少{CountRuleChinese}。试试：{example}",
        CommandErrorKind.BadCount => $"{CountRuleChinese}必须是 1 到 {MaxCount} 之间的整数，而不是“{quoted}”。试试：{example}",
        CommandErrorKind.BadDate => $"无法识别日期“{quoted}”，请写成 YYYY-MM-DD。试试：{example}",
        CommandErrorKind.BadFlowReference when Detail is null => $"请给出编号。试试：{example}",
        CommandErrorKind.BadFlowReference => $"“{quoted}”不是像 #12 这样的编号。试试：{example}",
        CommandErrorKind.BadCurrency => $"“{quoted}”不是已知的货币代码。试试：{example}",
        CommandErrorKind.BadPaymentMethod when Detail is null => $"请选择 paypal、revolut、upi 或 iban。试试：{example}",
        CommandErrorKind.BadPaymentMethod => $"请选择 paypal、revolut、upi 或 iban，而不是“{quoted}”。试试：{example}",
        CommandErrorKind.BadHandle => $"“{quoted}”不是有效的收款账号。试试：{example}",
        CommandErrorKind.BadSetting => $"无法应用设置“{quoted}”。可用设置：currency、provider、who-can-start、max-amount、language、reminders、admins。试试：{example}",
        _ => $"无法识别这条命令。试试：{example}",
    };

    private bool IsDirected => Command is "transfer" or "request";

    private int MaxCount => Command == "lottery" ? CommandParser.MaxLotteryCount : CommandParser.MaxHistoryCount;

    private string CountRule => Command == "lottery" ? "The number of packets" : "The number of entries";

    private string CountRuleChinese => Command == "lottery" ? "红包个数" : "条数";

    // Detail can be a whole line of user text; a reply quotes only enough to recognise it.
    private static string Quote(string? detail) =>
        detail is null ? "" : detail.Length <= MaxQuotedLength ? detail : string.Concat(detail.AsSpan(0, MaxQuotedLength), "…");
}
