using Rucio.Client;
using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>Builds the storage identity of an instance from the same credentials the Rucio client uses.</summary>
internal static class StorageAccess
{
    /// <summary>
    /// CA bundle from <c>rucio_ca_cert</c>; the X.509 certificate or proxy when that is the method (with
    /// <c>voms_enabled</c>, a VOMS proxy made from the certificate: grid storage authorises by VO attributes); and the
    /// token, but only where it is meant to be accepted: an OIDC token (a JWT that token-enabled storage verifies) goes
    /// to any storage, while a Rucio userpass/X.509 token (an opaque Rucio secret) only goes to storage on Rucio's own host.
    /// </summary>
    /// <exception cref="Clients.CredentialsUnavailableException">The VOMS proxy cannot be made.</exception>
    public static async Task<StorageAccessOptions> CreateAsync(
        InstanceConfig instance, AuthType authType, StoredCredentials? credentials, RucioClient client, VomsProxyProvider voms,
        CancellationToken cancellationToken, long maxBytesPerSecond = 0)
    {
        var rucioAuthority = instance.BaseUrl.GetLeftPart(UriPartial.Authority);
        var certificate = credentials as X509CertificateCredentials;
        var proxy = (credentials as X509ProxyCredentials)?.ProxyPath;
        if (instance.VomsEnabled && certificate is not null)
        {
            proxy = await voms.GetProxyAsync(instance, certificate, cancellationToken);
            certificate = null;
        }

        return new StorageAccessOptions
        {
            CaBundlePath = string.IsNullOrWhiteSpace(instance.CaCertPath) ? null : instance.CaCertPath,
            ClientCertificatePath = certificate?.CertificatePath,
            ClientKeyPath = certificate?.EffectiveKeyPath,
            ProxyPath = proxy,
            MaxBytesPerSecond = maxBytesPerSecond,
            BearerToken = async (storage, cancellationToken) =>
            {
                var sameHost = string.Equals(storage.GetLeftPart(UriPartial.Authority), rucioAuthority, StringComparison.OrdinalIgnoreCase);
                return authType == AuthType.Oidc || sameHost
                    ? (await client.Auth.GetTokenAsync(cancellationToken)).Value
                    : null;
            },
        };
    }
}
