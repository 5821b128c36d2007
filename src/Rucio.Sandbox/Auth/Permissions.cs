using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Auth;

/// <summary>The subset of Rucio's generic permission policy the Sandbox enforces.</summary>
internal static class Permissions
{
    /// <summary>Admin-only operations (RSE management, accounts, limits): 401 AccessDenied otherwise.</summary>
    public static void RequireAdmin(Issuer issuer, string action)
    {
        if (!issuer.IsAdmin)
        {
            throw RucioException.AccessDenied($"Account {issuer.Account} can not {action}");
        }
    }

    /// <summary>Adding replicas is open to everybody on scratch-like RSEs, as in Rucio's generic policy.</summary>
    public static bool CanAddReplicas(Issuer issuer, string rse)
        => issuer.IsAdmin
            || rse.EndsWith("SCRATCHDISK", StringComparison.Ordinal)
            || rse.EndsWith("USERDISK", StringComparison.Ordinal)
            || rse.EndsWith("MOCK", StringComparison.Ordinal)
            || rse.EndsWith("LOCALGROUPDISK", StringComparison.Ordinal);

    public static RouteGroupBuilder RequireRucioToken(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<RequireTokenFilter>();
        return group;
    }
}
