using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using GroupPay.Channels.Abstractions;
using GroupPay.Dialogs.Commands;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.Channels.Playground;

/// <summary>
/// The simulated groups: their members, their transcripts and the browsers watching them. Members' actions become
/// turns through <see cref="ITurnHandler"/>; the bot's answers arrive through <see cref="PlaygroundChannel"/>, are kept
/// in <see cref="IPlaygroundLog"/> and pushed to every open page.
/// </summary>
public sealed class PlaygroundHub
{
    public const string BotUsername = "GroupPayBot";
    public const int MaxGroups = 200;
    public const int MaxMembers = 20;
    public const int MaxMemberNameLength = 32;
    public const int MaxGroupNameLength = 60;
    public const int MaxTextLength = 2000;
    public const int MaxTokenLength = 128;
    private const int KeptMessages = 300;
    private static readonly string[] StarterMembers = ["Alice", "Bob", "Carol", "Dave"];

    private readonly IPlaygroundLog log;
    private readonly ITurnHandler turns;
    private readonly TimeProvider time;
    private readonly CommandParser parser = new(code => Currency.TryGet(code, out _));
    private readonly SemaphoreSlim gate = new(1, 1);
    private Dictionary<string, GroupState>? groups;
    private long sequence;

    public PlaygroundHub(IPlaygroundLog log, ITurnHandler turns, TimeProvider time)
    {
        this.log = log;
        this.turns = turns;
        this.time = time;
    }

    public async Task<IReadOnlyList<GroupView>> GroupsAsync(CancellationToken ct) =>
        await LockedAsync(state => state.Values.OrderBy(g => g.Group.CreatedAt).Select(g => Views.Of(g.Group)).ToList(), ct);

    public async Task<GroupView?> GroupAsync(string groupId, CancellationToken ct) =>
        await LockedAsync(state => state.TryGetValue(groupId, out var g) ? Views.Of(g.Group) : null, ct);

    /// <summary>A new group with Alice (an admin), Bob, Carol and Dave, whom the bot meets at once.</summary>
    public async Task<PlaygroundResult<GroupView>> CreateGroupAsync(string? name, CancellationToken ct)
    {
        if (!TryName(name, MaxGroupNameLength, out var clean, out var error))
        {
            return PlaygroundResult<GroupView>.Invalid(error);
        }

        PlaygroundGroup group;
        await gate.WaitAsync(ct);
        try
        {
            var state = await LoadedAsync(ct);
            if (state.Count >= MaxGroups)
            {
                return PlaygroundResult<GroupView>.Conflict($"The playground holds at most {MaxGroups} groups.");
            }

            group = new PlaygroundGroup { Id = NewId(), Name = clean, CreatedAt = time.GetUtcNow() };
            foreach (var starter in StarterMembers)
            {
                group.Members.Add(new PlaygroundMember { Id = NewId(), Name = starter, Username = UsernameOf(starter, ""), IsAdmin = starter == "Alice" });
            }

            await log.SaveGroupAsync(group, ct);
            state[group.Id] = new GroupState(group);
        }
        finally
        {
            gate.Release();
        }

        foreach (var member in group.Members)
        {
            await IntroduceAsync(group, member, ct);
        }

        return PlaygroundResult<GroupView>.Ok(Views.Of(group));
    }

    public async Task<PlaygroundResult<MemberView>> AddMemberAsync(string groupId, string? name, CancellationToken ct) =>
        await ChangeMemberAsync(groupId, null, name, ct);

    public async Task<PlaygroundResult<MemberView>> RenameMemberAsync(string groupId, string memberId, string? name, CancellationToken ct) =>
        await ChangeMemberAsync(groupId, memberId, name, ct);

    public async Task<IReadOnlyList<MessageView>?> MessagesAsync(string groupId, CancellationToken ct) =>
        await LockedAsync(state => state.TryGetValue(groupId, out var g) ? g.Messages.Select(m => Views.Of(m, g.Group)).ToList() : null, ct);

    public async Task<(string FileName, string Content)?> DocumentAsync(string groupId, string messageId, CancellationToken ct) =>
        await LockedAsync(state =>
            state.TryGetValue(groupId, out var g) && g.Messages.Find(m => m.Id == messageId) is { Kind: PlaygroundMessageKind.Document } m
                ? (m.FileName ?? "document.txt", m.FileContent ?? "")
                : ((string, string)?)null, ct);

    /// <summary>A member types in the group: the line appears for everyone, then the bot gets the turn.</summary>
    public async Task<PlaygroundResult<MessageView>> SendAsync(string groupId, string memberId, string? text, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return PlaygroundResult<MessageView>.Invalid("Type a message first.");
        }

        if (text.Length > MaxTextLength)
        {
            return PlaygroundResult<MessageView>.Invalid($"A message holds at most {MaxTextLength} characters.");
        }

