using GroupPay.Dialogs.Commands;

namespace GroupPay.Tests.Dialogs;

public class CommandParserTests
{
    private const string Bot = "GroupPayBot";

    private static readonly HashSet<string> KnownCurrencies = ["EUR", "USD", "JPY", "KWD", "CNY", "GBP"];

    private static readonly CommandParser Parser = new(KnownCurrencies.Contains);

    private static readonly Mention Me = new(null, null, true);

    private static Mention User(string username) => new(username, null, false);

    private static Mention Id(string userId) => new(null, userId, false);

    private static Participant P(Mention who) => new(who, ShareModifier.None, null);

    private static Participant P(string username) => P(User(username));

    private static Participant P(Mention who, ShareModifier modifier, string text) => new(who, modifier, text);

    public static TheoryData<string, Command> Commands => new()
    {
        // /split: the forms of the head
        { "/split 90 EUR Dinner @bob @carol", new SplitCommand("90 EUR", "Dinner", [P("bob"), P("carol")]) },
        { "/split@GroupPayBot 90 EUR Dinner @bob @carol", new SplitCommand("90 EUR", "Dinner", [P("bob"), P("carol")]) },
        { "/SPLIT@groupPAYbot 90 eur dinner", new SplitCommand("90 EUR", "dinner", []) },
        { "/Split 90", new SplitCommand("90", null, []) },
        // /split: amounts
        { "/split EUR 90 Dinner", new SplitCommand("EUR 90", "Dinner", []) },
        { "/split €12.50 Coffee @bob", new SplitCommand("€12.50", "Coffee", [P("bob")]) },
        { "/split 12.50€ Coffee", new SplitCommand("12.50€", "Coffee", []) },
        { "/split 12,50 Coffee", new SplitCommand("12,50", "Coffee", []) },
        { "/split 3000 jpy Ramen", new SplitCommand("3000 JPY", "Ramen", []) },
        { "/split 90 XYZ Dinner", new SplitCommand("90", "XYZ Dinner", []) },
        // /split: participants and modifiers
        { "/split 90 EUR Dinner @bob=30 @carol=25% @dave*2 @me*0", new SplitCommand("90 EUR", "Dinner", [P(User("bob"), ShareModifier.Exact, "30"), P(User("carol"), ShareModifier.Percent, "25"), P(User("dave"), ShareModifier.Weight, "2"), P(Me, ShareModifier.Weight, "0")]) },
        { "/split 90 @bob=12,5 @carol=12.5%", new SplitCommand("90", null, [P(User("bob"), ShareModifier.Exact, "12,5"), P(User("carol"), ShareModifier.Percent, "12.5")]) },
        { "/split 90 @bob*1.5 @Me", new SplitCommand("90", null, [P(User("bob"), ShareModifier.Weight, "1.5"), P(Me)]) },
        { "/split 90 EUR <@123> <@!456>=30", new SplitCommand("90 EUR", null, [P(Id("123")), P(Id("456"), ShareModifier.Exact, "30")]) },
        { "/split @bob @carol 90 EUR Dinner", new SplitCommand("90 EUR", "Dinner", [P("bob"), P("carol")]) },
        { "/split 90 EUR Dinner with @bob, @carol.", new SplitCommand("90 EUR", "Dinner with", [P("bob"), P("carol")]) },
        { "/split 90 EUR @Alice @j.doe", new SplitCommand("90 EUR", null, [P("Alice"), P("j.doe")]) },
        // /split: whitespace of any kind; "by" is only a deadline for /collect
        { "/split\n90\tEUR   Dinner  for\u00A0two\r\n@bob", new SplitCommand("90 EUR", "Dinner for two", [P("bob")]) },
        { "  /split 90 EUR Team lunch by 2026-12-31", new SplitCommand("90 EUR", "Team lunch by 2026-12-31", []) },
        // /collect
        { "/collect 20 EUR Club dues @a @b by 2026-12-31", new CollectCommand("20 EUR", "Club dues", [P("a"), P("b")], new DateOnly(2026, 12, 31)) },
        { "/collect by 2026-12-31 20 EUR Club dues", new CollectCommand("20 EUR", "Club dues", [], new DateOnly(2026, 12, 31)) },
        { "/collect 20 EUR Gift by Alice", new CollectCommand("20 EUR", "Gift by Alice", [], null) },
        { "/collect 5 USD", new CollectCommand("5 USD", null, [], null) },
        // /lottery
        { "/lottery 10 EUR 3 Happy new year", new LotteryCommand("10 EUR", 3, "Happy new year") },
        { "/lottery ¥100 5", new LotteryCommand("¥100", 5, null) },
        { "/lottery CNY 88 8 恭喜发财", new LotteryCommand("CNY 88", 8, "恭喜发财") },
        { "/lottery 10 100", new LotteryCommand("10", 100, null) },
        // /raffle
        { "/raffle 5 EUR Concert tickets", new RaffleCommand("5 EUR", "Concert tickets") },
        { "/raffle 2", new RaffleCommand("2", null) },
        // /transfer, /pay, /request: the mention before or after the amount
        { "/transfer @bob 20 EUR Lunch", new TransferCommand(User("bob"), "20 EUR", "Lunch") },
        { "/transfer 20 EUR @bob Lunch", new TransferCommand(User("bob"), "20 EUR", "Lunch") },
        { "/pay @bob 20", new TransferCommand(User("bob"), "20", null) },
        { "/PAY@GroupPayBot <@123> 5 gbp", new TransferCommand(Id("123"), "5 GBP", null) },
        { "/request @bob 20 EUR Taxi", new RequestCommand(User("bob"), "20 EUR", "Taxi") },
        { "/request 1.500 KWD from @bob for the rent", new RequestCommand(User("bob"), "1.500 KWD", "from for the rent") },
        // commands without arguments ignore trailing words
        { "/balance", new BalanceCommand() },
        { "/balance please", new BalanceCommand() },
        { "/export", new ExportCommand() },
        { "/start", new StartCommand() },
        { "/start deep-link-payload", new StartCommand() },
        // /settle
        { "/settle", new SettleCommand(null) },
        { "/settle eur", new SettleCommand("EUR") },
        // /history
        { "/history", new HistoryCommand(10) },
        { "/history 1", new HistoryCommand(1) },
        { "/history 50", new HistoryCommand(50) },
        // /cancel and /verify
        { "/cancel #12", new CancelCommand(12) },
        { "/cancel 12", new CancelCommand(12) },
        { "/cancel #12 wrong amount", new CancelCommand(12) },
        { "/verify #7", new VerifyCommand(7) },
        // /payme
        { "/payme paypal alice", new PayMeCommand(PayMeKind.PayPal, "alice") },
        { "/payme PayPal https://paypal.me/Alice99", new PayMeCommand(PayMeKind.PayPal, "Alice99") },
        { "/payme revolut @alice_b", new PayMeCommand(PayMeKind.Revolut, "alice_b") },
        { "/payme revolut revolut.me/alice", new PayMeCommand(PayMeKind.Revolut, "alice") },
        { "/payme upi alice@okaxis", new PayMeCommand(PayMeKind.Upi, "alice@okaxis") },
        { "/payme upi 9876543210@ybl", new PayMeCommand(PayMeKind.Upi, "9876543210@ybl") },
        { "/payme iban DE89 3704 0044 0532 0130 00", new PayMeCommand(PayMeKind.Iban, "DE89370400440532013000") },
        { "/payme iban gb82west12345698765432", new PayMeCommand(PayMeKind.Iban, "GB82WEST12345698765432") },
        // /settings
        { "/settings", new SettingsCommand(null, []) },
        { "/settings currency eur", new SettingsCommand("currency", ["EUR"]) },
        { "/settings provider Stripe", new SettingsCommand("provider", ["stripe"]) },
        { "/settings provider p2p", new SettingsCommand("provider", ["p2p"]) },
        { "/settings who-can-start admins", new SettingsCommand("who-can-start", ["admins"]) },
        { "/settings who-can-start everyone", new SettingsCommand("who-can-start", ["everyone"]) },
        { "/settings max-amount 500 EUR", new SettingsCommand("max-amount", ["500 EUR"]) },
        { "/settings max-amount 500", new SettingsCommand("max-amount", ["500"]) },
        { "/settings Language ZH", new SettingsCommand("language", ["zh"]) },
        { "/settings reminders off", new SettingsCommand("reminders", ["off"]) },
        { "/settings reminders daily", new SettingsCommand("reminders", ["daily"]) },
        { "/settings admins add @alice", new SettingsCommand("admins", ["add", "@alice"]) },
        { "/settings admins remove <@!123>", new SettingsCommand("admins", ["remove", "<@123>"]) },
        // /help
        { "/help", new HelpCommand(null) },
        { "/help split", new HelpCommand("split") },
        { "/help /pay", new HelpCommand("transfer") },
        { "/help me please", new HelpCommand(null) },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Reads_the_command(string text, Command expected)
    {
        var result = Parser.Parse(text, Bot);

        Assert.Null(result.Error);
        Assert.True(result.IsCommand);
        Assert.IsType(expected.GetType(), result.Command);
        Assert.Equivalent(expected, result.Command, strict: true);
        switch (expected, result.Command)
        {
            case (SplitCommand e, SplitCommand a):
                Assert.Equal(e.Participants, a.Participants);
                break;
            case (CollectCommand e, CollectCommand a):
                Assert.Equal(e.Participants, a.Participants);
                Assert.Equal(e.Deadline, a.Deadline);
                break;
            case (SettingsCommand e, SettingsCommand a):
                Assert.Equal(e.Args, a.Args);
                break;
        }
    }

    public static TheoryData<string, CommandErrorKind, string, string?> Errors => new()
    {
        { "/foo", CommandErrorKind.UnknownCommand, "foo", "/foo" },
        { "/Foo@GroupPayBot bar", CommandErrorKind.UnknownCommand, "foo", "/Foo" },
        { "/split", CommandErrorKind.MissingAmount, "split", null },
        { "/split Dinner 90 EUR", CommandErrorKind.MissingAmount, "split", "Dinner" },
        { "/split @bob @carol", CommandErrorKind.MissingAmount, "split", null },
        { "/split EUR", CommandErrorKind.MissingAmount, "split", "EUR" },
        { "/collect Club dues", CommandErrorKind.MissingAmount, "collect", "Club" },
        { "/lottery", CommandErrorKind.MissingAmount, "lottery", null },
        { "/lottery many 3", CommandErrorKind.MissingAmount, "lottery", "many" },
        { "/raffle", CommandErrorKind.MissingAmount, "raffle", null },
        { "/transfer @bob", CommandErrorKind.MissingAmount, "transfer", null },
        { "/pay @bob lunch", CommandErrorKind.MissingAmount, "transfer", "lunch" },
        { "/transfer 20 EUR", CommandErrorKind.MissingParticipant, "transfer", null },
        { "/request 20 Taxi", CommandErrorKind.MissingParticipant, "request", null },
        { "/transfer @bob @carol 20", CommandErrorKind.TooManyParticipants, "transfer", "@bob @carol" },
        { "/transfer @me 20", CommandErrorKind.SelfParticipant, "transfer", "@me" },
        { "/request 20 @ME", CommandErrorKind.SelfParticipant, "request", "@ME" },
        { "/split 90 @bob @Bob", CommandErrorKind.DuplicateParticipant, "split", "@Bob" },
        { "/split 90 <@1> <@!1>", CommandErrorKind.DuplicateParticipant, "split", "<@!1>" },
        { "/collect 90 @me @me*0", CommandErrorKind.DuplicateParticipant, "collect", "@me*0" },
        { "/split 90 @", CommandErrorKind.BadMention, "split", "@" },
        { "/split 90 <@abc>", CommandErrorKind.BadMention, "split", "<@abc>" },
        { "/split 90 <@123", CommandErrorKind.BadMention, "split", "<@123" },
        { "/split 90 @bob#1", CommandErrorKind.BadMention, "split", "@bob#1" },
        { "/transfer @ 20", CommandErrorKind.BadMention, "transfer", "@" },
        { "/split 90 @bob=", CommandErrorKind.BadModifier, "split", "@bob=" },
        { "/split 90 @bob=x", CommandErrorKind.BadModifier, "split", "@bob=x" },
        { "/split 90 @bob*", CommandErrorKind.BadModifier, "split", "@bob*" },
        { "/split 90 @bob*two", CommandErrorKind.BadModifier, "split", "@bob*two" },
        { "/split 90 @bob=30%%", CommandErrorKind.BadModifier, "split", "@bob=30%%" },
        { "/split 90 @bob=1.2.3", CommandErrorKind.BadModifier, "split", "@bob=1.2.3" },
        { "/split 90 @bob*2%", CommandErrorKind.BadModifier, "split", "@bob*2%" },
        { "/transfer @bob=5 20", CommandErrorKind.BadModifier, "transfer", "@bob=5" },
        { "/lottery 10 EUR", CommandErrorKind.BadCount, "lottery", null },
        { "/lottery 10 EUR 0", CommandErrorKind.BadCount, "lottery", "0" },
        { "/lottery 10 EUR 101", CommandErrorKind.BadCount, "lottery", "101" },
        { "/lottery 10 EUR three", CommandErrorKind.BadCount, "lottery", "three" },
        { "/lottery 10 EUR -3", CommandErrorKind.BadCount, "lottery", "-3" },
        { "/lottery 10 99999999999", CommandErrorKind.BadCount, "lottery", "99999999999" },
        { "/history 0", CommandErrorKind.BadCount, "history", "0" },
        { "/history 51", CommandErrorKind.BadCount, "history", "51" },
        { "/history many", CommandErrorKind.BadCount, "history", "many" },
        { "/collect 20 EUR by 2026-13-01", CommandErrorKind.BadDate, "collect", "2026-13-01" },
        { "/collect 20 EUR by 2026-02-30", CommandErrorKind.BadDate, "collect", "2026-02-30" },
        { "/collect 20 EUR by 31.12.2026", CommandErrorKind.BadDate, "collect", "31.12.2026" },
        { "/collect 20 EUR by 2026-12-31 by 2027-01-31", CommandErrorKind.BadDate, "collect", "2027-01-31" },
        { "/cancel", CommandErrorKind.BadFlowReference, "cancel", null },
        { "/cancel #", CommandErrorKind.BadFlowReference, "cancel", "#" },
        { "/cancel #abc", CommandErrorKind.BadFlowReference, "cancel", "#abc" },
        { "/cancel 0", CommandErrorKind.BadFlowReference, "cancel", "0" },
        { "/verify x12", CommandErrorKind.BadFlowReference, "verify", "x12" },
        { "/settle XYZ", CommandErrorKind.BadCurrency, "settle", "XYZ" },
        { "/settle dinner", CommandErrorKind.BadCurrency, "settle", "dinner" },
        { "/payme", CommandErrorKind.BadPaymentMethod, "payme", null },
        { "/payme venmo bob", CommandErrorKind.BadPaymentMethod, "payme", "venmo" },
        { "/payme paypal", CommandErrorKind.BadHandle, "payme", "paypal" },
        { "/payme paypal alice.smith", CommandErrorKind.BadHandle, "payme", "paypal alice.smith" },
        { "/payme paypal abcdefghij12345678901", CommandErrorKind.BadHandle, "payme", "paypal abcdefghij12345678901" },
        { "/payme paypal alice bob", CommandErrorKind.BadHandle, "payme", "paypal alice bob" },
        { "/payme revolut a", CommandErrorKind.BadHandle, "payme", "revolut a" },
        { "/payme upi alice", CommandErrorKind.BadHandle, "payme", "upi alice" },
        { "/payme iban DE89 3704 0044 0532 0130 01", CommandErrorKind.BadHandle, "payme", "iban DE89 3704 0044 0532 0130 01" },
        { "/payme iban XX00", CommandErrorKind.BadHandle, "payme", "iban XX00" },
        { "/settings colour red", CommandErrorKind.BadSetting, "settings", "colour red" },
        { "/settings language fr", CommandErrorKind.BadSetting, "settings", "language fr" },
        { "/settings language", CommandErrorKind.BadSetting, "settings", "language" },
        { "/settings who-can-start nobody", CommandErrorKind.BadSetting, "settings", "who-can-start nobody" },
        { "/settings reminders weekly", CommandErrorKind.BadSetting, "settings", "reminders weekly" },
        { "/settings provider paypal", CommandErrorKind.BadSetting, "settings", "provider paypal" },
        { "/settings currency XYZ", CommandErrorKind.BadSetting, "settings", "currency XYZ" },
        { "/settings currency EUR USD", CommandErrorKind.BadSetting, "settings", "currency EUR USD" },
        { "/settings max-amount lots", CommandErrorKind.BadSetting, "settings", "max-amount lots" },
        { "/settings max-amount 500 EUR now", CommandErrorKind.BadSetting, "settings", "max-amount 500 EUR now" },
        { "/settings admins add", CommandErrorKind.BadSetting, "settings", "admins add" },
        { "/settings admins promote @bob", CommandErrorKind.BadSetting, "settings", "admins promote @bob" },
        { "/settings admins add bob", CommandErrorKind.BadSetting, "settings", "admins add bob" },
        { "/settings admins add @bob=3", CommandErrorKind.BadSetting, "settings", "admins add @bob=3" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Reports_what_was_wrong(string text, CommandErrorKind kind, string command, string? detail)
    {
        var result = Parser.Parse(text, Bot);

        Assert.Null(result.Command);
        Assert.True(result.IsCommand);
        Assert.Equal(new CommandError(kind, command, detail), result.Error);
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public void Error_messages_quote_the_mistake_and_show_an_example(string text, CommandErrorKind kind, string command, string? detail)
    {
        var error = Parser.Parse(text, Bot).Error!;

        foreach (var (language, tryWord) in new[] { ("en", "Try: /"), ("zh", "试试：/") })
        {
            var message = error.Message(language);
            Assert.Contains(tryWord, message, StringComparison.Ordinal);
            if (detail is not null)
            {
                Assert.Contains(detail, message, StringComparison.Ordinal);
            }
        }
        Assert.Equal(kind, error.Kind);
        Assert.Equal(command, error.Command);
    }

    [Fact]
    public void A_missing_amount_reads_plainly_in_both_languages()
    {
        var error = Parser.Parse("/split Dinner", Bot).Error!;
        var missing = Parser.Parse("/split", Bot).Error!;

        Assert.Equal("I expected an amount but found \"Dinner\". Try: /split 90 EUR Dinner @bob @carol", error.Message("en"));
        Assert.Equal("I didn't find an amount. Try: /split 90 EUR Dinner @bob @carol", missing.Message("en"));
        Assert.Equal("没有找到金额。试试：/split 90 EUR Dinner @bob @carol", missing.Message("zh"));
        Assert.Equal(missing.Message("en"), missing.Message("fr"));
    }

    [Fact]
    public void Examples_fit_the_payment_method_and_the_setting()
    {
        Assert.EndsWith("Try: /payme iban DE89 3704 0044 0532 0130 00", Parser.Parse("/payme iban DE00", Bot).Error!.Message("en"));
        Assert.EndsWith("Try: /settings reminders daily", Parser.Parse("/settings reminders weekly", Bot).Error!.Message("en"));
        Assert.EndsWith("Try: /lottery 10 EUR 3 Happy new year", Parser.Parse("/lottery 10 EUR 0", Bot).Error!.Message("en"));
    }

    [Fact]
    public void The_examples_in_error_messages_are_themselves_valid_commands()
    {
        foreach (var row in Errors)
        {
            var text = row.Data.Item1;
            var message = Parser.Parse(text, Bot).Error!.Message("en");
            var example = message[(message.LastIndexOf("Try: ", StringComparison.Ordinal) + "Try: ".Length)..];

            var result = Parser.Parse(example, Bot);

            Assert.True(result.Command is not null, $"\"{example}\" (from \"{text}\") gave {result.Error}");
        }
    }

    [Theory]
    [InlineData("hello there")]
    [InlineData("")]
    [InlineData("   \n\t ")]
    [InlineData("/split@OtherBot 90")]
    [InlineData("/foo@OtherBot")]
    [InlineData("/split@ 90")]
    [InlineData("/ split 90")]
    [InlineData("/")]
    [InlineData("//split 90")]
    [InlineData("/usr/bin/env")]
    [InlineData("/1st place")]
    [InlineData("split 90 EUR")]
    [InlineData("@GroupPayBot split 90 EUR")]
    [InlineData("see https://example.com/split")]
    public void Ignores_text_that_is_not_a_command_for_this_bot(string text)
    {
        var result = Parser.Parse(text, Bot);

        Assert.Equal(ParseResult.NotACommand, result);
        Assert.False(result.IsCommand);
    }

    [Fact]
    public void A_command_addressed_to_some_bot_is_not_ours_when_we_do_not_know_our_name()
    {
        Assert.False(Parser.Parse("/split@GroupPayBot 90", botUsername: null).IsCommand);
        Assert.IsType<SplitCommand>(Parser.Parse("/split 90", botUsername: null).Command);
    }

    [Fact]
    public void The_bot_username_may_be_given_with_its_at_sign()
    {
        Assert.IsType<SplitCommand>(Parser.Parse("/split@GroupPayBot 90", "@GroupPayBot").Command);
    }

    [Theory]
    [InlineData("split 90 EUR")]
    [InlineData("Split 90 EUR")]
    [InlineData("/split 90 EUR")]
    [InlineData("@GroupPayBot split 90 EUR")]
    [InlineData("@groupPayBot /split 90 EUR")]
    [InlineData("@GroupPayBot\n split   90 EUR")]
    public void On_Bot_Framework_the_slash_and_the_bot_mention_are_optional(string text)
    {
        var result = Parser.Parse(text, Bot, slashOptional: true);

        Assert.Equivalent(new SplitCommand("90 EUR", null, []), result.Command, strict: true);
    }

    [Theory]
    [InlineData("hello there")]
    [InlineData("splitting the bill?")]
    [InlineData("@GroupPayBot hello")]
    [InlineData("@GroupPayBot")]
    [InlineData("@carol split 90 EUR")]
    public void On_Bot_Framework_ordinary_text_is_still_not_a_command(string text)
    {
        Assert.False(Parser.Parse(text, Bot, slashOptional: true).IsCommand);
    }

    [Fact]
    public void On_Bot_Framework_an_unknown_command_with_a_slash_is_reported()
    {
        var result = Parser.Parse("@GroupPayBot /foo", Bot, slashOptional: true);

        Assert.Equal(CommandErrorKind.UnknownCommand, result.Error?.Kind);
    }

    [Fact]
    public void A_long_description_is_cut_to_200_characters()
    {
        var words = string.Join(' ', Enumerable.Repeat("dinner", 60));

        var split = Assert.IsType<SplitCommand>(Parser.Parse($"/split 90 EUR {words} @bob", Bot).Command);

        Assert.Equal(CommandParser.MaxDescriptionLength, split.Description!.Length);
        Assert.StartsWith("dinner dinner", split.Description, StringComparison.Ordinal);
        Assert.Equal([P("bob")], split.Participants);
    }

    [Fact]
    public void A_cut_description_does_not_split_an_emoji()
    {
        var text = "/raffle 5 " + new string('x', CommandParser.MaxDescriptionLength - 1) + "🎉";

        var raffle = Assert.IsType<RaffleCommand>(Parser.Parse(text, Bot).Command);

        Assert.Equal(new string('x', CommandParser.MaxDescriptionLength - 1), raffle.Description);
    }

    [Fact]
    public void A_command_longer_than_the_limit_is_refused()
    {
        var text = "/split 90 EUR " + new string('x', 5000);

        var result = Parser.Parse(text, Bot);

        Assert.Equal(new CommandError(CommandErrorKind.TooLong, "split", text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), result.Error);
        Assert.Contains("/split 90 EUR Dinner", result.Error!.Message("en"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_of_exactly_the_limit_is_read()
    {
        var prefix = "/raffle 5 ";
        var text = prefix + new string('x', CommandParser.MaxLength - prefix.Length);

        Assert.IsType<RaffleCommand>(Parser.Parse(text, Bot).Command);
    }

    [Fact]
    public void Long_chat_text_is_ignored_rather_than_refused()
    {
        var text = string.Concat(Enumerable.Repeat("so long ", 700));

        Assert.False(Parser.Parse(text, Bot).IsCommand);
    }

    [Fact]
    public void Never_throws_on_random_text()
    {
        var random = new Random(20260101);
        const string Alphabet = "/@#=*%<>!.,-€¥ abcdemsplitEURy0123456789\n\t";
        string[] heads = ["/split ", "/collect ", "/lottery ", "/transfer ", "/settings ", "/payme iban ", "/cancel ", "split ", "@GroupPayBot ", ""];

        for (var n = 0; n < 5000; n++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[random.Next(Alphabet.Length)];
            }
            var text = heads[random.Next(heads.Length)] + new string(chars);

            var result = Parser.Parse(text, Bot, slashOptional: random.Next(2) == 0);

            Assert.False(result.Command is not null && result.Error is not null, text);
            Assert.False(string.IsNullOrEmpty(result.Error?.Message("en") ?? "ok"), text);
            Assert.False(string.IsNullOrEmpty(result.Error?.Message("zh") ?? "ok"), text);
        }
    }

    [Fact]
    public void Never_throws_on_a_5000_character_string()
    {
        var random = new Random(7);
        const string Alphabet = "/@#=*%<>! ab1";
        var text = "/" + new string(Enumerable.Range(0, 4999).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());

        var result = Parser.Parse(text, Bot);

        Assert.True(result.Error is null || result.Error.Kind == CommandErrorKind.TooLong);
        Assert.Equal(CommandErrorKind.TooLong, Parser.Parse("/lottery " + text, Bot).Error?.Kind);
    }
}
