namespace Castellan.Registration.Contracts;

/// <summary>Seed 003's customer kinds, plus the platform operator's own account that holds operator staff.</summary>
public enum AccountKind
{
    Retail,
    Enterprise,
    Partner,
    Operator,
}

public enum AccountStatus
{
    /// <summary>A partner sign-up waits for the operator's approval (seed 003 "Account Approval Process").</summary>
    PendingApproval,

    /// <summary>Created; becomes active when its first user sets a password through the activation link.</summary>
    PendingActivation,
    Active,
    Suspended,
}

/// <summary>
/// A tenant. <see cref="Number"/> is the customer-facing 10-digit account number (unique, random, Luhn-checked);
/// <see cref="Id"/> is the opaque key used in URLs. Enterprise sub-accounts of a partner carry the partner's id in
/// <see cref="ParentId"/>; there is only one level.
/// </summary>
public sealed record Account(string Id, string Number, AccountKind Kind, string Name, string? ParentId, AccountStatus Status, DateTimeOffset CreatedAt)
{
    /// <summary>The one account whose members are operator staff; created at first start.</summary>
    public const string OperatorId = "operator";

    public bool IsOperator => Kind == AccountKind.Operator;
}

/// <summary>Account storage, implemented by Castellan.Storage.</summary>
public interface IAccountStore
{
    /// <summary>False when the id or the account number is already taken (the caller draws a new number).</summary>
    Task<bool> AddAsync(Account account, CancellationToken ct);

    Task<Account?> GetAsync(string id, CancellationToken ct);

    /// <summary>All accounts (operator view) when <paramref name="visibleTo"/> is null; otherwise that account and its sub-accounts.</summary>
    Task<IReadOnlyList<Account>> ListAsync(string? visibleTo, int skip, int take, CancellationToken ct);

    /// <summary>Moves an account from <paramref name="from"/> to <paramref name="to"/>; false when it was not in <paramref name="from"/>.</summary>
    Task<bool> TransitionAsync(string id, AccountStatus from, AccountStatus to, CancellationToken ct);
}
