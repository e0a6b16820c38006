using System.Security.Cryptography;
using System.Text;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using Npgsql;
using NpgsqlTypes;

namespace GroupPay.BotHost.Storage;

/// <summary>
/// The store for several hosts sharing one PostgreSQL database. Records are jsonb beside the columns a query needs,
/// as in LiteDB. A turn is one transaction; flows and chats are version-checked and dedupe keys, journal sequences
/// and tokens sit under unique constraints, so a second writer always surfaces as <see cref="ConcurrencyException"/>.
/// Turns of one chat are serialised across hosts by a session advisory lock held on its own connection for the turn;
/// due flows and outbox chats are claimed with <c>FOR UPDATE SKIP LOCKED</c> and a lease that a crashed host's
/// claims outlive only briefly. See docs/decisions/0002-postgres-scale-out.md.
/// </summary>
public sealed class PostgresStore : IGroupPayStore, IAsyncDisposable, IDisposable
{
    /// <summary>Advisory lock key of the schema migration (chat keys hash elsewhere in the 64-bit space).</summary>
    private const long MigrationLockKey = 0x4772_6F75_7050_6179;
    private const string UniqueViolation = "23505";

    private readonly NpgsqlDataSource dataSource;
    private readonly TimeSpan lease;
    private readonly SemaphoreSlim lockSlots;

    public PostgresStore(string connectionString, TimeSpan? claimLease = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        dataSource = NpgsqlDataSource.Create(builder);
        lease = claimLease ?? TimeSpan.FromSeconds(60);
        // A chat lock holds a pooled connection while the turn queries on others; capping lock holders at half the
        // pool keeps a burst of chats from taking every connection and waiting for one forever.
        lockSlots = new SemaphoreSlim(Math.Max(1, builder.MaxPoolSize / 2));
    }

    /// <summary>The connection pool, for the host's side stores (payment records, channel directories) in the same database.</summary>
    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>Who claims due flows and outbox chats: one name per process and store.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>The schema version this build writes; <see cref="MigrateAsync"/> brings a database up to it.</summary>
    public static int SchemaVersion => Migrations[^1].Version;

