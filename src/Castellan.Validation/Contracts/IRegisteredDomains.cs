namespace Castellan.Validation.Contracts;

/// <summary>
/// The registered domain of a name: its public suffix (Public Suffix List, https://publicsuffix.org/list/) plus one
/// label, as rate limits per registered domain count it (issue 4). Both sections of the list count, so the customers of
/// a private suffix such as github.io are separate domains, as they are separate registrants.
/// </summary>
public interface IRegisteredDomains
{
    /// <summary>
    /// <paramref name="name"/>'s registered domain in lower case ("a.b.example.co.uk" → "example.co.uk"); a wildcard
    /// counts as its base. A name that is itself a public suffix (or shorter) is returned as it is.
    /// </summary>
    string RegisteredDomain(string name);
}
