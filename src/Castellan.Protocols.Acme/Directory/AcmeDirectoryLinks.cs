namespace Castellan.Protocols.Acme.Directory;

/// <summary>A directory as people are told to use it: its URL at the public base URL, and whether it needs EAB.</summary>
public sealed record AcmeDirectoryLink(string Url, bool RequiresExternalAccountBinding);

/// <summary>
/// The directory URLs to hand to ACME clients (the portal shows them), built by <see cref="AcmeUrls"/> exactly as the
/// directories advertise themselves, so a server behind a proxy shows its public name, not the address it was reached on.
/// </summary>
public sealed class AcmeDirectoryLinks
{
    private readonly AcmeDirectories _directories;
    private readonly AcmeUrls _urls;

    internal AcmeDirectoryLinks(AcmeDirectories directories, AcmeUrls urls)
    {
        _directories = directories;
        _urls = urls;
    }

    public IReadOnlyList<AcmeDirectoryLink> All() =>
        _directories.All.Select(d => new AcmeDirectoryLink(_urls.Directory(d.Name), d.RequireExternalAccountBinding)).ToList();
}
