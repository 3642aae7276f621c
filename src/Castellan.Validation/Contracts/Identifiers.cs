namespace Castellan.Validation.Contracts;

/// <summary>What is being validated: a DNS name (RFC 8555 "dns", possibly "*.") or an IP address (RFC 8738 "ip").</summary>
public enum IdentifierType { Dns, Ip }

/// <summary>A name whose control an applicant must prove. DNS values are lower-case A-labels without a trailing dot.</summary>
public sealed record Identifier(IdentifierType Type, string Value)
{
    public bool IsWildcard => Type == IdentifierType.Dns && Value.StartsWith("*.", StringComparison.Ordinal);

    /// <summary>The name validation is performed on: a wildcard is proven on its base domain (RFC 8555 §7.1.3).</summary>
    public string BaseName => IsWildcard ? Value[2..] : Value;

    public override string ToString() => $"{Type.ToString().ToLowerInvariant()}:{Value}";
}
