using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using GroupPay.Dialogs.Engine;

namespace GroupPay.Tests.Conversations;

/// <summary>A store that counts the calls made to it by method name and passes each to the real store.</summary>
public class CountingStore : DispatchProxy
{
    private readonly ConcurrentDictionary<string, int> calls = new(StringComparer.Ordinal);
    private IGroupPayStore inner = null!;

    public static (IGroupPayStore Store, CountingStore Counts) Wrap(IGroupPayStore inner)
    {
        var store = Create<IGroupPayStore, CountingStore>();
        var counts = (CountingStore)(object)store;
        counts.inner = inner;
        return (store, counts);
    }

    public int Of(string method) => calls.GetValueOrDefault(method);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        calls.AddOrUpdate(targetMethod.Name, 1, (_, count) => count + 1);
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
