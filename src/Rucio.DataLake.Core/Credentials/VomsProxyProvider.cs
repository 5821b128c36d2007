using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Rucio.DataLake.Core.Clients;
using Rucio.DataLake.Core.Configuration;

namespace Rucio.DataLake.Core.Credentials;

/// <summary>How VOMS proxies are made and how long they are kept.</summary>
internal sealed record VomsProxyOptions
{
    /// <summary>The command run; found on PATH unless it is a path.</summary>
    public string Executable { get; init; } = "voms-proxy-init";

    /// <summary>Lifetime asked of <c>voms-proxy-init</c> (<c>-valid</c>).</summary>
    public TimeSpan Validity { get; init; } = TimeSpan.FromHours(12);

    /// <summary>A proxy with less than this left is made again, so a transfer never starts with one about to expire.</summary>
    public TimeSpan RenewBefore { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Contacting a VOMS server can hang on a dead host; the user waits at most this long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Makes the VOMS proxy that storage access uses when an instance has <c>voms_enabled</c> and the user authenticates
/// with a certificate and key: <c>voms-proxy-init</c> with the instance's <c>vo</c> (<c>-voms</c>) and
/// <c>voms_certdir_path</c>, <c>voms_vomsdir_path</c>, <c>voms_vomses_path</c>, as the existing extension runs it, but
/// RFC 3820, with an explicit lifetime and no terminal (a key that needs a passphrase fails at once instead of
/// waiting for one). The proxy is written under a private 0700 directory, checked to be a proxy of the user's
/// certificate, and reused until it is close to expiry or the certificate changes.
/// </summary>
internal sealed class VomsProxyProvider(string directory, TimeProvider time, VomsProxyOptions? options = null)
{
    private const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly VomsProxyOptions _options = options ?? new VomsProxyOptions();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>The path of a valid VOMS proxy for these credentials, made now if needed.</summary>
    /// <exception cref="CredentialsUnavailableException">The proxy cannot be made; the message says why and what to do.</exception>
    public async Task<string> GetProxyAsync(InstanceConfig instance, X509CertificateCredentials credentials, CancellationToken cancellationToken)
    {
        var user = LoadUserCertificate(instance, credentials);
        var target = Path.Combine(directory, FileName(instance, credentials));
        var gate = _gates.GetOrAdd(target, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (IsUsable(target, user, credentials))
            {
                return target;
            }

            CreatePrivateDirectory(directory);
            var temporary = target + ".partial";
            File.Delete(temporary);
            try
            {
                await RunAsync(instance, credentials, temporary, cancellationToken);
                CheckIsProxyOf(temporary, user, instance);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
                File.Move(temporary, target, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }

            return target;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Proxies are secrets: the directory is private even if it existed with wider permissions.</summary>
    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, PrivateDirectoryMode);
        File.SetUnixFileMode(path, PrivateDirectoryMode);
    }

    private static X509Certificate2 LoadUserCertificate(InstanceConfig instance, X509CertificateCredentials credentials)
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(credentials.CertificatePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new CredentialsUnavailableException(
                $"The certificate '{credentials.CertificatePath}' cannot be read to make a VOMS proxy for '{instance.DisplayName}': {ex.Message}");
        }
    }

    /// <summary>One file per instance and identity, so two instances or two certificates never share a proxy.</summary>
    private static string FileName(InstanceConfig instance, X509CertificateCredentials credentials)
    {
        var identity = string.Join('\n', instance.Name, credentials.CertificatePath, credentials.EffectiveKeyPath, instance.Vo,
            instance.VomsVomsesPath, instance.VomsCertDirPath, instance.VomsVomsDirPath);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..16];
        var safeName = new string(instance.Name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        return $"x509up_{safeName}_{hash}";
    }

    private bool IsUsable(string path, X509Certificate2 user, X509CertificateCredentials credentials)
    {
        if (!File.Exists(path) || File.GetLastWriteTimeUtc(credentials.CertificatePath) > File.GetLastWriteTimeUtc(path))
        {
            return false;
        }

        try
        {
            using var proxy = X509CertificateLoader.LoadCertificateFromFile(path);
            return proxy.IssuerName.RawData.AsSpan().SequenceEqual(user.SubjectName.RawData)
                && proxy.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime > _options.RenewBefore;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private async Task RunAsync(InstanceConfig instance, X509CertificateCredentials credentials, string output, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_options.Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var validity = string.Create(CultureInfo.InvariantCulture, $"{(int)_options.Validity.TotalHours}:{_options.Validity.Minutes:00}");
        foreach (var argument in new[] { "-cert", credentials.CertificatePath, "-key", credentials.EffectiveKeyPath, "-out", output, "-rfc", "-valid", validity })
        {
            start.ArgumentList.Add(argument);
        }

        AddOption(start, "-voms", instance.Vo);
        AddOption(start, "-certdir", instance.VomsCertDirPath);
        AddOption(start, "-vomsdir", instance.VomsVomsDirPath);
        AddOption(start, "-vomses", instance.VomsVomsesPath);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception();
        }
        catch (Win32Exception)
        {
            throw new CredentialsUnavailableException(
                $"voms_enabled is set for '{instance.DisplayName}', but '{_options.Executable}' is not installed on this server. " +
                "Ask the operator to install the VOMS clients (Debian: voms-clients-java or voms-clients), or to turn voms_enabled off.");
        }

        using (process)
        {
            // No terminal: a passphrase prompt reads end-of-file and fails instead of waiting forever.
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.Timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                throw new CredentialsUnavailableException(
                    $"voms-proxy-init did not finish within {_options.Timeout.TotalSeconds:0} s for '{instance.DisplayName}'{ForVo(instance)}; the VOMS server may be unreachable.");
            }

            var said = Summarise(await stdout + "\n" + await stderr);
            if (process.ExitCode != 0 || !File.Exists(output))
            {
                throw new CredentialsUnavailableException(
                    $"voms-proxy-init could not make a VOMS proxy for '{instance.DisplayName}'{ForVo(instance)} (exit code {process.ExitCode}): {said}");
            }
        }
    }

    private void CheckIsProxyOf(string path, X509Certificate2 user, InstanceConfig instance)
    {
        try
        {
            using var proxy = X509CertificateLoader.LoadCertificateFromFile(path);
            if (proxy.IssuerName.RawData.AsSpan().SequenceEqual(user.SubjectName.RawData) && proxy.NotAfter.ToUniversalTime() > time.GetUtcNow().UtcDateTime)
            {
                return;
            }
        }
        catch (CryptographicException)
        {
        }

        throw new CredentialsUnavailableException(
            $"voms-proxy-init wrote a file for '{instance.DisplayName}' that is not a valid proxy of the certificate {user.Subject}; check the certificate, key and VOMS settings.");
    }

    private static void AddOption(ProcessStartInfo start, string option, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            start.ArgumentList.Add(option);
            start.ArgumentList.Add(value);
        }
    }

    private static string ForVo(InstanceConfig instance) => string.IsNullOrWhiteSpace(instance.Vo) ? "" : $" (VO '{instance.Vo}')";

    /// <summary>The tool's own words, without its progress dots and blank lines, short enough for the panel.</summary>
    private static string Summarise(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.Trim('.', '+', '*').Length > 0);
        var text = string.Join(" ", lines);
        return text.Length == 0 ? "it printed nothing" : text.Length > 600 ? text[..600] + "…" : text;
    }
}
