using YamlDotNet.RepresentationModel;

namespace Course.Grader.Tests.Export;

/// <summary>A GitHub Actions workflow file read as GitHub reads it: a YAML mapping, looked into by key.</summary>
sealed class WorkflowYaml(YamlMappingNode root)
{
    public static WorkflowYaml Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        Assert.That(stream.Documents, Has.Count.EqualTo(1), $"{path} must hold one YAML document");
        return new WorkflowYaml((YamlMappingNode)stream.Documents[0].RootNode);
    }

    public YamlMappingNode Root { get; } = root;

    /// <summary>The workflow's single job.</summary>
    public YamlMappingNode Job
    {
        get
        {
            var jobs = Map(Root, "jobs");
            Assert.That(jobs.Children, Has.Count.EqualTo(1), "the workflow has one job");
            return (YamlMappingNode)jobs.Children.Single().Value;
        }
    }

    public IReadOnlyList<YamlMappingNode> Steps => ((YamlSequenceNode)Job["steps"]).Children.Cast<YamlMappingNode>().ToList();

    /// <summary>The step with this <c>id</c>; exactly one must have it.</summary>
    public YamlMappingNode Step(string id)
    {
        var matches = Steps.Where(s => Text(s, "id") == id).ToList();
        Assert.That(matches, Has.Count.EqualTo(1), $"one step with id '{id}'");
        return matches[0];
    }

    /// <summary>The step that uses this action (owner/name, any version); exactly one must.</summary>
    public YamlMappingNode StepUsing(string action)
    {
        var matches = Steps.Where(s => Text(s, "uses")?.StartsWith(action + "@", StringComparison.Ordinal) == true).ToList();
        Assert.That(matches, Has.Count.EqualTo(1), $"one step uses {action}");
        return matches[0];
    }

    public static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlMappingNode map
            ? map
            : throw new AssertionException($"no mapping '{key}' in {node}");

    public static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

    public static IReadOnlyList<string> Keys(YamlMappingNode node) =>
        node.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!).ToList();
}
