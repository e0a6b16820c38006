using GroupPay.Dialogs.Engine;
using GroupPay.Dialogs.Flows;
using Stateless.Graph;

namespace GroupPay.Tests.Docs;

/// <summary>docs/flows/*.md are generated from the machines; this fails when a machine changed and its diagram did not.</summary>
public sealed class FlowDiagramTests
{
    public static TheoryData<string> Flows => new(FlowDocs.Kinds.Select(k => k.ToString()));

    [Theory]
    [MemberData(nameof(Flows))]
    public void The_diagram_in_docs_matches_the_machine(string kind)
    {
        var flowKind = Enum.Parse<FlowKind>(kind);
        var path = Path.Combine(FlowDocs.RepositoryRoot(), "docs", "flows", FlowDocs.FileName(flowKind));
        var expected = FlowDocs.Render(flowKind);
        if (Environment.GetEnvironmentVariable("GROUPPAY_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the tests once with GROUPPAY_UPDATE_DOCS=1.");
        Assert.Equal(expected, File.ReadAllText(path).ReplaceLineEndings("\n"));
    }
}

internal static class FlowDocs
{
    public static readonly FlowKind[] Kinds = [FlowKind.Split, FlowKind.Collect, FlowKind.Lottery, FlowKind.Raffle, FlowKind.Transfer, FlowKind.SettleUp];

    public static string FileName(FlowKind kind) => FlowFactory.Describe(kind).GetType().Name + ".md";

    public static string Render(FlowKind kind)
    {
        var flow = FlowFactory.Describe(kind);
        var name = flow.GetType().Name;
        var graph = MermaidGraph.Format(flow.GetInfo()).ReplaceLineEndings("\n").TrimEnd();
        return $"""
            # {name}

            Generated from `Dialogs/Flows/{name}.cs` by `FlowDiagramTests` (set `GROUPPAY_UPDATE_DOCS=1` and run the tests to
            regenerate). Guard names are the conditions under which a transition is taken; refusals are explained to the
            presser in their language.

            ```mermaid
            {graph}
            ```

            """.ReplaceLineEndings("\n");
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "GroupPay.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("GroupPay.slnx not found above the test binaries.");
    }
}
