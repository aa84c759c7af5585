using System.Reflection;
using TorchSharp.Modules;
using Module = TorchSharp.torch.nn.Module;
using Parameter = TorchSharp.Modules.Parameter;

namespace Course.Lens;

/// <summary>
/// What a hooked model runs against what it lists. Its forward pass runs the modules and parameters its fields hold;
/// <c>parameters()</c>, <c>named_parameters()</c> and <c>state_dict()</c> list what each module registered under those
/// fields' names. TorchSharp's <c>register_module</c> and <c>register_parameter</c> change the second without the first:
/// a copy registered in place of a block's attention listed the old weights while the pass ran edited ones (a red team,
/// stop 59, so passed a test that the model was left unchanged). So a model whose registry no longer holds its fields'
/// objects, or holds more, does not run.
/// </summary>
static class ModelRegistry
{
    /// <exception cref="InvalidOperationException">A module's registry and its fields part.</exception>
    public static void Check(Module model) => Check(model, "the model");

    static void Check(Module module, string path)
    {
        var parameters = module.named_parameters(recurse: false).ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var children = module.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        if (module.GetType() is { IsGenericType: true } list && list.GetGenericTypeDefinition() == typeof(ModuleList<>))
        {
            // A list's items are its children, checked against the blocks the model was made with (HookedRootModule.MadeWith).
            foreach (var (name, child) in children) Check(child, $"{path}.{name}");
            return;
        }
        var (parameterFields, moduleFields) = (0, 0);
        foreach (var field in FieldsOf(module.GetType())) // read each time: a given library keeps no state between calls
        {
            switch (field.GetValue(module))
            {
                case Parameter parameter:
                    parameterFields++;
                    if (!parameters.TryGetValue(field.Name, out var listedParameter) || !ReferenceEquals(listedParameter, parameter)) throw Parted($"{path}.{field.Name}");
                    break;
                case Module child:
                    moduleFields++;
                    var name = $"{path}.{field.Name}";
                    if (!children.TryGetValue(field.Name, out var listedModule) || !ReferenceEquals(listedModule, child)) throw Parted(name);
                    Check(child, name);
                    break;
            }
        }
        if (parameters.Count != parameterFields || children.Count != moduleFields)
            throw Parted($"{path} (it lists {parameters.Count} parameter(s) and {children.Count} module(s) of its own, its fields hold {parameterFields} and {moduleFields})");
    }

    static InvalidOperationException Parted(string what) =>
        new($"{what} is not what the model lists under that name (a module or parameter registered in its place, with register_module or register_parameter): " +
            "a hooked model runs what it was made with, and parameters(), named_parameters() and state_dict() must list just that; change a weight's values " +
            "(copy_ under no_grad), not the module or parameter that holds it");

    /// <summary>The instance fields of a Course.Lens module type and its Course.Lens bases that can hold a parameter or a module.</summary>
    static FieldInfo[] FieldsOf(Type type)
    {
        var fields = new List<FieldInfo>();
        for (var t = type; t is not null && t.Assembly == typeof(ModelRegistry).Assembly; t = t.BaseType)
            fields.AddRange(t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => typeof(Parameter).IsAssignableFrom(f.FieldType) || typeof(Module).IsAssignableFrom(f.FieldType)));
        return [.. fields];
    }
}
