namespace GroupPay.Dialogs.Text;

internal static class CatalogEn
{
    public static readonly Dictionary<string, string> Texts = new(StringComparer.Ordinal)
    {
        ["member.pending"] = "{0} (not seen yet)",
        ["member.unnamed"] = "user {0}",

        ["kind.Split"] = "Split",
        ["kind.Collect"] = "Collection",
        ["kind.Lottery"] = "Red packet",
        ["kind.Raffle"] = "Raffle",
        ["kind.Transfer"] = "Transfer",
        ["kind.Request"] = "Request",
        ["kind.SettleUp"] = "Settle-up",

        ["state.Draft"] = "starting",
        ["state.Gathering"] = "open for joining",
        ["state.Awaiting"] = "waiting for payments",
        ["state.Settled"] = "settled",
        ["state.Cancelled"] = "cancelled",
        ["state.Collecting"] = "collecting",
        ["state.Closed"] = "closed, waiting for payments",
        ["state.Completed"] = "complete",
        ["state.Open"] = "open",
        ["state.Empty"] = "all grabbed",
        ["state.Expired"] = "expired",
        ["state.Drawn"] = "drawn, waiting for payments",
        ["state.Pending"] = "waiting for payment",
        ["state.Done"] = "paid",

        ["obligation.Open"] = "open",
        ["obligation.Paid"] = "paid",
        ["obligation.Netted"] = "netted by a settle-up",
        ["obligation.Cancelled"] = "cancelled",

        ["trigger.Start"] = "start",
        ["trigger.Join"] = "join",
        ["trigger.Close"] = "close",
        ["trigger.Grab"] = "grab",
        ["trigger.Draw"] = "draw",
        ["trigger.Remind"] = "remind",
        ["trigger.Paid"] = "take payments",
        ["trigger.Expire"] = "expire",
        ["trigger.Cancel"] = "cancel",

        ["guard.not-joined-yet"] = "You're already in #{0}.",
        ["guard.someone-joined"] = "Nobody has joined #{0} yet: wait for someone to tap Join.",
        ["guard.amount-covers-everyone"] = "#{0} is too small to split between everyone who joined.",
        ["guard.two-or-more-joined"] = "At least two people must join #{0} before the draw.",
        ["guard.someone-owes"] = "Nobody owes anything on #{0}.",

        ["refuse.not-now"] = "#{0} is {2}, so you can't {1} it now.",
        ["refuse.creator-only"] = "Only {0} (who started #{1}) or an admin can do that.",
        ["refuse.creditor-only"] = "Only {0} can confirm receiving this payment.",
        ["refuse.no-claim"] = "Nobody has said they paid this yet.",
        ["refuse.not-open"] = "This debt is already {0}.",
        ["refuse.reminded-recently"] = "A reminder for #{0} went out a few minutes ago.",
        ["refuse.own-packet"] = "That's your own red packet: let the others grab it.",
        ["refuse.already-grabbed"] = "You already grabbed from #{0}.",
        ["refuse.admins-start"] = "Only admins can start payments in this chat.",
        ["refuse.admin-only"] = "Only admins can change settings.",
        ["refuse.split-needs-others"] = "Name at least one other person, e.g. /split 90 EUR Dinner @bob @carol",
        ["refuse.collect-modifiers"] = "A collection takes the same amount from everyone: drop the =, % or * after the names. Example: /collect 20 EUR Club dues @bob @carol",
        ["refuse.deadline-past"] = "The deadline {0} has already passed. Example: /collect 20 EUR Dues by 2030-12-31",
        ["refuse.packet-too-small"] = "{0} is too small for {1} red packets: each needs at least the smallest coin.",
        ["refuse.self"] = "You can't send money to yourself.",
        ["refuse.unknown-currency"] = "I don't know the currency “{0}”. Use a code like EUR, USD or CNY.",
        ["refuse.no-flow"] = "There is no #{0} in this chat. /history lists recent ones.",
        ["refuse.over-max"] = "“{0}” is above this chat's limit of {1}. An admin can change it with /settings max-amount.",
        ["refuse.duplicate-participant"] = "{0} is named twice.",
        ["refuse.share-currency"] = "“{0}” is not in {1}, the currency of this bill.",
        ["refuse.bad-modifier"] = "“{0}” is not a share I understand. Use @bob=30 (amount), @bob=25% (percent) or @bob*2 (weight).",

        ["alloc.NoParticipants"] = "Nobody to split between.",
        ["alloc.DuplicateMember"] = "Someone is named twice.",
        ["alloc.NegativeValue"] = "Shares can't be negative.",
        ["alloc.ExactExceedsTotal"] = "The fixed amounts are {0} more than the total.",
        ["alloc.ExactDoesNotMatchTotal"] = "The fixed amounts miss the total by {0}.",
        ["alloc.PercentOver100"] = "The percentages add up to {0} more than 100%.",
        ["alloc.PercentNot100"] = "The percentages must add up to 100%; they are off by {0}.",
        ["alloc.NothingLeftToShare"] = "The fixed amounts and percentages already use the whole total, leaving nothing for the others.",
        ["alloc.NoOneToShareRest"] = "{0} is left over and nobody shares it: add someone without a fixed amount.",

        ["card.state"] = "Status: {0}",
        ["card.sandbox"] = "🧪 Sandbox: no real money moves.",
        ["card.joined"] = "{0} joined:",

        ["button.join"] = "🙋 Join",
        ["button.close"] = "🔒 Close",
        ["button.cancel"] = "✖ Cancel",
        ["button.decline"] = "✖ Decline",
        ["button.remind"] = "⏰ Remind",
        ["button.grab"] = "🧧 Grab",
        ["button.draw"] = "🎲 Draw",
        ["button.pay"] = "💳 {0} pays {1}",
        ["button.received"] = "✔ {0} got it",
        ["button.not-received"] = "✖ {0}: not received",
        ["button.invalid"] = "This button is no longer valid.",
        ["button.done.join"] = "You joined #{0}.",
        ["button.done.close"] = "#{0} is closed.",
        ["button.done.cancel"] = "#{0} is cancelled.",
        ["button.done.grab"] = "Grabbed!",
        ["button.done.draw"] = "The winner of #{0} is drawn.",
        ["button.done.remind"] = "Reminder sent.",
        ["button.done.received"] = "Marked as received (#{0}).",
        ["button.done.not-received"] = "Marked as not received (#{0}).",

        ["split.paid-by"] = "{0} paid {1}.",
        ["split.owes"] = "{0} owes {1} · {2}",
        ["split.join-until"] = "Join until {0}; then it closes by itself.",
        ["raffle.draw-until"] = "Draw by {0}, or the raffle is cancelled.",
        ["split.own-share"] = "{0}'s own share: {1}",

        ["collect.each"] = "{0} collects {1} from each member.",
        ["collect.deadline"] = "Deadline: {0}",
        ["collect.progress"] = "Collected {0} · {1} of {2} paid",
        ["collect.reminder"] = "⏰ Reminder for #{0} {1}: {3} each to {4} is still open for {2}.",

        ["lottery.from"] = "{0} hands out {2} in {1} red packets.",
        ["lottery.grabbed"] = "Grabbed: {0} of {1} · {2}",
        ["lottery.expires"] = "Expires {0}; what nobody grabs is not owed.",
        ["lottery.you-got"] = "🧧 You got {0} from #{1}!",

        ["fair.commitment"] = "Fairness: SHA-256 of the secret seed = {0}",
        ["fair.seed"] = "Seed revealed: {0}. Check it with /verify #{1}",

        ["raffle.ticket"] = "{0} runs a raffle · ticket {1}",
        ["raffle.won"] = "🏆 Winner: {0}",
        ["raffle.winner"] = "🎉 #{0} {1}: {2} wins {3}! Every other participant owes them the ticket price.",

        ["transfer.line"] = "{0} → {1} · {2} · {3}",

        ["settle.optimal"] = "{0} transfers replace every open {1} debt (the fewest possible).",
        ["settle.greedy"] = "{0} transfers replace every open {1} debt (quick plan for a large group: may not be the fewest).",
        ["settle.nothing"] = "No open {0} debts: everyone is settled up.",
        ["settle.done"] = "🤝 #{3}: {0} open {2} debts are netted into {1} transfers. Everyone's balance is unchanged.",

        ["payment.confirmed"] = "✅ {0} paid {1} {2} for {3} (#{4}).",
        ["payment.claimed"] = "🕓 {0} says they paid {1} {2} (#{3}). {1}, tap “✔ got it” on the card once it has arrived.",
        ["payment.not-received"] = "↩ {0} has not received {1} from {2} (#{3}); the debt is open again.",
        ["payment.late"] = "⚠️ A payment of {1} from {0} arrived for a debt that was already {2} (#{4}). {3}, please refund it or record it by hand.",

        ["flow.cancelled"] = "❌ #{0} cancelled by {1}. Open debts are dropped; payments already made stay.",

        ["balance.title"] = "📊 Balances (+ is owed, − owes)",
        ["balance.empty"] = "No debts yet. Start with /split 90 EUR Dinner @bob @carol",
        ["balance.hint"] = "/settle nets everything into the fewest transfers.",

        ["history.title"] = "🗂 Recent activity",
        ["history.empty"] = "Nothing here yet. Try /split 90 EUR Dinner @bob @carol",
        ["history.line"] = "#{0} {1} {2} · {3} · {4} · by {5}",
        ["history.payment"] = "💳 #{0}: {2} paid {1} {3}",

        ["export.caption"] = "Ledger export: {0} journal entries.",

        ["verify.not-fair-flow"] = "#{0} is not a red packet or raffle.",
        ["verify.not-yet"] = "The seed of #{0} is revealed when it ends. Its commitment is {1}.",
        ["verify.title"] = "🔍 Verify #{0} · seed {1}",
        ["verify.commitment-ok"] = "✓ SHA-256(seed) = {0}, the commitment shown at the start.",
        ["verify.commitment-bad"] = "✗ SHA-256(seed) does not match the commitment {0}.",
        ["verify.ok"] = "Every amount follows from the seed and the order of play.",
        ["verify.mismatch"] = "⚠️ Something does not match the seed.",
        ["verify.how"] = "Draw i = HMAC-SHA256(seed, \"{0}|i\") as a 64-bit number, rejection-sampled into its range; red packets use the double-mean method.",

        ["payme.saved"] = "Saved: {0} is paid by {1} at {2}.",

        ["settings.show"] = "⚙️ Settings\ncurrency: {0}\nprovider: {1}\nwho-can-start: {2}\nmax-amount: {3}\nlanguage: {4}\nreminders: {5}\nadmins: {6}",
        ["settings.saved"] = "⚙️ {0} is now {1}.",
        ["settings.bad-value"] = "“{1}” is not a valid value for {0}. Example: {2}",
        ["settings.provider-telegram-only"] = "Telegram invoices work only in Telegram chats. Here, choose sandbox, stripe or p2p: /settings provider p2p",
        ["settings.provider-not-configured"] = "{0} is not set up on this bot yet: its operator has to set {1} first. Available here: {2}.",
        ["settings.admin-added"] = "{0} is now an admin.",
        ["settings.admin-removed"] = "{0} is no longer an admin.",
        ["settings.admin-unknown"] = "I haven't seen {0} in this chat yet; they need to say something first.",

        ["error.internal"] = "Sorry, something went wrong and nothing was changed. Please try again.",

        ["start.greeting"] = "👋 Hi {0}! I'm GroupPay: I split bills, collect money, hand out red packets and keep this group's balances.\nTry /split 90 EUR Dinner @bob @carol, or /help for everything.",
        ["help.all"] = """
            GroupPay commands
            /split 90 EUR Dinner @bob @carol — you paid; they owe their shares (@bob=30, @bob=25%, @bob*2, @me*0)
            /split 90 EUR Dinner — others tap Join, you Close
            /collect 20 EUR Dues @bob @carol by 2030-12-31 — collect 20 from each
            /lottery 10 EUR 3 Happy new year — a red packet for 3 people
            /raffle 5 EUR Concert — join for a ticket, then Draw
            /transfer @bob 25 EUR Tickets — you pay Bob (also /pay)
            /request @bob 25 EUR Tickets — ask Bob for money
            /balance · /settle [currency] · /history [n] · /export
            /cancel #12 · /verify #12 · /payme paypal yourname
            /settings (admins) · /help split
            """,
        ["help.split"] = "/split <amount> [currency] [description] [@people…]\nYou paid the bill; each person owes their share. @bob=30 fixes an amount, @bob=25% a percentage, @bob*2 a weight; @me*0 leaves you out. Without names, members tap Join and you tap Close.",
        ["help.collect"] = "/collect <amount> [currency] [description] [@people…] [by YYYY-MM-DD]\nCollect the amount from each named member, or from everyone who taps Join. Remind nudges those who still owe.",
        ["help.lottery"] = "/lottery <amount> [currency] <count> [description]\nA red packet: the first <count> members to tap Grab each get a random share. The draw is provably fair: /verify #n after it ends.",
        ["help.raffle"] = "/raffle <ticket price> [currency] [description]\nMembers Join; the organiser taps Draw; everyone else owes the winner the ticket price.",
        ["help.transfer"] = "/transfer @user <amount> [currency] [description]\nYou pay @user: a pay link is posted. Alias: /pay",
        ["help.pay"] = "/pay @user <amount> [currency] [description]\nYou pay @user: a pay link is posted.",
        ["help.request"] = "/request @user <amount> [currency] [description]\nAsk @user to pay you; they can pay by link or decline.",
        ["help.settle"] = "/settle [currency]\nNets all open debts into the fewest transfers; everyone's balance stays the same.",
        ["help.balance"] = "/balance\nWho is owed (+) and who owes (−), per currency.",
        ["help.settings"] = "/settings — show\n/settings currency EUR · provider sandbox|stripe|telegram|p2p · who-can-start everyone|admins · max-amount 500 · language en|zh · reminders off|daily · admins add|remove @user",
        ["help.payme"] = "/payme paypal|revolut|upi|iban <handle>\nWhere you want to be paid by person-to-person links.",
    };
}
