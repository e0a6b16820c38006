using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace GroupPay.Dialogs.Commands;

/// <summary>
/// Reads a chat message into a <see cref="Command"/>. Telegram and Bot Framework send the text as typed;
/// an adapter that knows a mention only as an entity (Telegram text_mention) writes it as <c>&lt;@id&gt;</c>
/// first. Never throws: whatever the text, the result is a command, an error to reply with, or
/// <see cref="ParseResult.NotACommand"/>.
/// </summary>
public sealed class CommandParser
{
    public const int MaxLength = 1000;
    public const int MaxDescriptionLength = 200;
    public const int MaxLotteryCount = 100;
    public const int MaxHistoryCount = 50;
    public const int DefaultHistoryCount = 10;

    private const int MaxCommandNameLength = 32;
    private static readonly char[] TrailingPunctuation = [',', '.', ';', ':', '!', '?', ')'];

    private static readonly Dictionary<string, string> CanonicalNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["split"] = "split",
        ["collect"] = "collect",
        ["lottery"] = "lottery",
        ["raffle"] = "raffle",
        ["transfer"] = "transfer",
        ["pay"] = "transfer",
        ["request"] = "request",
        ["balance"] = "balance",
        ["settle"] = "settle",
        ["history"] = "history",
        ["export"] = "export",
        ["cancel"] = "cancel",
        ["verify"] = "verify",
        ["payme"] = "payme",
        ["settings"] = "settings",
        ["help"] = "help",
        ["start"] = "start",
    };

    private static readonly Dictionary<string, PayMeKind> PayMeKinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["paypal"] = PayMeKind.PayPal,
        ["revolut"] = PayMeKind.Revolut,
        ["upi"] = PayMeKind.Upi,
        ["iban"] = PayMeKind.Iban,
    };

    private readonly Func<string, bool> _isCurrencyCode;

    /// <param name="isCurrencyCode">Asked with an upper-case three-letter code; the engine passes Currency.TryGet.</param>
    public CommandParser(Func<string, bool> isCurrencyCode)
    {
        ArgumentNullException.ThrowIfNull(isCurrencyCode);
        _isCurrencyCode = isCurrencyCode;
    }

    /// <param name="text">The message as typed.</param>
    /// <param name="botUsername">This bot's username, with or without "@"; "/cmd@name" must match it.</param>
    /// <param name="slashOptional">Bot Framework: "split 90" is a command and a leading "@BotName" is dropped.</param>
    public ParseResult Parse(string text, string? botUsername, bool slashOptional = false)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ParseResult.NotACommand;
        }

        // Only the head decides whether the text is ours; an over-long text is not worth splitting in full.
        var tokens = Tokenize(text.AsSpan(0, Math.Min(text.Length, MaxLength + 1)));
        if (!TryReadHead(tokens, botUsername?.TrimStart('@'), slashOptional, out var typedName, out var firstArgument))
        {
            return ParseResult.NotACommand;
        }

        var known = CanonicalNames.TryGetValue(typedName, out var name);
        var errorName = known ? name! : typedName.ToLowerInvariant();
        if (text.Length > MaxLength)
        {
            return Fail(CommandErrorKind.TooLong, errorName, text.Length.ToString(CultureInfo.InvariantCulture));
        }
        if (!known)
        {
            return Fail(CommandErrorKind.UnknownCommand, errorName, "/" + typedName);
        }

        var args = tokens.GetRange(firstArgument, tokens.Count - firstArgument);
        return name switch
        {
            "split" or "collect" => ParseShares(name, args),
            "lottery" => ParseLottery(args),
            "raffle" => ParseRaffle(args),
            "transfer" or "request" => ParseDirected(name, args),
            "balance" => Ok(new BalanceCommand()),
            "settle" => ParseSettle(args),
            "history" => ParseHistory(args),
            "export" => Ok(new ExportCommand()),
            "cancel" => ParseFlowReference(name, args, number => new CancelCommand(number)),
            "verify" => ParseFlowReference(name, args, number => new VerifyCommand(number)),
            "payme" => ParsePayMe(args),
            "settings" => ParseSettings(args),
            "help" => ParseHelp(args),
            _ => Ok(new StartCommand()),
        };
    }

    private static List<string> Tokenize(ReadOnlySpan<char> text)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsWhiteSpace(text[i]))
            {
                if (start < 0)
                {
                    start = i;
                }
            }
            else if (start >= 0)
            {
                tokens.Add(text[start..i].ToString());
                start = -1;
            }
        }
        if (start >= 0)
        {
            tokens.Add(text[start..].ToString());
        }
        return tokens;
    }

    private static bool TryReadHead(List<string> tokens, string? botName, bool slashOptional, out string name, out int firstArgument)
    {
        name = "";
        firstArgument = 0;
        var index = 0;
        if (slashOptional && tokens.Count > 0 && !string.IsNullOrEmpty(botName)
            && tokens[0].Equals("@" + botName, StringComparison.OrdinalIgnoreCase))
        {
            index = 1;
        }
        if (index >= tokens.Count)
        {
            return false;
        }

        var head = tokens[index];
        firstArgument = index + 1;
        if (!head.StartsWith('/'))
        {
            // Without a slash only a known name counts: "split 90" is a command, "hello there" is chat.
            name = head;
            return slashOptional && CanonicalNames.ContainsKey(head);
        }

        var body = head[1..];
        var at = body.IndexOf('@');
        if (at >= 0)
        {
            // A command addressed to another bot (or to a bot we cannot name) belongs to that bot.
            var addressee = body[(at + 1)..];
            if (string.IsNullOrEmpty(botName) || !addressee.Equals(botName, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            body = body[..at];
        }
        name = body;
        return IsCommandName(body);
    }

    // Telegram's rule for command names; it keeps "/usr/bin" and "/ split" out.
    private static bool IsCommandName(string name) =>
        name.Length is > 0 and <= MaxCommandNameLength
        && char.IsAsciiLetter(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private ParseResult ParseShares(string command, List<string> args)
    {
        var isCollect = command == "collect";
        string? amount = null;
        DateOnly? deadline = null;
        var participants = new List<Participant>();
        var words = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (IsMentionToken(token))
            {
                var participant = ReadParticipant(token, out var mentionError);
                if (participant is null)
                {
                    return Fail(mentionError, command, token);
                }
                if (participants.Any(p => SamePerson(p.Who, participant.Who)))
                {
                    return Fail(CommandErrorKind.DuplicateParticipant, command, token);
                }
                participants.Add(participant);
            }
            else if (isCollect && IsDeadline(args, i))
            {
                var dateText = args[++i];
                if (deadline is not null || !TryParseDate(dateText, out var date))
                {
                    return Fail(CommandErrorKind.BadDate, command, dateText);
                }
                deadline = date;
            }
            else if (amount is null)
            {
                if (!TryReadAmount(args, ref i, out amount))
                {
                    return Fail(CommandErrorKind.MissingAmount, command, token);
                }
            }
            else
            {
                words.Add(token);
            }
        }
        if (amount is null)
        {
            return Fail(CommandErrorKind.MissingAmount, command, null);
        }

        var description = Describe(words);
        var list = participants.AsReadOnly();
        return Ok(isCollect
            ? new CollectCommand(amount, description, list, deadline)
            : new SplitCommand(amount, description, list));
    }

    private ParseResult ParseDirected(string command, List<string> args)
    {
        string? amount = null;
        var mentionTokens = new List<string>();
        Mention? who = null;
        var words = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (IsMentionToken(token))
            {
                var participant = ReadParticipant(token, out var mentionError);
                if (participant is null)
                {
                    return Fail(mentionError, command, token);
                }
                if (participant.Modifier != ShareModifier.None)
                {
                    return Fail(CommandErrorKind.BadModifier, command, token);
                }
                if (participant.Who.IsMe)
                {
                    return Fail(CommandErrorKind.SelfParticipant, command, token);
                }
                who = participant.Who;
                mentionTokens.Add(token);
            }
            else if (amount is null)
            {
                if (!TryReadAmount(args, ref i, out amount))
                {
                    return Fail(CommandErrorKind.MissingAmount, command, token);
                }
            }
            else
            {
                words.Add(token);
            }
        }
        if (amount is null)
        {
            return Fail(CommandErrorKind.MissingAmount, command, null);
        }
        if (who is null)
        {
            return Fail(CommandErrorKind.MissingParticipant, command, null);
        }
        if (mentionTokens.Count > 1)
        {
            return Fail(CommandErrorKind.TooManyParticipants, command, string.Join(' ', mentionTokens));
        }

        var description = Describe(words);
        return Ok(command == "transfer"
            ? new TransferCommand(who, amount, description)
            : new RequestCommand(who, amount, description));
    }

    private ParseResult ParseLottery(List<string> args)
    {
        var i = 0;
        if (args.Count == 0 || !TryReadAmount(args, ref i, out var amount))
        {
            return Fail(CommandErrorKind.MissingAmount, "lottery", args.Count == 0 ? null : args[0]);
        }
        i++;
        if (i >= args.Count)
        {
            return Fail(CommandErrorKind.BadCount, "lottery", null);
        }
        if (!TryParseNumber(args[i], MaxLotteryCount, out var count))
        {
            return Fail(CommandErrorKind.BadCount, "lottery", args[i]);
        }
        return Ok(new LotteryCommand(amount, count, Describe(args.Skip(i + 1))));
    }

    private ParseResult ParseRaffle(List<string> args)
    {
        var i = 0;
        if (args.Count == 0 || !TryReadAmount(args, ref i, out var amount))
        {
            return Fail(CommandErrorKind.MissingAmount, "raffle", args.Count == 0 ? null : args[0]);
        }
        return Ok(new RaffleCommand(amount, Describe(args.Skip(i + 1))));
    }

    private ParseResult ParseSettle(List<string> args)
    {
        if (args.Count == 0)
        {
            return Ok(new SettleCommand(null));
        }
        return IsCurrencyCode(args[0])
            ? Ok(new SettleCommand(args[0].ToUpperInvariant()))
            : Fail(CommandErrorKind.BadCurrency, "settle", args[0]);
    }

    private static ParseResult ParseHistory(List<string> args)
    {
        if (args.Count == 0)
        {
            return Ok(new HistoryCommand(DefaultHistoryCount));
        }
        return TryParseNumber(args[0], MaxHistoryCount, out var count)
            ? Ok(new HistoryCommand(count))
            : Fail(CommandErrorKind.BadCount, "history", args[0]);
    }

    private static ParseResult ParseFlowReference(string command, List<string> args, Func<int, Command> create)
    {
        if (args.Count == 0)
        {
            return Fail(CommandErrorKind.BadFlowReference, command, null);
        }
        var token = args[0];
        var digits = token.StartsWith('#') ? token[1..] : token;
        return TryParseNumber(digits, int.MaxValue, out var number)
            ? Ok(create(number))
            : Fail(CommandErrorKind.BadFlowReference, command, token);
    }

    private static ParseResult ParsePayMe(List<string> args)
    {
        if (args.Count == 0 || !PayMeKinds.TryGetValue(args[0], out var kind))
        {
            return Fail(CommandErrorKind.BadPaymentMethod, "payme", args.Count == 0 ? null : args[0]);
        }
        var handle = PaymentHandles.Normalize(kind, string.Join(' ', args.Skip(1)));
        return handle is null
            ? Fail(CommandErrorKind.BadHandle, "payme", string.Join(' ', args))
            : Ok(new PayMeCommand(kind, handle));
    }

    private ParseResult ParseSettings(List<string> args)
    {
        if (args.Count == 0)
        {
            return Ok(new SettingsCommand(null, []));
        }
        var key = args[0].ToLowerInvariant();
        var values = args.GetRange(1, args.Count - 1);
        string[]? normalized = key switch
        {
            "currency" => values is [var code] && IsCurrencyCode(code) ? [code.ToUpperInvariant()] : null,
            "provider" => OneOf(values, "sandbox", "stripe", "telegram", "p2p"),
            "who-can-start" => OneOf(values, "everyone", "admins"),
            "max-amount" => MaxAmount(values),
            "language" => OneOf(values, "en", "zh"),
            "reminders" => OneOf(values, "off", "daily"),
            "admins" => AdminChange(values),
            _ => null,
        };
        return normalized is null
            ? Fail(CommandErrorKind.BadSetting, "settings", string.Join(' ', args))
            : Ok(new SettingsCommand(key, normalized));
    }

    private static string[]? OneOf(List<string> values, params string[] allowed) =>
        values is [var value] && allowed.Contains(value.ToLowerInvariant()) ? [value.ToLowerInvariant()] : null;

    private string[]? MaxAmount(List<string> values)
    {
        var i = 0;
        return values.Count > 0 && TryReadAmount(values, ref i, out var amount) && i == values.Count - 1 ? [amount] : null;
    }

    private static string[]? AdminChange(List<string> values)
    {
        if (values is not [var operation, var token] || !IsMentionToken(token))
        {
            return null;
        }
        operation = operation.ToLowerInvariant();
        var participant = ReadParticipant(token, out _);
        if (operation is not ("add" or "remove") || participant is not { Modifier: ShareModifier.None })
        {
            return null;
        }
        var who = participant.Who;
        return [operation, who.IsMe ? "@me" : who.UserId is not null ? $"<@{who.UserId}>" : "@" + who.Username];
    }

    private static ParseResult ParseHelp(List<string> args) =>
        Ok(new HelpCommand(args.Count > 0 && CanonicalNames.TryGetValue(args[0].TrimStart('/'), out var topic) ? topic : null));

    /// <summary>
    /// Reads the amount at <paramref name="index"/>: "90", "€12.50", "90 EUR" or "EUR 90". On success
    /// <paramref name="index"/> is left on the last token used.
    /// </summary>
    private bool TryReadAmount(List<string> tokens, ref int index, [NotNullWhen(true)] out string? amount)
    {
        var token = tokens[index];
        var hasNext = index + 1 < tokens.Count;
        if (IsAmountLike(token))
        {
            if (hasNext && IsCurrencyCode(tokens[index + 1]))
            {
                amount = token + " " + tokens[++index].ToUpperInvariant();
                return true;
            }
            amount = token;
            return true;
        }
        if (IsCurrencyCode(token) && hasNext && IsAmountLike(tokens[index + 1]))
        {
            amount = token.ToUpperInvariant() + " " + tokens[++index];
            return true;
        }
        amount = null;
        return false;
    }

    // The engine parses the amount with the chat's currency; here it only has to look like one.
    private static bool IsAmountLike(string token) =>
        token.Any(char.IsDigit) && !IsMentionToken(token) && !token.StartsWith('#');

    private bool IsCurrencyCode(string token) =>
        token.Length == 3 && token.All(char.IsAsciiLetter) && _isCurrencyCode(token.ToUpperInvariant());

    // "by" is also an ordinary word ("Gift by Alice"); it starts a deadline only when a date-like token follows.
    private static bool IsDeadline(List<string> args, int index) =>
        args[index].Equals("by", StringComparison.OrdinalIgnoreCase)
        && index + 1 < args.Count
        && char.IsAsciiDigit(args[index + 1][0]);

    private static bool TryParseDate(string token, out DateOnly date) =>
        DateOnly.TryParseExact(token.TrimEnd(TrailingPunctuation), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static bool TryParseNumber(string token, int max, out int number) =>
        int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number >= 1 && number <= max;

    private static bool IsMentionToken(string token) =>
        token.StartsWith('@') || token.StartsWith("<@", StringComparison.Ordinal);

    private static Participant? ReadParticipant(string token, out CommandErrorKind error)
    {
        error = CommandErrorKind.BadMention;
        var text = token.TrimEnd(TrailingPunctuation);
        Mention who;
        int modifierStart;
        if (text.StartsWith("<@", StringComparison.Ordinal))
        {
            var close = text.IndexOf('>');
            if (close < 0)
            {
                return null;
            }
            var id = text[2..close];
            id = id.StartsWith('!') ? id[1..] : id;
            if (id.Length is 0 or > 20 || !id.All(char.IsAsciiDigit))
            {
                return null;
            }
            who = new Mention(null, id, false);
            modifierStart = close + 1;
        }
        else
        {
            var end = 1;
            while (end < text.Length && IsUsernameChar(text[end]))
            {
                end++;
            }
            var name = text[1..end];
            if (name.Length == 0)
            {
                return null;
            }
            who = name.Equals("me", StringComparison.OrdinalIgnoreCase) ? new Mention(null, null, true) : new Mention(name, null, false);
            modifierStart = end;
        }

        var modifier = text[modifierStart..];
        if (modifier.Length == 0)
        {
            return new Participant(who, ShareModifier.None, null);
        }
        if (modifier[0] is not ('=' or '*'))
        {
            return null;
        }

        error = CommandErrorKind.BadModifier;
        var value = modifier[1..];
        var kind = modifier[0] == '*' ? ShareModifier.Weight : ShareModifier.Exact;
        if (kind == ShareModifier.Exact && value.EndsWith('%'))
        {
            kind = ShareModifier.Percent;
            value = value[..^1];
        }
        return IsShareNumber(value) ? new Participant(who, kind, value) : null;
    }

    private static bool IsUsernameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or '-';

    // "30", "12.5", "12,5": digits with at most one decimal separator between them.
    private static bool IsShareNumber(string value)
    {
        var separator = value.IndexOfAny(['.', ',']);
        var whole = separator < 0 ? value : value[..separator];
        var fraction = separator < 0 ? "1" : value[(separator + 1)..];
        return whole.Length > 0 && fraction.Length > 0
            && whole.All(char.IsAsciiDigit) && fraction.All(char.IsAsciiDigit);
    }

    private static bool SamePerson(Mention a, Mention b) =>
        (a.IsMe && b.IsMe)
        || (a.UserId is not null && a.UserId == b.UserId)
        || (a.Username is not null && string.Equals(a.Username, b.Username, StringComparison.OrdinalIgnoreCase));

    // Longer descriptions are cut rather than refused: the money part of the command is still right.
    private static string? Describe(IEnumerable<string> words)
    {
        var text = string.Join(' ', words);
        if (text.Length > MaxDescriptionLength)
        {
            var cut = char.IsHighSurrogate(text[MaxDescriptionLength - 1]) ? MaxDescriptionLength - 1 : MaxDescriptionLength;
            text = text[..cut].TrimEnd();
        }
        return text.Length == 0 ? null : text;
    }

    private static ParseResult Ok(Command command) => new(command, null);

    private static ParseResult Fail(CommandErrorKind kind, string command, string? detail) =>
        new(null, new CommandError(kind, command, detail));
}
