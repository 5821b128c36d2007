using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Rucio.Client;
using Rucio.DataLake.Core.Clients;
using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;

namespace Rucio.JupyterLab.Server.Features.Auth;

/// <summary>
/// Tests credentials against Rucio before they are saved: userpass and X.509 obtain a token, OIDC validates its
/// token. Uses a throwaway client so a failed test never disturbs the client in use.
/// </summary>
internal sealed class CredentialTester(RucioClientFactory factory, TimeProvider time)
{
    /// <summary>
    /// Succeeds with the Rucio account the credentials map to and how long the session lasts: the token's expiry, or
    /// for a proxy the proxy's own expiry (a proxy cannot renew itself, so that is when the user must act).
    /// </summary>
    /// <exception cref="RucioException">Rucio refused, was unreachable, or a local file is unusable.</exception>
    public async Task<CredentialTestResult> TestAsync(InstanceConfig instance, StoredCredentials credentials, CancellationToken cancellationToken)
    {
        using var client = factory.CreateUncached(instance, credentials.Type, credentials);
        switch (credentials)
        {
            case OidcCredentials:
                var validation = await client.Auth.ValidateAsync(cancellationToken);
                var token = await client.Auth.GetTokenAsync(cancellationToken);
                return new(validation.Account ?? token.Account,
                    validation.Lifetime ?? (token.ExpiresAt == DateTimeOffset.MaxValue ? null : token.ExpiresAt));
            case X509ProxyCredentials proxy:
                var proxyToken = await client.Auth.AuthenticateAsync(cancellationToken);
                return new(proxyToken.Account, ReadCertificateExpiry(proxy.ProxyPath));
            default:
                var issued = await client.Auth.AuthenticateAsync(cancellationToken);
                return new(issued.Account, issued.ExpiresAt == DateTimeOffset.MaxValue ? null : issued.ExpiresAt);
        }
    }

    private DateTimeOffset? ReadCertificateExpiry(string pemPath)
    {
        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(pemPath);
            if (certificates.Count == 0)
            {
                return null;
            }

            var notAfter = new DateTimeOffset(certificates[0].NotAfter.ToUniversalTime(), TimeSpan.Zero);
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }

            return notAfter > time.GetUtcNow() ? notAfter : null;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>What a successful credential test tells the user.</summary>
internal sealed record CredentialTestResult(string? Account, DateTimeOffset? Lifetime);
