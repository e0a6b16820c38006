using GroupPay.BotHost.Payments;
using GroupPay.Channels.BotFramework;
using GroupPay.Channels.Playground;
using GroupPay.Channels.Telegram;
using GroupPay.Payments.Providers;
using Npgsql;
using NpgsqlTypes;

namespace GroupPay.BotHost.Storage;

/// <summary>Payment attempts and handled gateway events in PostgreSQL, shared by every host.</summary>
public sealed class PostgresPaymentRecords(PostgresStore store) : IPaymentRecords
{
    private NpgsqlDataSource Db => store.DataSource;

    public async Task<PaymentAttempt?> LatestAttemptAsync(string obligationId, string provider, CancellationToken ct) =>
        (await ReadAsync("SELECT data FROM payment_attempts WHERE obligation_id = @o AND provider = @p", ct, ("o", obligationId), ("p", provider)))
            .MaxBy(a => a.Number);

    public async Task<PaymentAttempt?> FindAttemptAsync(string provider, string reference, CancellationToken ct) =>
        (await ReadAsync("SELECT data FROM payment_attempts WHERE ref = @r LIMIT 1", ct, ("r", $"{provider}:{reference}"))).FirstOrDefault();

    public async Task SaveAttemptAsync(PaymentAttempt attempt, CancellationToken ct)
    {
        await using var command = Db.CreateCommand("""
            INSERT INTO payment_attempts (id, obligation_id, provider, ref, unsettled, created_at, data)
            VALUES (@id, @o, @p, @r, @u, @c, @d)
            ON CONFLICT (id) DO UPDATE SET ref = EXCLUDED.ref, unsettled = EXCLUDED.unsettled, data = EXCLUDED.data
            """);
        command.Parameters.AddWithValue("id", attempt.Id);
        command.Parameters.AddWithValue("o", attempt.ObligationId);
        command.Parameters.AddWithValue("p", attempt.Provider);
        command.Parameters.AddWithValue("r", $"{attempt.Provider}:{attempt.Reference}");
        command.Parameters.AddWithValue("u", attempt.IsUnsettled);
        command.Parameters.AddWithValue("c", attempt.CreatedAt.UtcDateTime);
        command.Parameters.Add(new NpgsqlParameter("d", NpgsqlDbType.Jsonb) { Value = StoreJson.Write(attempt) });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<PaymentAttempt>> UnsettledAttemptsAsync(string provider, DateTimeOffset createdBefore, int max, CancellationToken ct) =>
        await ReadAsync("SELECT data FROM payment_attempts WHERE unsettled AND provider = @p AND created_at <= @c ORDER BY created_at LIMIT @m", ct,
            ("p", provider), ("c", createdBefore.UtcDateTime), ("m", max));

    public async Task<bool> IsEventHandledAsync(string provider, string eventId, CancellationToken ct)
    {
        await using var command = Db.CreateCommand("SELECT 1 FROM payment_events WHERE key = @k");
        command.Parameters.AddWithValue("k", $"{provider}:{eventId}");
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    public async Task MarkEventHandledAsync(string provider, string eventId, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = Db.CreateCommand("INSERT INTO payment_events (key, at) VALUES (@k, @a) ON CONFLICT (key) DO NOTHING");
        command.Parameters.AddWithValue("k", $"{provider}:{eventId}");
        command.Parameters.AddWithValue("a", at.UtcDateTime);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<int> ForgetEventsBeforeAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var command = Db.CreateCommand("DELETE FROM payment_events WHERE at < @c");
        command.Parameters.AddWithValue("c", cutoff.UtcDateTime);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<List<PaymentAttempt>> ReadAsync(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = new List<PaymentAttempt>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(StoreJson.Read<PaymentAttempt>(reader.GetString(0)));
        }

        return result;
    }
}

/// <summary>The Bot Framework channel's conversations and member numbers in PostgreSQL; numbers come from an identity column, so hosts never collide.</summary>
public sealed class PostgresBotFrameworkDirectory(PostgresStore store) : IBotFrameworkDirectory
{
    private NpgsqlDataSource Db => store.DataSource;

    public async Task<BotConversation?> LoadConversationAsync(string conversationId, CancellationToken ct = default)
    {
        await using var command = Db.CreateCommand("SELECT data FROM botframework_conversations WHERE id = @id");
        command.Parameters.AddWithValue("id", conversationId);
        return await command.ExecuteScalarAsync(ct) is string json ? StoreJson.Read<BotConversation>(json) : null;
    }

    public async Task SaveConversationAsync(BotConversation conversation, CancellationToken ct = default)
    {
        await using var command = Db.CreateCommand(
            "INSERT INTO botframework_conversations (id, data) VALUES (@id, @d) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data");
        command.Parameters.AddWithValue("id", conversation.Id);
        command.Parameters.Add(new NpgsqlParameter("d", NpgsqlDbType.Jsonb) { Value = StoreJson.Write(conversation) });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<long> MemberNumberAsync(string userId, CancellationToken ct = default)
    {
        await using var command = Db.CreateCommand("""
            WITH inserted AS (
                INSERT INTO botframework_members (user_id) VALUES (@u) ON CONFLICT (user_id) DO NOTHING RETURNING n)
            SELECT n FROM inserted UNION ALL SELECT n FROM botframework_members WHERE user_id = @u LIMIT 1
            """);
        command.Parameters.AddWithValue("u", userId);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}

/// <summary>The Telegram channel's small durable entries (migrated chats, chats the bot left) in PostgreSQL.</summary>
public sealed class PostgresTelegramState(PostgresStore store) : ITelegramChannelState
{
    public IEnumerable<KeyValuePair<string, string>> LoadAll()
    {
        using var command = store.DataSource.CreateCommand("SELECT key, value FROM telegram_state");
        using var reader = command.ExecuteReader();
        var entries = new List<KeyValuePair<string, string>>();
        while (reader.Read())
        {
            entries.Add(KeyValuePair.Create(reader.GetString(0), reader.GetString(1)));
        }

        return entries;
    }

    public void Put(string key, string? value)
    {
        using var command = store.DataSource.CreateCommand(value is null
            ? "DELETE FROM telegram_state WHERE key = @k"
            : "INSERT INTO telegram_state (key, value) VALUES (@k, @v) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value");
        command.Parameters.AddWithValue("k", key);
        if (value is not null)
        {
            command.Parameters.AddWithValue("v", value);
        }

        command.ExecuteNonQuery();
    }
}

/// <summary>The playground's groups and kept messages in PostgreSQL.</summary>
public sealed class PostgresPlaygroundLog(PostgresStore store) : IPlaygroundLog
{
    public async Task<IReadOnlyList<PlaygroundGroup>> GroupsAsync(CancellationToken ct = default)
    {
        await using var command = store.DataSource.CreateCommand("SELECT data FROM playground_groups ORDER BY id");
        var groups = new List<PlaygroundGroup>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            groups.Add(StoreJson.Read<PlaygroundGroup>(reader.GetString(0)));
        }

        return groups;
    }

    public async Task SaveGroupAsync(PlaygroundGroup group, CancellationToken ct = default)
    {
        await using var command = store.DataSource.CreateCommand(
            "INSERT INTO playground_groups (id, data) VALUES (@id, @d) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data");
        command.Parameters.AddWithValue("id", group.Id);
        command.Parameters.Add(new NpgsqlParameter("d", NpgsqlDbType.Jsonb) { Value = StoreJson.Write(group) });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<PlaygroundMessage>> MessagesAsync(string groupId, int max, CancellationToken ct = default)
    {
        await using var command = store.DataSource.CreateCommand(
            "SELECT data FROM (SELECT data, seq FROM playground_messages WHERE group_id = @g ORDER BY seq DESC LIMIT @m) latest ORDER BY seq");
        command.Parameters.AddWithValue("g", groupId);
        command.Parameters.AddWithValue("m", max);
        var messages = new List<PlaygroundMessage>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            messages.Add(StoreJson.Read<PlaygroundMessage>(reader.GetString(0)));
        }

        return messages;
    }

    public async Task SaveMessageAsync(PlaygroundMessage message, CancellationToken ct = default)
    {
        await using var command = store.DataSource.CreateCommand("""
            INSERT INTO playground_messages (id, group_id, seq, data) VALUES (@id, @g, @s, @d)
            ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, data = EXCLUDED.data
            """);
        command.Parameters.AddWithValue("id", $"{message.GroupId}/{message.Id}");
        command.Parameters.AddWithValue("g", message.GroupId);
        command.Parameters.AddWithValue("s", message.Sequence);
        command.Parameters.Add(new NpgsqlParameter("d", NpgsqlDbType.Jsonb) { Value = StoreJson.Write(message) });
        await command.ExecuteNonQueryAsync(ct);
    }
}
