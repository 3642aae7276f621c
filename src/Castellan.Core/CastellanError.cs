namespace Castellan;

/// <summary>
/// An expected failure, returned as a value. Each front end (REST problem details, ACME problems, CLI line,
/// portal message) maps these in exactly one place; <see cref="Detail"/> is safe to show to the caller.
/// </summary>
public abstract record CastellanError(string Detail)
{
    /// <summary>
    /// The request field the error is about, as the API names it ("name", "finance.spendLimitMinor"), when there is
    /// one: a form shows <see cref="Detail"/> beside that field instead of guessing from the wording.
    /// </summary>
    public string? Field { get; init; }
}

/// <summary>The input could not be read or is not acceptable as given (bad PEM, bad CSR signature, bad field).</summary>
public sealed record MalformedInput(string Detail) : CastellanError(Detail);

/// <summary>Something named in the request does not exist (profile, CA, certificate).</summary>
public sealed record NotFound(string What, string Detail) : CastellanError(Detail);

/// <summary>The request is well formed but a policy refuses it (profile limits, weak key, forbidden SAN).</summary>
public sealed record PolicyViolation(string Rule, string Detail) : CastellanError(Detail);

/// <summary>The exact to-be-signed certificate failed a lint rule, so nothing was signed.</summary>
public sealed record LintFailure(string Rule, string Detail) : CastellanError(Detail);

/// <summary>The request conflicts with the current state (already revoked, CA disabled, name in use).</summary>
public sealed record Conflict(string Detail) : CastellanError(Detail);

/// <summary>The caller is not allowed to do this.</summary>
public sealed record Forbidden(string Detail) : CastellanError(Detail);
