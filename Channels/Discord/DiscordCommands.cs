using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GroupPay.Payments;

namespace GroupPay.Channels.Discord;

/// <summary>
/// The slash commands of SPEC §3 with typed options, and the way back: an APPLICATION_COMMAND interaction becomes the
/// text command the engine already understands (<c>/split 90 EUR Dinner &lt;@1&gt; &lt;@2&gt;</c>), options in
/// the order the text syntax has them.
/// </summary>
public static class DiscordCommands
{
    private const int String = 3;
    private const int Integer = 4;
    private const int User = 6;
    private const string ManageGuild = "32";

    private sealed record Option(string Name, int Type, string Description, bool Required = false, string? Prefix = null,
        string[]? Choices = null, bool Currency = false, int? Min = null, int? Max = null);

    private sealed record Definition(string Name, string Description, Option[] Options, string? Permissions = null);

    private static Option Amount(string description = "Amount, e.g. 12.50") => new("amount", String, description, Required: true);
    private static readonly Option CurrencyOption = new("currency", String, "Currency code, e.g. EUR (default: the chat's)", Currency: true);
    private static readonly Option DescriptionOption = new("description", String, "What it is for");
    private static readonly Option Participants = new("participants", String, "Mentions with optional shares: @bob @carol=30 @dan=25% @erin*2 @me*0");
    private static Option Who(string description) => new("user", User, description, Required: true);

    private static readonly Definition[] Definitions =
    [
        new("split", "Split a bill you paid", [Amount("The bill, e.g. 90 or 12.50"), CurrencyOption, DescriptionOption, Participants]),
        new("collect", "Collect an amount from each member", [Amount("Amount per member"), CurrencyOption, DescriptionOption, Participants,
            new("by", String, "Deadline, YYYY-MM-DD", Prefix: "by ")]),
        new("lottery", "Hand out a red packet: members grab random shares", [Amount("The whole packet"), CurrencyOption,
            new("count", Integer, "How many members can grab", Required: true, Min: 1, Max: 100), DescriptionOption]),
        new("raffle", "Start a raffle: members join, the winner gets the tickets", [Amount("Ticket price"), CurrencyOption, DescriptionOption]),
        new("transfer", "Pay a member", [Who("Whom you pay"), Amount(), CurrencyOption, DescriptionOption]),
        new("pay", "Pay a member (same as /transfer)", [Who("Whom you pay"), Amount(), CurrencyOption, DescriptionOption]),
        new("request", "Ask a member for money", [Who("Who owes you"), Amount(), CurrencyOption, DescriptionOption]),
        new("balance", "Net balance per member and currency", []),
        new("settle", "Net all open debts into the fewest transfers", [CurrencyOption with { Description = "Currency to settle" }]),
        new("history", "Recent flows and payments", [new("count", Integer, "How many", Min: 1, Max: 50)]),
        new("export", "The chat's ledger as CSV", []),
        new("cancel", "Cancel a flow you started", [new("flow", String, "The flow, e.g. #12", Required: true)]),
        new("verify", "Recompute a red packet's or raffle's fair draw", [new("flow", String, "The flow, e.g. #12", Required: true)]),
        new("payme", "Where you want to be paid", [new("method", String, "Payment method", Required: true, Choices: ["paypal", "revolut", "upi", "iban"]),
            new("handle", String, "Your handle, UPI id or IBAN", Required: true)]),
        new("settings", "Chat settings (admins)", [new("setting", String, "What to change", Choices:
            ["currency", "provider", "who-can-start", "max-amount", "language", "reminders", "admins"]), new("value", String, "The new value, e.g. EUR, admins, add @bob")],
            Permissions: ManageGuild),
        new("help", "How to use GroupPay", [new("command", String, "A command to explain")]),
        new("start", "What GroupPay does", []),
    ];

    public static IReadOnlyList<string> Names { get; } = Definitions.Select(d => d.Name).ToList();

    /// <summary>The body of <c>PUT /applications/{id}/commands</c>.</summary>
    public static JsonArray Registration()
    {
        var commands = new JsonArray();
        foreach (var definition in Definitions)
        {
            var options = new JsonArray();
            foreach (var option in definition.Options)
            {
                var json = new JsonObject
                {
                    ["name"] = option.Name, ["type"] = option.Type, ["description"] = option.Description, ["required"] = option.Required,
                };
                if (option.Choices is { } choices)
                {
                    json["choices"] = new JsonArray(choices.Select(c => (JsonNode)new JsonObject { ["name"] = c, ["value"] = c }).ToArray());
                }

                if (option.Currency)
                {
                    json["autocomplete"] = true;
                }

                if (option.Min is { } min)
                {
                    json["min_value"] = min;
                }

                if (option.Max is { } max)
                {
                    json["max_value"] = max;
                }

                options.Add(json);
            }

            var command = new JsonObject
            {
                ["name"] = definition.Name, ["type"] = 1, ["description"] = definition.Description, ["options"] = options,
                ["contexts"] = new JsonArray(0),
            };
            if (definition.Permissions is { } permissions)
            {
                command["default_member_permissions"] = permissions;
            }

            commands.Add(command);
        }

        return commands;
    }

    /// <summary>The text command for an APPLICATION_COMMAND's <c>data</c>; null for a command this bot does not have.</summary>
    public static string? ToText(JsonElement data)
    {
        var name = data.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        var definition = Array.Find(Definitions, d => d.Name == name);
        if (definition is null)
        {
            return null;
        }

        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (data.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Array)
        {
            foreach (var option in options.EnumerateArray())
            {
                if (option.TryGetProperty("name", out var optionName) && optionName.ValueKind == JsonValueKind.String
                    && option.TryGetProperty("value", out var value))
                {
                    values[optionName.GetString()!] = value;
                }
            }
        }

        var text = new StringBuilder("/").Append(definition.Name);
        foreach (var option in definition.Options)
        {
            if (values.TryGetValue(option.Name, out var value) && Render(option, value) is { Length: > 0 } rendered)
            {
                text.Append(' ').Append(option.Prefix).Append(rendered);
            }
        }

        return text.ToString();
    }

    /// <summary>Currency codes for the autocomplete of a currency option, best matches first, at most 25.</summary>
    public static JsonArray CurrencyChoices(string typed)
    {
        var prefix = typed.Trim().ToUpperInvariant();
        var codes = Currency.All.Select(c => c.Code)
            .Where(code => code.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(code => code, StringComparer.Ordinal)
            .Take(25);
        return new JsonArray(codes.Select(code => (JsonNode)new JsonObject { ["name"] = code, ["value"] = code }).ToArray());
    }

    private static string? Render(Option option, JsonElement value) => option.Type switch
    {
        User when value.ValueKind == JsonValueKind.String => $"<@{value.GetString()}>",
        Integer when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) => number.ToString(CultureInfo.InvariantCulture),
        String when value.ValueKind == JsonValueKind.String => OneLine(value.GetString()!),
        _ => null,
    };

    private static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
