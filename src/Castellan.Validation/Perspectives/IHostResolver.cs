using System.Net;

namespace Castellan.Validation.Perspectives;

/// <summary>Resolves the addresses a validation connects to (A/AAAA), through the perspective's configured resolvers.</summary>
public interface IHostResolver
{
    Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken ct);
}

/// <summary>The operating system's resolver; used when no <see cref="ValidationOptions.DnsResolvers"/> are configured.</summary>
internal sealed class SystemHostResolver : IHostResolver
{
    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken ct) =>
        IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
}
