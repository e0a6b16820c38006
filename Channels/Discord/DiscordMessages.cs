using System.Text;
using System.Text.Json.Nodes;
using GroupPay.Dialogs.Cards;
using GroupPay.Dialogs.Engine;

namespace GroupPay.Channels.Discord;

/// <summary>
/// Neutral cards and texts as Discord message payloads: the card's text as content, its buttons as action rows (at
/// most 5 rows of 5). Callback buttons carry the opaque token as <c>custom_id</c>; links are link buttons. When a
/// roster has more buttons than fit, the actions stay and the pay links that do not fit are listed in the text.
/// </summary>
public static class DiscordMessages
{
    public const int MaxContent = 2000;
    public const int MaxRows = 5;
    public const int MaxPerRow = 5;
    public const int Ephemeral = 64;
    private const int MaxLabel = 80;

    public static JsonObject Text(string text, bool ephemeral = false)
    {
        var message = new JsonObject
        {
            ["content"] = Truncate(text, MaxContent),
            ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() },
        };
        if (ephemeral)
        {
            message["flags"] = Ephemeral;
        }

        return message;
    }

    public static JsonObject Card(Card card)
    {
        var rows = card.Buttons.Where(r => r.Count > 0).ToList();
        if (rows.Count <= MaxRows && rows.TrueForAll(r => r.Count <= MaxPerRow))
        {
            var fitting = Text(card.Text);
            fitting["components"] = Rows(rows);
            return fitting;
        }

        var buttons = rows.SelectMany(r => r).ToList();
        var actions = buttons.Where(b => b.Kind == ButtonKind.Callback).Take(MaxRows * MaxPerRow).ToList();
        var links = buttons.Where(b => b.Kind == ButtonKind.Url).ToList();
        var linkSlots = MaxRows * MaxPerRow - actions.Count;
        var shown = buttons.Where(b => actions.Contains(b) || links.IndexOf(b) is >= 0 and var i && i < linkSlots).ToList();
        var text = new StringBuilder(card.Text);
        foreach (var link in links.Skip(linkSlots))
        {
            text.Append('\n').Append('[').Append(link.Label).Append("](").Append(link.Value).Append(')');
        }

        var message = Text(text.ToString());
        message["components"] = Rows(shown.Chunk(MaxPerRow).Select(r => (IReadOnlyList<CardButton>)r).ToList());
        return message;
    }

    public static JsonObject For(OutboxItem item) => item.Kind switch
    {
        OutboxKind.Card when item.Card is not null => Card(item.Card),
        _ => Text(item.Text ?? ""),
    };

    private static JsonArray Rows(IReadOnlyList<IReadOnlyList<CardButton>> rows)
    {
        var result = new JsonArray();
        var first = true;
        foreach (var row in rows.Where(r => r.Count > 0))
        {
            var components = new JsonArray();
            foreach (var button in row)
            {
                components.Add(button.Kind == ButtonKind.Url
                    ? new JsonObject { ["type"] = 2, ["style"] = 5, ["label"] = Truncate(button.Label, MaxLabel), ["url"] = button.Value }
                    : new JsonObject { ["type"] = 2, ["style"] = first ? 1 : 2, ["label"] = Truncate(button.Label, MaxLabel), ["custom_id"] = button.Value });
                first = false;
            }

            result.Add(new JsonObject { ["type"] = 1, ["components"] = components });
        }

        return result;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
