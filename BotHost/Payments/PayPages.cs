using System.Net;

namespace GroupPay.BotHost.Payments;

/// <summary>The small server-rendered pages behind pay links: checkout, person-to-person details, outcomes.</summary>
internal static class PayPages
{
    public static IResult Page(string title, string body, int status = 200) => Results.Content($$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}} · GroupPay</title>
        <style>
          body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f4f5f7; color: #1d2433; margin: 0; }
          main { max-width: 420px; margin: 48px auto; background: #fff; border-radius: 14px; padding: 28px; box-shadow: 0 4px 24px rgba(0,0,0,.08); }
          h1 { font-size: 1.25rem; margin: 0 0 4px; }
          .amount { font-size: 2.2rem; font-weight: 700; margin: 16px 0 4px; }
          .muted { color: #5b6475; }
          .notice { background: #fff7e0; border: 1px solid #f0d48a; border-radius: 8px; padding: 8px 12px; margin: 16px 0; font-size: .9rem; }
          form { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 20px; }
          button, a.button { font: inherit; border: 0; border-radius: 8px; padding: 10px 16px; cursor: pointer; text-decoration: none; }
          .primary { background: #2f6fec; color: #fff; flex: 1 1 100%; font-weight: 600; }
          .secondary { background: #e8ebf0; color: #1d2433; }
          dl { display: grid; grid-template-columns: auto 1fr; gap: 6px 12px; }
          dt { color: #5b6475; } dd { margin: 0; word-break: break-all; }
        </style>
        </head>
        <body><main>{{body}}</main></body>
        </html>
        """, "text/html; charset=utf-8", statusCode: status);

    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
