namespace GroupPay.Dialogs.Cards;

public enum ButtonKind { Callback, Url }

/// <summary>A button: a callback carrying an opaque server-side token, or a link.</summary>
public sealed record CardButton(string Label, ButtonKind Kind, string Value)
{
    public static CardButton Callback(string label, string token) => new(label, ButtonKind.Callback, token);
    public static CardButton Link(string label, string url) => new(label, ButtonKind.Url, url);
}

/// <summary>A channel-neutral message with buttons; adapters render it as a Telegram keyboard, Discord components or a hero card.</summary>
public sealed record Card(string Title, IReadOnlyList<string> Lines, IReadOnlyList<IReadOnlyList<CardButton>> Buttons)
{
    public string Text => Lines.Count == 0 ? Title : Title + "\n" + string.Join("\n", Lines);
}