        // Ordinary chat text is not stored (SPEC §7): it stays in memory; commands are kept with the bot's answers.
        var isCommand = parser.Parse(text, BotUsername).IsCommand;
        PlaygroundGroup group;
        PlaygroundMember member;
        MessageView view;
        await gate.WaitAsync(ct);
        try
        {
            if (!(await LoadedAsync(ct)).TryGetValue(groupId, out var state) || state.Group.Members.Find(m => m.Id == memberId) is not { } found)
            {
                return PlaygroundResult<MessageView>.NotFound();
            }

            (group, member) = (state.Group, found);
            var message = new PlaygroundMessage
            {
                Id = "u" + NewId(), GroupId = groupId, Sequence = ++sequence, Kind = PlaygroundMessageKind.Member, MemberId = memberId, Text = text,
                At = time.GetUtcNow(),
            };
            if (isCommand)
            {
                await log.SaveMessageAsync(message, ct);
            }

            view = Add(state, message);
        }
        finally
        {
            gate.Release();
        }

        await turns.HandleAsync(new TextInbound(group.ChatKey, $"playground:{view.Id}", ActorOf(member), text, BotUsername), ct);
        return PlaygroundResult<MessageView>.Ok(view);
    }

    /// <summary>A member presses a callback button; the answer is for them alone, so it comes back as a toast.</summary>
    public async Task<PlaygroundResult<ToastView>> PressAsync(string groupId, string memberId, string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return PlaygroundResult<ToastView>.Invalid("That is not a button.");
        }

        var found = await LockedAsync(state =>
            state.TryGetValue(groupId, out var g) && g.Group.Members.Find(m => m.Id == memberId) is { } m ? (g, m) : ((GroupState, PlaygroundMember)?)null, ct);
        if (found is not var (state, member))
        {
            return PlaygroundResult<ToastView>.NotFound();
        }

        var pressId = "p" + NewId();
        var result = await turns.HandleAsync(new ButtonInbound(state.Group.ChatKey, $"playground:{pressId}", ActorOf(member), token), ct);
        var toast = new ToastView(memberId, result.Toast ?? "", pressId);
        if (result.Toast is not null)
        {
            await LockedAsync(_ => Publish(state, new PlaygroundEvent("toast", toast)), ct);
        }

        return PlaygroundResult<ToastView>.Ok(toast);
    }

    /// <summary>Live updates of one group for one page; dispose to stop them. Null for an unknown group.</summary>
    public async Task<Subscription?> SubscribeAsync(string groupId, CancellationToken ct) =>
        await LockedAsync(state =>
        {
            if (!state.TryGetValue(groupId, out var g))
            {
                return null;
            }

            var events = Channel.CreateBounded<PlaygroundEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
            g.Subscribers.Add(events);
            return new Subscription(events.Reader, () => LockedAsync(_ => g.Subscribers.Remove(events), CancellationToken.None));
        }, ct);

    /// <summary>Adds the bot's message, or replaces the one with <paramref name="existingId"/> (a card edited in place).</summary>
    internal async Task<string> DeliverAsync(string groupId, string newId, string? existingId, Func<PlaygroundMessage, PlaygroundMessage> fill, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            if (!(await LoadedAsync(ct)).TryGetValue(groupId, out var state))
            {
                // A chat key no playground page created (a test driving the engine directly): nobody can see it.
                return existingId ?? newId;
            }

            var existing = existingId is null ? null : state.Messages.Find(m => m.Id == existingId);
            if (existing is not null)
            {
                fill(existing).EditedAt = time.GetUtcNow();
                await log.SaveMessageAsync(existing, ct);
                Publish(state, new PlaygroundEvent("message-edited", Views.Of(existing, state.Group)));
                return existing.Id;
            }

            var redelivered = state.Messages.Find(m => m.Id == newId);
            var message = fill(redelivered ?? new PlaygroundMessage { Id = newId, GroupId = groupId, Sequence = ++sequence, At = time.GetUtcNow() });
            await log.SaveMessageAsync(message, ct);
            if (redelivered is null)
            {
                Add(state, message);
            }

            return message.Id;
        }
        finally
        {
            gate.Release();
        }
    }

    public static Actor ActorOf(PlaygroundMember member) => new(member.Key, member.Name, member.Username, member.IsAdmin);

    private async Task<PlaygroundResult<MemberView>> ChangeMemberAsync(string groupId, string? memberId, string? name, CancellationToken ct)
    {
        if (!TryName(name, MaxMemberNameLength, out var clean, out var error))
        {
            return PlaygroundResult<MemberView>.Invalid(error);
        }

        PlaygroundGroup group;
        PlaygroundMember member;
        await gate.WaitAsync(ct);
        try
        {
            if (!(await LoadedAsync(ct)).TryGetValue(groupId, out var state))
            {
                return PlaygroundResult<MemberView>.NotFound();
            }

            group = state.Group;
            var renamed = memberId is null ? null : group.Members.Find(m => m.Id == memberId);
            if (memberId is not null && renamed is null)
            {
                return PlaygroundResult<MemberView>.NotFound();
            }

            var id = renamed?.Id ?? NewId();
            var username = UsernameOf(clean, id);
            if (group.Members.Exists(m => m.Id != id && (m.Name.Equals(clean, StringComparison.OrdinalIgnoreCase) || m.Username == username)))
            {
                return PlaygroundResult<MemberView>.Conflict($"Someone in this group is already called {clean}.");
            }

            if (renamed is null && group.Members.Count >= MaxMembers)
            {
                return PlaygroundResult<MemberView>.Conflict($"A group holds at most {MaxMembers} members.");
            }

            member = renamed ?? new PlaygroundMember { Id = id, Name = clean, Username = username };
            (member.Name, member.Username) = (clean, username);
            if (renamed is null)
            {
                group.Members.Add(member);
            }

            await log.SaveGroupAsync(group, ct);
            Publish(state, new PlaygroundEvent("members-changed", Views.Of(group)));
        }
        finally
        {
            gate.Release();
        }

        await IntroduceAsync(group, member, ct);
        return PlaygroundResult<MemberView>.Ok(Views.Of(member));
    }

    /// <summary>
    /// Lets the bot meet a member as a platform's "member joined" update would: a turn with no text, so the engine keeps
    /// their name and username (a <c>@bob</c> named in a command then resolves to Bob) and stores nothing they said.
    /// </summary>
    private async Task IntroduceAsync(PlaygroundGroup group, PlaygroundMember member, CancellationToken ct) =>
        await turns.HandleAsync(new TextInbound(group.ChatKey, $"playground:hello:{NewId()}", ActorOf(member), "", BotUsername), ct);

    private MessageView Add(GroupState state, PlaygroundMessage message)
    {
        state.Messages.Add(message);
        if (state.Messages.Count > KeptMessages)
        {
            state.Messages.RemoveRange(0, state.Messages.Count - KeptMessages);
        }

        var view = Views.Of(message, state.Group);
        Publish(state, new PlaygroundEvent("message-added", view));
        return view;
    }

    private static bool Publish(GroupState state, PlaygroundEvent message)
    {
        foreach (var subscriber in state.Subscribers)
        {
            subscriber.Writer.TryWrite(message);
        }

        return true;
    }

    private async Task<T> LockedAsync<T>(Func<Dictionary<string, GroupState>, T> read, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            return read(await LoadedAsync(ct));
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Reads the kept groups and transcripts once, on first use; called under the gate.</summary>
    private async Task<Dictionary<string, GroupState>> LoadedAsync(CancellationToken ct)
    {
        if (groups is not null)
        {
            return groups;
        }

        var loaded = new Dictionary<string, GroupState>(StringComparer.Ordinal);
        foreach (var group in await log.GroupsAsync(ct))
        {
            var state = new GroupState(group);
            state.Messages.AddRange(await log.MessagesAsync(group.Id, KeptMessages, ct));
            sequence = Math.Max(sequence, state.Messages.Count == 0 ? 0 : state.Messages.Max(m => m.Sequence));
            loaded[group.Id] = state;
        }

        return groups = loaded;
    }

    private static bool TryName(string? name, int maxLength, out string clean, out string error)
    {
        clean = (name ?? "").Trim();
        error = "";
        if (clean.Length == 0 || clean.Length > maxLength)
        {
            error = $"A name has 1 to {maxLength} characters.";
            return false;
        }

        if (clean.Any(char.IsControl) || clean.Contains('@', StringComparison.Ordinal))
        {
            error = "A name cannot hold control characters or @.";
            return false;
        }

        return true;
    }

    /// <summary>How others mention the member: the name in lower case, spaces as underscores, other signs dropped.</summary>
    private static string UsernameOf(string name, string id)
    {
        var username = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '_' or '.' or '-')
            {
                username.Append(c);
            }
            else if (char.IsWhiteSpace(c))
            {
                username.Append('_');
            }
        }

        return username.Length == 0 ? "member" + id : username.ToString();
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private sealed class GroupState(PlaygroundGroup group)
    {
        public PlaygroundGroup Group { get; } = group;
        public List<PlaygroundMessage> Messages { get; } = [];
        public List<Channel<PlaygroundEvent>> Subscribers { get; } = [];
    }

    public sealed class Subscription(ChannelReader<PlaygroundEvent> events, Func<Task> unsubscribe) : IAsyncDisposable
    {
        public ChannelReader<PlaygroundEvent> Events { get; } = events;

        public async ValueTask DisposeAsync() => await unsubscribe();
    }
}
