namespace GroupPay.Dialogs.Text;

internal static class CatalogZh
{
    public static readonly Dictionary<string, string> Texts = new(StringComparer.Ordinal)
    {
        ["member.pending"] = "{0}（尚未出现）",
        ["member.unnamed"] = "用户 {0}",

        ["kind.Split"] = "AA 分账",
        ["kind.Collect"] = "群收款",
        ["kind.Lottery"] = "拼手气红包",
        ["kind.Raffle"] = "抽奖",
        ["kind.Transfer"] = "转账",
        ["kind.Request"] = "收款请求",
        ["kind.SettleUp"] = "结清",

        ["state.Draft"] = "创建中",
        ["state.Gathering"] = "报名中",
        ["state.Awaiting"] = "等待付款",
        ["state.Settled"] = "已结清",
        ["state.Cancelled"] = "已取消",
        ["state.Collecting"] = "收款中",
        ["state.Closed"] = "已截止，等待付款",
        ["state.Completed"] = "已完成",
        ["state.Open"] = "进行中",
        ["state.Empty"] = "已抢完",
        ["state.Expired"] = "已过期",
        ["state.Drawn"] = "已开奖，等待付款",
        ["state.Pending"] = "等待付款",
        ["state.Done"] = "已付款",

        ["obligation.Open"] = "待付",
        ["obligation.Paid"] = "已付",
        ["obligation.Netted"] = "已被结清抵消",
        ["obligation.Cancelled"] = "已取消",

        ["trigger.Start"] = "开始",
        ["trigger.Join"] = "加入",
        ["trigger.Close"] = "截止",
        ["trigger.Grab"] = "抢",
        ["trigger.Draw"] = "开奖",
        ["trigger.Remind"] = "提醒",
        ["trigger.Paid"] = "收款",
        ["trigger.Expire"] = "过期",
        ["trigger.Cancel"] = "取消",

        ["guard.not-joined-yet"] = "你已经在 #{0} 里了。",
        ["guard.someone-joined"] = "#{0} 还没有人加入，请等待有人点「加入」。",
        ["guard.amount-covers-everyone"] = "#{0} 的金额太小，不够分给所有参与者。",
        ["guard.two-or-more-joined"] = "#{0} 至少需要两人加入才能开奖。",
        ["guard.someone-owes"] = "#{0} 没有人欠款。",

        ["refuse.not-now"] = "#{0} 当前状态为「{2}」，现在不能{1}。",
        ["refuse.creator-only"] = "只有 {0}（#{1} 的发起人）或管理员可以这样做。",
        ["refuse.creditor-only"] = "只有 {0} 可以确认收到这笔款。",
        ["refuse.no-claim"] = "还没有人表示已付这笔款。",
        ["refuse.not-open"] = "这笔欠款已{0}。",
        ["refuse.reminded-recently"] = "几分钟前刚提醒过 #{0}。",
        ["refuse.own-packet"] = "这是你自己发的红包，让大家来抢吧。",
        ["refuse.already-grabbed"] = "你已经抢过 #{0} 了。",
        ["refuse.admins-start"] = "本群只有管理员可以发起付款。",
        ["refuse.admin-only"] = "只有管理员可以修改设置。",
        ["refuse.split-needs-others"] = "请至少再 @ 一个人，例如：/split 90 EUR 晚饭 @bob @carol",
        ["refuse.collect-modifiers"] = "群收款向每人收取相同金额，请去掉名字后的 =、% 或 *。例如：/collect 20 EUR 会费 @bob @carol",
        ["refuse.deadline-past"] = "截止日期 {0} 已经过了。例如：/collect 20 EUR 会费 by 2030-12-31",
        ["refuse.packet-too-small"] = "{0} 不够分成 {1} 个红包：每个至少需要最小面额。",
        ["refuse.self"] = "不能给自己转账。",
        ["refuse.unknown-currency"] = "不认识货币“{0}”。请使用 EUR、USD、CNY 这样的代码。",
        ["refuse.no-flow"] = "本群没有 #{0}。用 /history 查看最近的记录。",
        ["refuse.over-max"] = "“{0}”超过了本群上限 {1}。管理员可用 /settings max-amount 修改。",
        ["refuse.duplicate-participant"] = "{0} 被重复 @ 了。",
        ["refuse.share-currency"] = "“{0}”不是本账单的货币 {1}。",
        ["refuse.bad-modifier"] = "看不懂“{0}”这个份额。请用 @bob=30（金额）、@bob=25%（比例）或 @bob*2（权重）。",

        ["alloc.NoParticipants"] = "没有可以分摊的人。",
        ["alloc.DuplicateMember"] = "有人被重复 @ 了。",
        ["alloc.NegativeValue"] = "份额不能为负数。",
        ["alloc.ExactExceedsTotal"] = "指定金额之和比总额多 {0}。",
        ["alloc.ExactDoesNotMatchTotal"] = "指定金额之和与总额相差 {0}。",
        ["alloc.PercentOver100"] = "比例之和超过 100%，多出 {0}。",
        ["alloc.PercentNot100"] = "比例之和必须为 100%，现在相差 {0}。",
        ["alloc.NothingLeftToShare"] = "指定金额和比例已占满总额，其他人分不到任何金额。",
        ["alloc.NoOneToShareRest"] = "还剩 {0} 没人分摊：请加一个不指定金额的人。",

        ["card.state"] = "状态：{0}",
        ["card.sandbox"] = "🧪 沙盒模式：不会产生真实资金流动。",
        ["card.joined"] = "已加入 {0} 人：",

        ["button.join"] = "🙋 加入",
        ["button.close"] = "🔒 截止",
        ["button.cancel"] = "✖ 取消",
        ["button.decline"] = "✖ 拒绝",
        ["button.remind"] = "⏰ 提醒",
        ["button.grab"] = "🧧 抢",
        ["button.draw"] = "🎲 开奖",
        ["button.pay"] = "💳 {0} 付 {1}",
        ["button.received"] = "✔ {0} 已收到",
        ["button.not-received"] = "✖ {0} 未收到",
        ["button.invalid"] = "这个按钮已失效。",
        ["button.done.join"] = "你已加入 #{0}。",
        ["button.done.close"] = "#{0} 已截止。",
        ["button.done.cancel"] = "#{0} 已取消。",
        ["button.done.grab"] = "抢到了！",
        ["button.done.draw"] = "#{0} 已开奖。",
        ["button.done.remind"] = "已发送提醒。",
        ["button.done.received"] = "已确认收款（#{0}）。",
        ["button.done.not-received"] = "已标记为未收到（#{0}）。",

        ["split.paid-by"] = "{0} 付了 {1}。",
        ["split.owes"] = "{0} 应付 {1} · {2}",
        ["split.join-until"] = "{0} 前可加入，届时自动截止。",
        ["raffle.draw-until"] = "请在 {0} 前开奖，否则抽奖自动取消。",
        ["split.own-share"] = "{0} 自己的份额：{1}",

        ["collect.each"] = "{0} 向每人收取 {1}。",
        ["collect.deadline"] = "截止日期：{0}",
        ["collect.progress"] = "已收 {0} · {1}/{2} 人已付",
        ["collect.reminder"] = "⏰ #{0} {1} 提醒：{2} 还需各付 {3} 给 {4}。",

        ["lottery.from"] = "{0} 发了 {2}，共 {1} 个红包。",
        ["lottery.grabbed"] = "已抢 {0}/{1} 个 · {2}",
        ["lottery.expires"] = "{0} 过期；没人抢的部分不计欠款。",
        ["lottery.you-got"] = "🧧 你从 #{1} 抢到了 {0}！",

        ["fair.commitment"] = "公平性：秘密种子的 SHA-256 = {0}",
        ["fair.seed"] = "种子已公开：{0}。用 /verify #{1} 验证",

        ["raffle.ticket"] = "{0} 发起抽奖 · 每张 {1}",
        ["raffle.won"] = "🏆 中奖者：{0}",
        ["raffle.winner"] = "🎉 #{0} {1}：{2} 赢得 {3}！其他参与者各欠中奖者一张票价。",

        ["transfer.line"] = "{0} → {1} · {2} · {3}",

        ["settle.optimal"] = "用 {0} 笔转账结清所有 {1} 欠款（笔数最少）。",
        ["settle.greedy"] = "用 {0} 笔转账结清所有 {1} 欠款（大群快速方案，不一定最少）。",
        ["settle.nothing"] = "没有待结的 {0} 欠款，大家都两清了。",
        ["settle.done"] = "🤝 #{3}：{0} 笔 {2} 欠款合并为 {1} 笔转账，每个人的余额不变。",

        ["payment.confirmed"] = "✅ {0} 已付给 {1} {2}，用于 {3}（#{4}）。",
        ["payment.claimed"] = "🕓 {0} 表示已付给 {1} {2}（#{3}）。{1}，收到后请在卡片上点「✔ 已收到」。",
        ["payment.not-received"] = "↩ {0} 未收到 {2} 的 {1}（#{3}），欠款重新待付。",
        ["payment.late"] = "⚠️ {0} 的一笔 {1} 付款到账时，该欠款已{2}（#{4}）。{3}，请退款或手动记录。",

        ["flow.cancelled"] = "❌ #{0} 已被 {1} 取消。未付的欠款作废，已付的保留。",

        ["balance.title"] = "📊 余额（+ 为应收，− 为应付）",
        ["balance.empty"] = "还没有欠款。试试 /split 90 EUR 晚饭 @bob @carol",
        ["balance.hint"] = "/settle 可把所有欠款合并为最少的转账。",

        ["history.title"] = "🗂 最近记录",
        ["history.empty"] = "还没有记录。试试 /split 90 EUR 晚饭 @bob @carol",
        ["history.line"] = "#{0} {1} {2} · {3} · {4} · 发起人 {5}",
        ["history.payment"] = "💳 #{0}：{2} 付给 {1} {3}",

        ["export.caption"] = "账本导出：共 {0} 条分录。",

        ["verify.not-fair-flow"] = "#{0} 不是红包或抽奖。",
        ["verify.not-yet"] = "#{0} 结束后才公开种子。承诺值为 {1}。",
        ["verify.title"] = "🔍 验证 #{0} · 种子 {1}",
        ["verify.commitment-ok"] = "✓ SHA-256(种子) = {0}，与开始时公布的承诺一致。",
        ["verify.commitment-bad"] = "✗ SHA-256(种子) 与承诺 {0} 不一致。",
        ["verify.ok"] = "每个金额都由种子和领取顺序算出。",
        ["verify.mismatch"] = "⚠️ 有数据与种子不符。",
        ["verify.how"] = "第 i 次抽取 = HMAC-SHA256(种子, \"{0}|i\") 取 64 位整数，拒绝采样到范围内；红包使用二倍均值法。",

        ["payme.saved"] = "已保存：{0} 通过 {1} 收款，账号 {2}。",

        ["settings.show"] = "⚙️ 设置\n货币 currency：{0}\n支付方式 provider：{1}\n谁能发起 who-can-start：{2}\n上限 max-amount：{3}\n语言 language：{4}\n提醒 reminders：{5}\n管理员 admins：{6}",
        ["settings.saved"] = "⚙️ {0} 已设为 {1}。",
        ["settings.bad-value"] = "“{1}”不是 {0} 的有效值。例如：{2}",
        ["settings.provider-telegram-only"] = "Telegram 账单只能在 Telegram 聊天中使用。这里请选择 sandbox、stripe 或 p2p：/settings provider p2p",
        ["settings.provider-not-configured"] = "此机器人尚未配置 {0}：需要运营者先设置 {1}。这里可用：{2}。",
        ["settings.admin-added"] = "{0} 现在是管理员。",
        ["settings.admin-removed"] = "{0} 不再是管理员。",
        ["settings.admin-unknown"] = "还没在本群见过 {0}，请他先发一句话。",

        ["error.internal"] = "抱歉，出了点问题，没有任何改动。请再试一次。",

        ["start.greeting"] = "👋 {0} 你好！我是 GroupPay：分账、群收款、发红包，并记录本群的余额。\n试试 /split 90 EUR 晚饭 @bob @carol，或发送 /help 查看全部命令。",
        ["help.all"] = """
            GroupPay 命令
            /split 90 EUR 晚饭 @bob @carol — 你付了账，他们各付份额（@bob=30、@bob=25%、@bob*2、@me*0）
            /split 90 EUR 晚饭 — 大家点「加入」，你点「截止」
            /collect 20 EUR 会费 @bob @carol by 2030-12-31 — 向每人收 20
            /lottery 10 EUR 3 新年快乐 — 3 个拼手气红包
            /raffle 5 EUR 演唱会 — 加入买票，然后开奖
            /transfer @bob 25 EUR 门票 — 你付给 Bob（也可 /pay）
            /request @bob 25 EUR 门票 — 向 Bob 收款
            /balance · /settle [货币] · /history [n] · /export
            /cancel #12 · /verify #12 · /payme paypal 你的名字
            /settings（管理员）· /help split
            """,
        ["help.split"] = "/split <金额> [货币] [说明] [@成员…]\n你付了账，每人付自己的份额。@bob=30 指定金额，@bob=25% 指定比例，@bob*2 指定权重；@me*0 表示不算你。不 @ 人时，大家点「加入」，你点「截止」。",
        ["help.collect"] = "/collect <金额> [货币] [说明] [@成员…] [by YYYY-MM-DD]\n向每个被 @ 的人或点「加入」的人收取该金额。「提醒」会催还没付的人。",
        ["help.lottery"] = "/lottery <金额> [货币] <个数> [说明]\n拼手气红包：前 <个数> 个点「抢」的人各得随机金额。结果可验证：结束后用 /verify #n。",
        ["help.raffle"] = "/raffle <票价> [货币] [说明]\n大家加入，发起人点「开奖」，其他人各付中奖者一张票价。",
        ["help.transfer"] = "/transfer @用户 <金额> [货币] [说明]\n你付钱给 @用户，会发出付款链接。别名：/pay",
        ["help.pay"] = "/pay @用户 <金额> [货币] [说明]\n你付钱给 @用户，会发出付款链接。",
        ["help.request"] = "/request @用户 <金额> [货币] [说明]\n请 @用户 付钱给你；对方可付款或拒绝。",
        ["help.settle"] = "/settle [货币]\n把所有待付欠款合并为最少的转账，每个人的余额不变。",
        ["help.balance"] = "/balance\n按货币显示谁应收（+）谁应付（−）。",
        ["help.settings"] = "/settings — 查看\n/settings currency CNY · provider sandbox|stripe|telegram|p2p · who-can-start everyone|admins · max-amount 500 · language en|zh · reminders off|daily · admins add|remove @用户",
        ["help.payme"] = "/payme paypal|revolut|upi|iban <账号>\n设置你通过个人链接收款的账号。",
    };
}
