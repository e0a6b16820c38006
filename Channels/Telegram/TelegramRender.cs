using GroupPay.Dialogs.Cards;
using global::Telegram.Bot.Types.ReplyMarkups;

namespace GroupPay.Channels.Telegram;

/// <summary>A card or a line of text as Telegram HTML: everything the engine wrote is escaped; only our own tags remain.</summary>
public static class TelegramRender
{
    public const int MaxTextLength = 4096;
    public const int MaxCaptionLength = 1024;

    /// <summary>Telegram's HTML mode needs exactly these three escaped; everything else (emoji included) goes as it is.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    public static string Text(string text) => Limit(Escape(text), MaxTextLength);

    public static string Caption(string text) => Limit(Escape(text), MaxCaptionLength);

    /// <summary>
    /// The card's text and keyboard. A link Telegram would refuse as a button (no dot in the host, a scheme other than
    /// http, https or tg) is written into the text instead; <paramref name="linksInText"/> does that for every link.
    /// </summary>
    public static (string Html, InlineKeyboardMarkup? Keyboard) Card(Card card, bool linksInText = false)
    {
        var html = $"<b>{Limit(Escape(card.Title), 256)}</b>";

        var rows = new List<InlineKeyboardButton[]>();
        var writtenLinks = new List<string>();
        foreach (var row in card.Buttons)
        {
            var buttons = new List<InlineKeyboardButton>();
            foreach (var button in row)
            {
                if (button.Kind == ButtonKind.Callback)
                {
                    buttons.Add(InlineKeyboardButton.WithCallbackData(button.Label, button.Value));
                }
                else if (!linksInText && IsButtonUrl(button.Value))
                {
                    buttons.Add(InlineKeyboardButton.WithUrl(button.Label, button.Value));
                }
                else
                {
                    writtenLinks.Add($"{Escape(button.Label)}: {Escape(button.Value)}");
                }
            }

            if (buttons.Count > 0)
            {
                rows.Add([.. buttons]);
            }
        }

        var links = writtenLinks.Count == 0 ? "" : "\n\n" + string.Join("\n", writtenLinks);
        var lines = card.Lines.Select(Escape).ToList();
        var budget = MaxTextLength - html.Length - links.Length - 2;
        var body = new List<string>();
        foreach (var line in lines)
        {
            if (budget - line.Length - 1 < 0)
            {
                body.Add("…");
                break;
            }

            body.Add(line);
            budget -= line.Length + 1;
        }

        if (body.Count > 0)
        {
            html += "\n" + string.Join("\n", body);
        }

        return (Limit(html + links, MaxTextLength), rows.Count == 0 ? null : new InlineKeyboardMarkup(rows));
    }

    /// <summary>Telegram refuses URL buttons whose host has no dot (<c>localhost</c>) and schemes other than http(s) and tg.</summary>
    public static bool IsButtonUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme is "https" or "http" ? uri.Host.Contains('.', StringComparison.Ordinal) : uri.Scheme == "tg");

    /// <summary>Cuts escaped text to Telegram's limit, never inside an entity such as <c>&amp;amp;</c>.</summary>
    private static string Limit(string html, int max)
    {
        if (html.Length <= max)
        {
            return html;
        }

        var cut = max - 1;
        var amp = html.LastIndexOf('&', cut - 1);
        if (amp >= 0 && html.IndexOf(';', amp) >= cut)
        {
            cut = amp;
        }

        return html[..cut] + "…";
    }
}
