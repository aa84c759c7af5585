using System.Globalization;
using System.Runtime.InteropServices;
using Course.Grader.Sandbox;

namespace Course.Worker.Sandbox;

/// <summary>
/// The worker keeps no privilege: every capability set is emptied (a grader running as root, as in many
/// containers, would otherwise hand the tests root's capabilities), and no_new_privs stops any program it
/// could run from gaining privileges (sudo and other setuid programs). Both bind the calling thread and
/// survive exec, which is why they are set before the worker re-executes itself.
/// </summary>
static class Privileges
{
    /// <summary>Root gets no capabilities back on exec, and nothing can unset that.</summary>
    const ulong LockedSecureBits = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 6) | (1 << 7);
    const int HighestCapability = 63;

    public static SandboxLayer DropCapabilities()
    {
        var before = ProcessStatus.Read();
        if (before.HoldsNoCapability)
            return new(SandboxLayerNames.Capabilities, true, "the worker has no capabilities to drop");
        // Each step needs a capability the next one removes, hence the order; failures show in the check after exec.
        Libc.prctl(Libc.PR_SET_SECUREBITS, LockedSecureBits, 0, 0, 0);
        for (var capability = 0UL; capability <= HighestCapability; capability++)
        {
            if (Libc.prctl(Libc.PR_CAPBSET_DROP, capability, 0, 0, 0) != 0 && Marshal.GetLastPInvokeError() == Libc.EINVAL) break;
        }
        Libc.prctl(Libc.PR_CAP_AMBIENT, Libc.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
        var header = new Libc.CapHeader { Version = Libc.LinuxCapabilityVersion3, Pid = 0 };
        if (Libc.capset(ref header, new Libc.CapData[2]) != 0)
            return new(SandboxLayerNames.Capabilities, false, $"capset failed (errno {Marshal.GetLastPInvokeError()}); the worker keeps capabilities {before.Effective}");
        return new(SandboxLayerNames.Capabilities, true,
            $"dropped every capability (it had {before.Effective}): effective, permitted, inheritable, ambient and bounding sets are empty");
    }

    public static SandboxLayer ForbidNewPrivileges() =>
        Libc.prctl(Libc.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
            ? new(SandboxLayerNames.NoNewPrivileges, true, "no program it runs can gain privileges (setuid, file capabilities)")
            : new(SandboxLayerNames.NoNewPrivileges, false, $"prctl(PR_SET_NO_NEW_PRIVS) failed (errno {Marshal.GetLastPInvokeError()})");

    /// <summary>What the kernel says the re-executed worker holds: a layer is active only if it took.</summary>
    public static IEnumerable<SandboxLayer> Verify(IEnumerable<SandboxLayer> reported)
    {
        var now = ProcessStatus.Read();
        foreach (var layer in reported)
        {
            yield return layer.Name switch
            {
                SandboxLayerNames.Capabilities when layer.Active && !now.HoldsNoCapability =>
                    layer with { Active = false, Detail = $"the worker still holds capabilities {now.Effective} (permitted {now.Permitted})" },
                SandboxLayerNames.NoNewPrivileges when layer.Active && !now.NoNewPrivileges =>
                    layer with { Active = false, Detail = "no_new_privs did not survive exec" },
                _ => layer,
            };
        }
    }
}

/// <summary>The lines of /proc/self/status the sandbox checks.</summary>
sealed record ProcessStatus(string Effective, string Permitted, string Inheritable, string Ambient, bool NoNewPrivileges, int SeccompMode)
{
    public bool HoldsNoCapability => IsZero(Effective) && IsZero(Permitted) && IsZero(Inheritable) && IsZero(Ambient);

    public static ProcessStatus Read()
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            var colon = line.IndexOf(':');
            if (colon > 0) fields[line[..colon]] = line[(colon + 1)..].Trim();
        }
        string Field(string name) => fields.GetValueOrDefault(name, "");
        return new(Field("CapEff"), Field("CapPrm"), Field("CapInh"), Field("CapAmb"), Field("NoNewPrivs") == "1",
            int.TryParse(Field("Seccomp"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var mode) ? mode : 0);
    }

    static bool IsZero(string mask) => mask.Length > 0 && mask.All(c => c == '0');
}