    /// <summary>Opens the store and applies every migration the database lacks.</summary>
    public static async Task<PostgresStore> OpenAsync(string connectionString, TimeSpan? claimLease = null, CancellationToken ct = default)
    {
        var store = new PostgresStore(connectionString, claimLease);
        try
        {
            await store.MigrateAsync(ct);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Applies the migrations not yet recorded in <c>schema_migrations</c>, each in its own transaction, under an
    /// advisory lock so that two hosts starting together apply each one once.
    /// </summary>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(@k)", ct, ("k", MigrationLockKey));
        try
        {
            await ExecuteAsync(connection, null,
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", ct);
            var applied = new HashSet<int>();
            await using (var read = new NpgsqlCommand("SELECT version FROM schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            foreach (var (version, sql) in Migrations.Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await ExecuteAsync(connection, transaction, sql, ct);
                await ExecuteAsync(connection, transaction, "INSERT INTO schema_migrations (version) VALUES (@v)", ct, ("v", version));
                await transaction.CommitAsync(ct);
            }
        }
        finally
        {
            await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(@k)", CancellationToken.None, ("k", MigrationLockKey));
        }
    }

    public async Task<bool> IsProcessedAsync(string dedupeKey, CancellationToken ct = default) =>
        await ScalarAsync("SELECT EXISTS (SELECT 1 FROM dedupe WHERE key = @k)", ct, ("k", dedupeKey)) is true;

    /// <summary>In deletes of 10,000 rows (found through the block-range index on the time), so no one statement runs long.</summary>
    public async Task<int> ForgetProcessedAsync(DateTimeOffset before, CancellationToken ct = default)
    {
        const int batch = 10_000;
        var forgotten = 0;
        while (true)
        {
            var deleted = await ExecuteAsync(
                "DELETE FROM dedupe WHERE key IN (SELECT key FROM dedupe WHERE at < @c LIMIT @n)", ct, ("c", before.ToUniversalTime()), ("n", batch));
            forgotten += deleted;
            if (deleted < batch)
            {
                return forgotten;
            }
        }
    }

    public Task<ChatRecord?> LoadChatAsync(string chatKey, CancellationToken ct = default) =>
        SingleAsync<ChatRecord>("SELECT data FROM chats WHERE key = @k", ct, ("k", chatKey));

    public Task<FlowRecord?> LoadFlowAsync(string chatKey, int number, CancellationToken ct = default) =>
        SingleAsync<FlowRecord>("SELECT data FROM flows WHERE id = @id", ct, ("id", FlowRecord.MakeId(chatKey, number)));

    public async Task<IReadOnlyList<FlowRecord>> LoadFlowsAsync(string chatKey, IReadOnlyCollection<int> numbers, CancellationToken ct = default) =>
        numbers.Count == 0 ? [] : await ListAsync<FlowRecord>(
            "SELECT data FROM flows WHERE chat_key = @c AND num = ANY(@n)", ct, ("c", chatKey), ("n", numbers.ToArray()));

    public Task<IReadOnlyList<FlowRecord>> RecentFlowsAsync(string chatKey, int count, bool openOnly, CancellationToken ct = default) =>
        ListAsync<FlowRecord>(
            "SELECT data FROM flows WHERE chat_key = @c AND (open OR NOT @openOnly) ORDER BY num DESC LIMIT @n",
            ct, ("c", chatKey), ("openOnly", openOnly), ("n", (long)count));

    public Task<IReadOnlyList<FlowRecord>> DueFlowsAsync(DateTimeOffset now, int max, CancellationToken ct = default) =>
        ListAsync<FlowRecord>("SELECT data FROM flows WHERE due_at <= @now ORDER BY due_at LIMIT @n", ct, ("now", now.ToUniversalTime()), ("n", max));

    public Task<IReadOnlyList<FlowRecord>> ClaimDueFlowsAsync(DateTimeOffset now, int max, CancellationToken ct = default) =>
        ListAsync<FlowRecord>(
            """
            UPDATE flows SET due_owner = @owner, due_lease_until = now() + @lease
            WHERE id IN (
                SELECT id FROM flows
                WHERE due_at <= @now AND (due_lease_until IS NULL OR due_lease_until < now())
                ORDER BY due_at LIMIT @n
                FOR UPDATE SKIP LOCKED)
            RETURNING data
            """,
            ct, ("owner", Owner), ("lease", lease), ("now", now.ToUniversalTime()), ("n", max));

    public Task<Obligation?> LoadObligationAsync(string id, CancellationToken ct = default) =>
        SingleAsync<Obligation>("SELECT data FROM obligations WHERE id = @id", ct, ("id", id));

    public async Task<IReadOnlyList<Obligation>> LoadObligationsAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default) =>
        ids.Count == 0 ? [] : await ListAsync<Obligation>("SELECT data FROM obligations WHERE id = ANY(@ids)", ct, ("ids", ids.ToArray()));

    public Task<Obligation?> FindObligationByPayTokenAsync(string payToken, CancellationToken ct = default) =>
        SingleAsync<Obligation>("SELECT data FROM obligations WHERE pay_token = @t", ct, ("t", payToken));

    public Task<IReadOnlyList<Obligation>> ObligationsAsync(string chatKey, int? flowNumber, bool openOnly, CancellationToken ct = default) =>
        ListAsync<Obligation>(
            """
            SELECT data FROM obligations
            WHERE chat_key = @c AND (open OR NOT @openOnly) AND (@flow::integer IS NULL OR flow_num = @flow::integer)
            ORDER BY ordinal
            """,
            ct, ("c", chatKey), ("openOnly", openOnly), ("flow", (object?)flowNumber ?? DBNull.Value));

    public Task<IReadOnlyList<JournalEntry>> JournalAsync(string chatKey, CancellationToken ct = default) => JournalAfterAsync(chatKey, 0, ct);

    public Task<IReadOnlyList<JournalEntry>> JournalAfterAsync(string chatKey, long afterSequence, CancellationToken ct = default) =>
        ListAsync<JournalEntry>("SELECT data FROM journal WHERE chat_key = @c AND seq > @s ORDER BY seq", ct, ("c", chatKey), ("s", afterSequence));

    public Task<ButtonToken?> LoadTokenAsync(string token, CancellationToken ct = default) =>
        SingleAsync<ButtonToken>("SELECT data FROM tokens WHERE token = @t", ct, ("t", token));

    public async Task CommitAsync(TurnCommit commit, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            if (await ExecuteAsync(connection, transaction, "INSERT INTO dedupe (key) VALUES (@k) ON CONFLICT DO NOTHING", ct, ("k", commit.DedupeKey)) == 0)
            {
                throw new ConcurrencyException($"Turn {commit.DedupeKey} was already committed.");
            }

            if (commit.ChatChanged)
            {
                var chat = commit.Chat;
                var expected = chat.Version;
                chat.Version = expected + 1;
                await SaveVersionedAsync(connection, transaction, chat.Key, expected,
                    "INSERT INTO chats (key, version, data) VALUES (@id, @v, @d) ON CONFLICT DO NOTHING",
                    "UPDATE chats SET version = @v, data = @d WHERE key = @id AND version = @expected",
                    ct, ("d", Json(chat)));
            }

            foreach (var flow in commit.Flows)
            {
                var expected = flow.Version;
                flow.Version = expected + 1;
                var due = flow.IsOpen && flow.DueAt is { } at ? (object)at.ToUniversalTime() : DBNull.Value;
                await SaveVersionedAsync(connection, transaction, flow.Id, expected,
                    """
                    INSERT INTO flows (id, chat_key, num, open, due_at, version, data)
                    VALUES (@id, @chat, @num, @open, @due, @v, @d) ON CONFLICT DO NOTHING
                    """,
                    """
                    UPDATE flows SET open = @open, due_at = @due, version = @v, data = @d, due_owner = NULL, due_lease_until = NULL
                    WHERE id = @id AND version = @expected
                    """,
                    ct, ("chat", flow.ChatKey), ("num", flow.Number), ("open", flow.IsOpen), ("due", due), ("d", Json(flow)));
            }

            foreach (var obligation in commit.Obligations)
            {
                await ExecuteAsync(connection, transaction,
                    """
                    INSERT INTO obligations (id, chat_key, flow_num, open, pay_token, data) VALUES (@id, @c, @f, @open, @t, @d)
                    ON CONFLICT (id) DO UPDATE SET open = excluded.open, data = excluded.data
                    """,
                    ct, ("id", obligation.Id), ("c", obligation.ChatKey), ("f", obligation.FlowNumber), ("open", obligation.IsOpen),
                    ("t", obligation.PayToken), ("d", Json(obligation)));
            }

            foreach (var entry in commit.Entries)
            {
                await ExecuteAsync(connection, transaction, "INSERT INTO journal (chat_key, seq, data) VALUES (@c, @s, @d)", ct,
                    ("c", entry.ChatKey), ("s", entry.Sequence), ("d", Json(entry)));
            }

            foreach (var token in commit.Tokens)
            {
                await ExecuteAsync(connection, transaction, "INSERT INTO tokens (token, chat_key, data) VALUES (@t, @c, @d)", ct,
                    ("t", token.Token), ("c", token.ChatKey), ("d", Json(token)));
            }

            foreach (var item in commit.Outbox)
            {
                item.Id = (long)(await ScalarAsync(connection, transaction,
                    "INSERT INTO outbox (chat_key, data) VALUES (@c, @d) RETURNING id", ct, ("c", item.ChatKey), ("d", Json(item))))!;
                await ExecuteAsync(connection, transaction, "INSERT INTO outbox_chats (chat_key) VALUES (@c) ON CONFLICT DO NOTHING", ct,
                    ("c", item.ChatKey));
            }

            await transaction.CommitAsync(ct);
        }
        catch (PostgresException exception) when (exception.SqlState is UniqueViolation or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
        {
            throw new ConcurrencyException($"Turn {commit.DedupeKey} raced another writer ({exception.SqlState}: {exception.ConstraintName}).");
        }
    }

    public async Task<IReadOnlyList<OutboxItem>> PendingOutboxAsync(int max, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await ReadOutboxAsync(connection, "SELECT id, data FROM outbox WHERE NOT delivered ORDER BY id LIMIT @n", ct, ("n", max));
    }

    public async Task<IReadOnlyList<OutboxItem>> ClaimOutboxAsync(int max, Func<string, bool>? busy = null, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var chats = new List<string>();
        await using (var claim = Command(connection, null,
            """
            WITH claimable AS (
                SELECT c.chat_key FROM outbox_chats c
                WHERE (c.lease_until IS NULL OR c.lease_until < now() OR c.lease_owner = @owner)
                  AND EXISTS (SELECT 1 FROM outbox o WHERE o.chat_key = c.chat_key AND NOT o.delivered)
                LIMIT @n
                FOR UPDATE OF c SKIP LOCKED)
            UPDATE outbox_chats c SET lease_owner = @owner, lease_until = now() + @lease
            FROM claimable WHERE c.chat_key = claimable.chat_key
            RETURNING c.chat_key
            """,
            ("owner", Owner), ("lease", lease), ("n", max)))
        await using (var reader = await claim.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                chats.Add(reader.GetString(0));
            }
        }

        // The busy chats' leases were renewed above; their items are being delivered already, so they are not read again.
        if (busy is not null)
        {
            chats.RemoveAll(chat => busy(chat));
        }

        if (chats.Count == 0)
        {
            return [];
        }

        return await ReadOutboxAsync(connection, "SELECT id, data FROM outbox WHERE chat_key = ANY(@chats) AND NOT delivered ORDER BY id LIMIT @n",
            ct, ("chats", chats.ToArray()), ("n", max));
    }

    public async Task ReleaseOutboxChatAsync(string chatKey, CancellationToken ct = default) =>
        await ExecuteAsync("UPDATE outbox_chats SET lease_owner = NULL, lease_until = NULL WHERE chat_key = @c AND lease_owner = @owner", ct,
            ("c", chatKey), ("owner", Owner));

    public async Task MarkDeliveredAsync(long outboxId, CancellationToken ct = default) =>
        await ExecuteAsync("UPDATE outbox SET delivered = true, delivered_at = now() WHERE id = @id", ct, ("id", outboxId));

    public async Task<string?> LoadCardRefAsync(string chatKey, string cardKey, CancellationToken ct = default) =>
        await ScalarAsync("SELECT message_ref FROM card_refs WHERE chat_key = @c AND card_key = @k", ct, ("c", chatKey), ("k", cardKey)) as string;

    public async Task SaveCardRefAsync(string chatKey, string cardKey, string messageRef, CancellationToken ct = default) =>
        await ExecuteAsync(
            """
            INSERT INTO card_refs (chat_key, card_key, message_ref) VALUES (@c, @k, @r)
            ON CONFLICT (chat_key, card_key) DO UPDATE SET message_ref = excluded.message_ref
            """,
            ct, ("c", chatKey), ("k", cardKey), ("r", messageRef));

    public async Task<IReadOnlyList<string>> ChatKeysAsync(CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = Command(connection, null, "SELECT key FROM chats ORDER BY key");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var keys = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    public async Task<bool> PingAsync(CancellationToken ct = default) => await ScalarAsync("SELECT 1", ct) is 1;

    public async Task<IAsyncDisposable> LockChatAsync(string chatKey, CancellationToken ct = default)
    {
        await lockSlots.WaitAsync(ct);
        NpgsqlConnection? connection = null;
        try
        {
            connection = await dataSource.OpenConnectionAsync(ct);
            var key = ChatLockKey(chatKey);
            await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(@k)", ct, ("k", key));
            return new ChatLock(connection, key, lockSlots);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            lockSlots.Release();
            throw;
        }
    }

    /// <summary>
    /// Copies a whole database (see <see cref="LiteDbStore.Export"/>) into this one in one transaction, keeping
    /// versions, sequences and outbox ids. Refuses a database that already holds chats or turns.
    /// </summary>
    public async Task ImportAsync(StoreSnapshot snapshot, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await ScalarAsync(connection, transaction, "SELECT EXISTS (SELECT 1 FROM chats) OR EXISTS (SELECT 1 FROM dedupe)", ct) is true)
        {
            throw new InvalidOperationException("The PostgreSQL database already holds GroupPay data; migrate into an empty database.");
        }

        foreach (var chat in snapshot.Chats)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO chats (key, version, data) VALUES (@k, @v, @d)", ct,
                ("k", chat.Key), ("v", chat.Version), ("d", Json(chat)));
        }

