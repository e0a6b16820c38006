using Npgsql;

namespace GroupPay.IntegrationTests.Storage;

/// <summary>
/// A fresh database per test on the PostgreSQL that scripts/test.sh starts (GROUPPAY_TEST_POSTGRES). Without that
/// variable the tests fail with a message saying how to get one: storage guarantees are not to be skipped silently.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    public const string Variable = "GROUPPAY_TEST_POSTGRES";

    private readonly string serverConnection;

    private TestPostgres(string serverConnection, string database)
    {
        this.serverConnection = serverConnection;
        Database = database;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnection) { Database = database }.ConnectionString;
    }

    public string Database { get; }
    public string ConnectionString { get; }

    public static async Task<TestPostgres> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(server))
        {
            Assert.Fail(
                $"{Variable} is not set, so the PostgreSQL storage tests cannot run. Run them through scripts/test.sh, which starts a " +
                $"throw-away PostgreSQL, or `source scripts/test-postgres.sh && start_test_postgres` before `dotnet test`" +
                (Environment.GetEnvironmentVariable("CI") == "true" ? " (this is CI: the test command must provide it)." : "."));
        }

        var database = $"gp_test_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
        await create.ExecuteNonQueryAsync();
        return new TestPostgres(server, database);
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(serverConnection);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
