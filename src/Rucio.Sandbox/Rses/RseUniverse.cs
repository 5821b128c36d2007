using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Rses;

/// <summary>Loads every RSE with its attributes and resolves expressions against them.</summary>
internal static class RseUniverse
{
    public static async Task<List<RseWithAttributes>> LoadAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var rses = await RseStore.ListAsync(connection, cancellationToken);
        var attributes = await RseStore.AllAttributesAsync(connection, cancellationToken);
        return rses
            .Select(rse => new RseWithAttributes(rse, attributes.TryGetValue(rse.Id, out var a) ? a : new Dictionary<string, RseAttribute>()))
            .ToList();
    }

    /// <summary>Resolves an expression; failures become InvalidRSEExpression with the given status (400 or 409).</summary>
    public static async Task<List<RseWithAttributes>> ResolveAsync(SqliteConnection connection, string expression, int errorStatus, CancellationToken cancellationToken)
    {
        var universe = await LoadAsync(connection, cancellationToken);
        try
        {
            return RseExpression.Evaluate(expression, universe);
        }
        catch (RseExpressionException ex)
        {
            throw new RucioException(errorStatus, "InvalidRSEExpression", ex.Message);
        }
    }
}