        foreach (var flow in snapshot.Flows)
        {
            var due = flow.IsOpen && flow.DueAt is { } at ? (object)at.ToUniversalTime() : DBNull.Value;
            await ExecuteAsync(connection, transaction,
                "INSERT INTO flows (id, chat_key, num, open, due_at, version, data) VALUES (@id, @c, @n, @o, @due, @v, @d)", ct,
                ("id", flow.Id), ("c", flow.ChatKey), ("n", flow.Number), ("o", flow.IsOpen), ("due", due), ("v", flow.Version), ("d", Json(flow)));
        }

        foreach (var obligation in snapshot.Obligations)
        {
            await ExecuteAsync(connection, transaction,
                "INSERT INTO obligations (id, chat_key, flow_num, open, pay_token, data) VALUES (@id, @c, @f, @o, @t, @d)", ct,
                ("id", obligation.Id), ("c", obligation.ChatKey), ("f", obligation.FlowNumber), ("o", obligation.IsOpen),
                ("t", obligation.PayToken), ("d", Json(obligation)));
        }

        foreach (var entry in snapshot.Journal)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO journal (chat_key, seq, data) VALUES (@c, @s, @d)", ct,
                ("c", entry.ChatKey), ("s", entry.Sequence), ("d", Json(entry)));
        }

        foreach (var token in snapshot.Tokens)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO tokens (token, chat_key, data) VALUES (@t, @c, @d)", ct,
                ("t", token.Token), ("c", token.ChatKey), ("d", Json(token)));
        }

        foreach (var (key, at) in snapshot.DedupeKeys)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO dedupe (key, at) VALUES (@k, @at)", ct, ("k", key), ("at", at.ToUniversalTime()));
        }

        foreach (var (item, delivered) in snapshot.Outbox)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO outbox (id, chat_key, delivered, data) VALUES (@id, @c, @del, @d)", ct,
                ("id", item.Id), ("c", item.ChatKey), ("del", delivered), ("d", Json(item)));
            await ExecuteAsync(connection, transaction, "INSERT INTO outbox_chats (chat_key) VALUES (@c) ON CONFLICT DO NOTHING", ct, ("c", item.ChatKey));
        }

        await ExecuteAsync(connection, transaction,
            "SELECT setval(pg_get_serial_sequence('outbox', 'id'), GREATEST((SELECT max(id) FROM outbox), 1))", ct);
        foreach (var (chatKey, cardKey, messageRef) in snapshot.CardRefs)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO card_refs (chat_key, card_key, message_ref) VALUES (@c, @k, @r)", ct,
                ("c", chatKey), ("k", cardKey), ("r", messageRef));
        }

        await transaction.CommitAsync(ct);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    public void Dispose() => dataSource.Dispose();

    /// <summary>A stable 64-bit advisory lock key per chat; a collision only makes two chats take turns.</summary>
    private static long ChatLockKey(string chatKey) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("chat:" + chatKey)), 0);

    private static NpgsqlParameter Json(object value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = StoreJson.Write(value) };

    private async Task SaveVersionedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string id, long expected,
        string insertSql, string updateSql, CancellationToken ct, params (string Name, object Value)[] columns)
    {
        (string, object)[] parameters = [("id", id), ("v", expected + 1), ("expected", expected), .. columns];
        if (await ExecuteAsync(connection, transaction, expected == 0 ? insertSql : updateSql, ct, parameters) == 0)
        {
            throw new ConcurrencyException($"{id} changed under this turn (expected version {expected}).");
        }
    }

    private async Task<IReadOnlyList<OutboxItem>> ReadOutboxAsync(
        NpgsqlConnection connection, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var items = new List<OutboxItem>();
        while (await reader.ReadAsync(ct))
        {
            var item = StoreJson.Read<OutboxItem>(reader.GetString(1));
            item.Id = reader.GetInt64(0);
            items.Add(item);
        }

        return items;
    }

    private async Task<T?> SingleAsync<T>(string sql, CancellationToken ct, params (string Name, object Value)[] parameters) where T : class =>
        await ScalarAsync(sql, ct, parameters) is string json ? StoreJson.Read<T>(json) : null;

    private async Task<IReadOnlyList<T>> ListAsync<T>(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(StoreJson.Read<T>(reader.GetString(0)));
        }

        return result;
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await ScalarAsync(connection, null, sql, ct, parameters);
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await ExecuteAsync(connection, null, sql, ct, parameters);
    }

    private static async Task<object?> ScalarAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(ct);
        return value is DBNull ? null : value;
    }

    private static async Task<int> ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            if (value is NpgsqlParameter parameter)
            {
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }
            else
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        return command;
    }

    /// <summary>
    /// Schema versions, oldest first. Never edit a released one: add the next. Each runs in one transaction.
    /// </summary>
    private static readonly (int Version, string Sql)[] Migrations =
    [
        (1, """
            CREATE TABLE chats (
                key text PRIMARY KEY,
                version bigint NOT NULL,
                data jsonb NOT NULL);
            CREATE TABLE flows (
                id text PRIMARY KEY,
                chat_key text NOT NULL,
                num integer NOT NULL,
                open boolean NOT NULL,
                due_at timestamptz,
                version bigint NOT NULL,
                data jsonb NOT NULL,
                due_owner text,
                due_lease_until timestamptz,
                UNIQUE (chat_key, num));
            CREATE INDEX flows_due ON flows (due_at) WHERE due_at IS NOT NULL;
            CREATE TABLE obligations (
                id text PRIMARY KEY,
                ordinal bigint GENERATED ALWAYS AS IDENTITY,
                chat_key text NOT NULL,
                flow_num integer NOT NULL,
                open boolean NOT NULL,
                pay_token text NOT NULL UNIQUE,
                data jsonb NOT NULL);
            CREATE INDEX obligations_chat ON obligations (chat_key, flow_num);
            CREATE TABLE journal (
                chat_key text NOT NULL,
                seq bigint NOT NULL,
                data jsonb NOT NULL,
                PRIMARY KEY (chat_key, seq));
            CREATE TABLE tokens (
                token text PRIMARY KEY,
                chat_key text NOT NULL,
                data jsonb NOT NULL);
            CREATE TABLE dedupe (
                key text PRIMARY KEY,
                at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE outbox (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                chat_key text NOT NULL,
                delivered boolean NOT NULL DEFAULT false,
                delivered_at timestamptz,
                data jsonb NOT NULL);
            CREATE INDEX outbox_pending ON outbox (chat_key, id) WHERE NOT delivered;
            CREATE TABLE outbox_chats (
                chat_key text PRIMARY KEY,
                lease_owner text,
                lease_until timestamptz);
            CREATE TABLE card_refs (
                chat_key text NOT NULL,
                card_key text NOT NULL,
                message_ref text NOT NULL,
                PRIMARY KEY (chat_key, card_key));
            """),
        (2, """
            CREATE TABLE payment_attempts (
                id text PRIMARY KEY,
                obligation_id text NOT NULL,
                provider text NOT NULL,
                ref text NOT NULL,
                unsettled boolean NOT NULL,
                created_at timestamptz NOT NULL,
                data jsonb NOT NULL);
            CREATE INDEX payment_attempts_obligation ON payment_attempts (obligation_id, provider);
            CREATE INDEX payment_attempts_ref ON payment_attempts (ref);
            CREATE INDEX payment_attempts_unsettled ON payment_attempts (provider, created_at) WHERE unsettled;
            CREATE TABLE payment_events (
                key text PRIMARY KEY,
                at timestamptz NOT NULL);
            CREATE INDEX payment_events_at ON payment_events (at);
            CREATE TABLE botframework_conversations (
                id text PRIMARY KEY,
                data jsonb NOT NULL);
            CREATE TABLE botframework_members (
                user_id text PRIMARY KEY,
                n bigint GENERATED ALWAYS AS IDENTITY UNIQUE);
            """),
        (3, """
            CREATE TABLE telegram_state (
                key text PRIMARY KEY,
                value text NOT NULL);
            CREATE TABLE playground_groups (
                id text PRIMARY KEY,
                data jsonb NOT NULL);
            CREATE TABLE playground_messages (
                id text PRIMARY KEY,
                group_id text NOT NULL,
                seq bigint NOT NULL,
                data jsonb NOT NULL);
            CREATE INDEX playground_messages_group ON playground_messages (group_id, seq);
            """),
        (4, """
            CREATE INDEX dedupe_at ON dedupe USING brin (at);
            """),
    ];

    private sealed class ChatLock(NpgsqlConnection connection, long key, SemaphoreSlim slots) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(@k)", CancellationToken.None, ("k", key));
            }
            catch (NpgsqlException)
            {
                // The turn's outcome is already decided. A connection that broke lost the lock with its session; one
                // returned to the pool is reset (DISCARD ALL, which releases advisory locks) before reuse.
            }
            finally
            {
                await connection.DisposeAsync();
                slots.Release();
            }
        }
    }
}
