using Castellan.Validation.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Castellan.Validation.PublicSuffix;

/// <summary>
/// <see cref="IRegisteredDomains"/> from the Public Suffix List file at <c>Castellan:Validation:PublicSuffixList</c>
/// (Debian's package "publicsuffix" installs /usr/share/publicsuffix/public_suffix_list.dat), read once at start. When
/// the file is missing the last two labels are used, with a warning: then every customer of a shared suffix such as
/// co.uk or github.io shares one limit, which errs towards limiting too much rather than too little.
/// </summary>
public sealed class RegisteredDomains : IRegisteredDomains
{
    private readonly PublicSuffixList? _list;

    public RegisteredDomains(IOptions<ValidationOptions> options, ILogger<RegisteredDomains> log)
    {
        var path = options.Value.PublicSuffixList;
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            log.LogWarning("Public Suffix List not found at {Path} (Castellan:Validation:PublicSuffixList; Debian package publicsuffix): registered domains are approximated by the last two labels", path);
            return;
        }
        _list = PublicSuffixList.Parse(File.ReadLines(path));
        log.LogInformation("Public Suffix List {Path}: {Rules} rules", path, _list.RuleCount);
    }

    public string RegisteredDomain(string name)
    {
        if (_list is not null) return _list.RegisteredDomain(name) ?? _list.PublicSuffix(name);
        var labels = name.Trim().TrimEnd('.').TrimStart('*', '.').ToLowerInvariant().Split('.', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('.', labels.Length <= 2 ? labels : labels[^2..]);
    }
}
