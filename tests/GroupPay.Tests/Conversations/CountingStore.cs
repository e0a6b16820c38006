using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using GroupPay.Dialogs.Engine;

namespace GroupPay.Tests.Conversations;

/// <summary>A store that notes the calls made to it (method name and arguments) and passes each to the real store.</summary>
public class CountingStore : DispatchProxy
{
    private readonly ConcurrentQueue<(string Method, object?[] Args)> calls = new();
    private IGroupPayStore inner = null!;

    public static (IGroupPayStore Store, CountingStore Counts) Wrap(IGroupPayStore inner)
    {
        var store = Create<IGroupPayStore, CountingStore>();
        var counts = (CountingStore)(object)store;
        counts.inner = inner;
        return (store, counts);
    }

    public int Of(string method) => calls.Count(call => call.Method == method);

    /// <summary>The arguments of each call of <paramref name="method"/>, in order.</summary>
    public IReadOnlyList<object?[]> ArgumentsOf(string method) => [.. calls.Where(call => call.Method == method).Select(call => call.Args)];

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        calls.Enqueue((targetMethod.Name, args ?? []));
        try
        {
            return targetMethod.Invoke(inner, args);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(exception.InnerException);
            throw;
        }
    }
}
