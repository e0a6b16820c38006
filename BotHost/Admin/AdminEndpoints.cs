using System.Security.Cryptography;
using System.Text;
using GroupPay.BotHost.Hosting;
using GroupPay.BotHost.Storage;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using Microsoft.Extensions.Options;

namespace GroupPay.BotHost.Admin;

/// <summary>
/// The admin API of SPEC §6: read-only views of a chat's balances, flows, ledger and audit chain, behind
/// <c>Authorization: Bearer {Admin:ApiKey}</c>. Without a key configured, every route answers 404.
/// </summary>
public static class AdminEndpoints
{
    public static void MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/chats/{chatKey}").AddEndpointFilter(RequireApiKey);
        api.MapGet("/balances", BalancesAsync);
        api.MapGet("/flows", FlowsAsync);
        api.MapGet("/ledger.csv", LedgerAsync);
        api.MapGet("/audit", AuditAsync);
    }

    private static async ValueTask<object?> RequireApiKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var key = context.HttpContext.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey;
        if (string.IsNullOrEmpty(key))
        {
            return Results.NotFound();
        }

        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : "";
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? await next(context) : Results.Unauthorized();
    }

    private static async Task<IResult> BalancesAsync(string chatKey, IGroupPayStore store, CancellationToken ct)
    {
        var chat = await store.LoadChatAsync(chatKey, ct);
        if (chat is null)
        {
            return Results.NotFound();
        }

        var balances = Ledger.Balances(await store.JournalAsync(chatKey, ct));
        return Results.Json(balances.SelectMany(currency => currency.Value.Select(net => new
        {
            member = net.Key,
            name = chat.NameOf(net.Key),
            currency = currency.Key,
            net = Money.FromMinor(net.Value, Currency.Get(currency.Key)).ToDecimalString(),
        })));
    }

    private static async Task<IResult> FlowsAsync(string chatKey, string? state, IGroupPayStore store, CancellationToken ct)
    {
        var chat = await store.LoadChatAsync(chatKey, ct);
        if (chat is null)
        {
            return Results.NotFound();
        }

        var flows = await store.RecentFlowsAsync(chatKey, int.MaxValue, openOnly: state == "open", ct);
        var obligations = (await store.ObligationsAsync(chatKey, null, openOnly: false, ct)).ToLookup(o => o.FlowNumber);
        return Results.Json(flows.Select(flow => new
        {
            number = flow.Number,
            kind = flow.Kind.ToString(),
            state = flow.State,
            open = flow.IsOpen,
            creator = flow.Creator,
            amount = flow.Amount.ToDecimalString(),
            currency = flow.CurrencyCode,
            description = flow.Description,
            createdAt = flow.CreatedAt,
            obligations = obligations[flow.Number].Select(o => new
            {
                id = o.Id,
                debtor = o.Debtor,
                debtorName = chat.NameOf(o.Debtor),
                creditor = o.Creditor,
                creditorName = chat.NameOf(o.Creditor),
                amount = o.Amount.ToDecimalString(),
                currency = o.CurrencyCode,
                state = o.State.ToString(),
                paidVia = o.PaidVia,
            }),
        }));
    }

    private static async Task<IResult> LedgerAsync(string chatKey, IGroupPayStore store, CancellationToken ct)
    {
        var chat = await store.LoadChatAsync(chatKey, ct);
        return chat is null
            ? Results.NotFound()
            : Results.Text(LedgerCsv.Write(await store.JournalAsync(chatKey, ct), member => chat.NameOf(member)), "text/csv; charset=utf-8");
    }

    private static async Task<IResult> AuditAsync(string chatKey, IGroupPayStore store, CancellationToken ct)
    {
        var journal = await store.JournalAsync(chatKey, ct);
        var chat = await store.LoadChatAsync(chatKey, ct);
        if (journal.Count == 0 && chat is null)
        {
            return Results.NotFound();
        }

        var audit = StoreAuditor.Audit(chatKey, chat, journal, await store.ObligationsAsync(chatKey, null, openOnly: false, ct));
        return Results.Json(new
        {
            chat = chatKey,
            verified = audit.ChainVerified,
            holds = audit.Holds,
            entriesBalance = audit.EntriesBalance,
            netsBalance = audit.NetsBalance,
            headMatchesChat = audit.HeadMatchesChat,
            obligationsAgree = audit.ObligationsAgree,
            problems = audit.Problems,
            head = audit.Head,
            entries = journal.Select(e => new
            {
                sequence = e.Sequence,
                at = e.At,
                kind = e.Kind.ToString(),
                flow = e.FlowNumber,
                obligation = e.ObligationId,
                currency = e.CurrencyCode,
                memo = e.Memo,
                postings = e.Postings.Select(p => new { account = p.Account, amount = Money.FromMinor(p.Minor, Currency.Get(e.CurrencyCode)).ToDecimalString() }),
                previousHash = e.PreviousHash,
                hash = e.Hash,
            }),
        });
    }

}
