using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>
/// The catalogue steps after the bytes: dataset creation and attachment, and replication rules. Every step is
/// idempotent, so re-running an upload after a failure finishes it: an existing dataset, an existing attachment and
/// an existing identical rule all count as done.
/// </summary>
internal sealed class UploadRegistration(RucioClient client)
{
    public async Task AttachAsync(Did dataset, bool create, IReadOnlyList<Did> files, CancellationToken cancellationToken)
    {
        if (create)
        {
            try
            {
                await client.Dids.AddDatasetAsync(dataset, cancellationToken: cancellationToken);
            }
            catch (RucioException ex) when (ex.Status == 409)
            {
                // DataIdentifierAlreadyExists: the dataset of an earlier run (or the user's own); attaching decides.
            }
        }

        try
        {
            await client.Dids.AttachAsync(dataset, files, cancellationToken: cancellationToken);
        }
        catch (RucioException ex) when (ex.Status == 409 && ex.ErrorCode is "FileAlreadyExists" or "DuplicateContent")
        {
            // One of them is attached already (a re-run): attach the others one by one.
            foreach (var file in files)
            {
                try
                {
                    await client.Dids.AttachAsync(dataset, [file], cancellationToken: cancellationToken);
                }
                catch (RucioException single) when (single.Status == 409 && single.ErrorCode is "FileAlreadyExists" or "DuplicateContent")
                {
                }
            }
        }
    }

    public async Task<string> AddRuleAsync(Did did, UploadOptions options, CancellationToken cancellationToken) =>
        (await AddRulesAsync([did], options, cancellationToken))[did];

    /// <summary>One rule per DID (Rucio creates one per DID of a request); an identical existing rule is reused.</summary>
    public async Task<IReadOnlyDictionary<Did, string>> AddRulesAsync(IReadOnlyList<Did> dids, UploadOptions options, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<Did, string>();
        try
        {
            var created = await client.Rules.AddAsync(Rule(dids, options), cancellationToken);
            if (created.Count == dids.Count)
            {
                for (var i = 0; i < dids.Count; i++)
                {
                    ids[dids[i]] = created[i];
                }

                return ids;
            }
        }
        catch (RucioException ex) when (ex.Status == 409 && ex.ErrorCode == "DuplicateRule" && dids.Count > 1)
        {
            // Some already have their rule (a re-run): fall through to one request per DID.
        }
        catch (RucioException ex) when (ex.Status == 409 && ex.ErrorCode == "DuplicateRule")
        {
            ids[dids[0]] = await ExistingRuleAsync(dids[0], options.RuleRseExpression, cancellationToken);
            return ids;
        }

        foreach (var did in dids)
        {
            try
            {
                ids[did] = (await client.Rules.AddAsync(Rule([did], options), cancellationToken))[0];
            }
            catch (RucioException ex) when (ex.Status == 409 && ex.ErrorCode == "DuplicateRule")
            {
                ids[did] = await ExistingRuleAsync(did, options.RuleRseExpression, cancellationToken);
            }
        }

        return ids;
    }

    private static RuleCreateOptions Rule(IReadOnlyList<Did> dids, UploadOptions options) => new()
    {
        Dids = dids,
        RseExpression = options.RuleRseExpression,
        Copies = 1,
        Lifetime = options.RuleLifetime,
        Grouping = RuleGrouping.Dataset,
        Comment = options.RuleComment,
    };

    private async Task<string> ExistingRuleAsync(Did did, string expression, CancellationToken cancellationToken)
    {
        await foreach (var rule in client.Dids.ListRulesAsync(did, cancellationToken))
        {
            if (string.Equals(rule.RseExpression, expression, StringComparison.Ordinal))
            {
                return rule.Id;
            }
        }

        throw new TransferException(TransferFailure.StorageError, $"Rucio reports a duplicate rule for {did} on {expression}, but lists none.");
    }
}
