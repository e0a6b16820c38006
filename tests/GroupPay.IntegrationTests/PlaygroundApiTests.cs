using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace GroupPay.IntegrationTests;

public sealed class PlaygroundApiTests
{
    [Fact]
    public async Task Groups_members_and_messages_through_the_playground_api()
    {
        await using var host = TestHost.Start();
        using var client = host.Client();

        using var created = await client.PostAsJsonAsync("/api/playground/groups", new { name = "Flat 3B" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var group = await Json(created);
        var groupId = group.GetProperty("id").GetString()!;
        Assert.Equal($"playground:{groupId}", group.GetProperty("chatKey").GetString());
        var members = group.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(["Alice", "Bob", "Carol", "Dave"], members.Select(m => m.GetProperty("name").GetString()));
        Assert.Equal([true, false, false, false], members.Select(m => m.GetProperty("isAdmin").GetBoolean()));
        var alice = members[0].GetProperty("id").GetString()!;

        using var added = await client.PostAsJsonAsync($"/api/playground/groups/{groupId}/members", new { name = "Erin" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var erin = (await Json(added)).GetProperty("id").GetString()!;
        using var twice = await client.PostAsJsonAsync($"/api/playground/groups/{groupId}/members", new { name = "erin" });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        using var renamed = await client.PutAsJsonAsync($"/api/playground/groups/{groupId}/members/{erin}", new { name = "Erin Quinn" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("erin_quinn", (await Json(renamed)).GetProperty("username").GetString());
        using var tooLong = await client.PostAsJsonAsync($"/api/playground/groups/{groupId}/members", new { name = new string('x', 33) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);

        using var chatter = await client.PostAsJsonAsync($"/api/playground/groups/{groupId}/messages", new { memberId = alice, text = "see you at eight" });
        Assert.Equal(HttpStatusCode.Created, chatter.StatusCode);
        using var split = await client.PostAsJsonAsync($"/api/playground/groups/{groupId}/messages", new { memberId = alice, text = "/split 40 EUR Pizza @bob @erin_quinn" });
        Assert.Equal(HttpStatusCode.Created, split.StatusCode);
        var card = await WaitForAsync(client, groupId, m => m.GetProperty("kind").GetString() == "card");
        Assert.Contains("Erin Quinn owes 13.3", card.GetProperty("card").GetProperty("lines").ToString());

        using var empty = await client.PostAsJsonAsync($"/api/playground/groups/{groupId}/messages", new { memberId = alice, text = "  " });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        using var malformed = await client.PostAsync($"/api/playground/groups/{groupId}/messages", new StringContent("{\"memberId\":", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.DoesNotContain("Exception", await malformed.Content.ReadAsStringAsync());
        using var stranger = await client.PostAsJsonAsync($"/api/playground/groups/{groupId}/messages", new { memberId = "nobody", text = "/balance" });
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        foreach (var unknown in new[] { "/api/playground/groups/no-such-group", "/api/playground/groups/no-such-group/messages", "/api/playground/groups/no-such-group/events" })
        {
            using var response = await client.GetAsync(unknown);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using var unknownSend = await client.PostAsJsonAsync("/api/playground/groups/no-such-group/messages", new { memberId = alice, text = "/balance" });
        Assert.Equal(HttpStatusCode.NotFound, unknownSend.StatusCode);
        using var pressed = await client.PostAsJsonAsync($"/api/playground/groups/{groupId}/presses", new { memberId = alice, token = "forged-token" });
        Assert.Equal("This button is no longer valid.", (await Json(pressed)).GetProperty("text").GetString());
    }

    [Fact]
    public async Task After_a_restart_the_bots_messages_and_commands_are_there_and_plain_chatter_is_not()
    {
        await using var host = TestHost.Start();
        using var client = host.Client();
        using var created = await client.PostAsJsonAsync("/api/playground/groups", new { name = "Trip" });
        var group = await Json(created);
        var groupId = group.GetProperty("id").GetString()!;
        var alice = group.GetProperty("members")[0].GetProperty("id").GetString()!;
        var bob = group.GetProperty("members")[1].GetProperty("id").GetString()!;
        await client.PostAsJsonAsync($"/api/playground/groups/{groupId}/messages", new { memberId = alice, text = "my PIN is 1234" });
        await client.PostAsJsonAsync($"/api/playground/groups/{groupId}/messages", new { memberId = alice, text = "/split 30 EUR Taxi" });
        var card = await WaitForAsync(client, groupId, m => m.GetProperty("kind").GetString() == "card");
        var join = card.GetProperty("card").GetProperty("buttons").EnumerateArray().SelectMany(r => r.EnumerateArray())
            .First(b => b.GetProperty("label").GetString()!.Contains("Join", StringComparison.Ordinal)).GetProperty("value").GetString();
        using var joined = await client.PostAsJsonAsync($"/api/playground/groups/{groupId}/presses", new { memberId = bob, token = join });
        Assert.Equal("You joined #1.", (await Json(joined)).GetProperty("text").GetString());
        await WaitForAsync(client, groupId, m => m.GetProperty("edited").GetBoolean() && m.GetProperty("card").ToString().Contains("Bob", StringComparison.Ordinal));

        await host.RestartAsync();
        using var after = host.Client();

        var messages = await MessagesAsync(after, groupId);
        Assert.DoesNotContain(messages, m => m.GetProperty("text").GetString() == "my PIN is 1234");
        Assert.Contains(messages, m => m.GetProperty("text").GetString() == "/split 30 EUR Taxi");
        var kept = Assert.Single(messages, m => m.GetProperty("kind").GetString() == "card");
        Assert.Equal(card.GetProperty("id").GetString(), kept.GetProperty("id").GetString());
        Assert.Contains("Bob", kept.GetProperty("card").GetProperty("lines").ToString());
        Assert.Equal("Trip", (await Json(await after.GetAsync($"/api/playground/groups/{groupId}"))).GetProperty("name").GetString());
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    private static async Task<List<JsonElement>> MessagesAsync(HttpClient client, string groupId) =>
        JsonDocument.Parse(await client.GetStringAsync($"/api/playground/groups/{groupId}/messages")).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();

    /// <summary>The bot answers after its turn commits, through the outbox; wait for that message to arrive.</summary>
    private static async Task<JsonElement> WaitForAsync(HttpClient client, string groupId, Func<JsonElement, bool> match)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var found = (await MessagesAsync(client, groupId)).Where(match).ToList();
            if (found.Count > 0)
            {
                return found[^1];
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The bot's message did not arrive within 5 s.");
    }
}
