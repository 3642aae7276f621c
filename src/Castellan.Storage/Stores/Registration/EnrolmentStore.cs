using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class EnrolmentStore(IDbContextFactory<CastellanDb> factory) : IEnrolmentStore
{
    public async Task AddPolicyAsync(EnrolmentPolicy p, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Set<EnrolmentPolicyRow>().Add(ToRow(p));
        await db.SaveChangesAsync(ct);
    }

    public async Task<EnrolmentPolicy?> GetPolicyAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<EnrolmentPolicyRow>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<IReadOnlyList<EnrolmentPolicy>> ListPoliciesAsync(string accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Set<EnrolmentPolicyRow>().AsNoTracking().Where(x => x.AccountId == accountId).OrderBy(x => x.Name).ToListAsync(ct);
        return rows.Select(FromRow).ToList();
    }

    public async Task<bool> UpdatePolicyAsync(EnrolmentPolicy p, CancellationToken ct)
    {
        var r = ToRow(p);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<EnrolmentPolicyRow>().Where(x => x.Id == p.Id).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Name, r.Name).SetProperty(x => x.ProductId, r.ProductId).SetProperty(x => x.RequiredFields, r.RequiredFields)
            .SetProperty(x => x.KeySources, r.KeySources).SetProperty(x => x.Approval, r.Approval)
            .SetProperty(x => x.LinkLifetimeSeconds, r.LinkLifetimeSeconds).SetProperty(x => x.UpdatedAt, r.UpdatedAt), ct) == 1;
    }

    public async Task<bool> DeletePolicyAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await db.Set<InvitationRow>().AnyAsync(x => x.PolicyId == id, ct)) return false;
        return await db.Set<EnrolmentPolicyRow>().Where(x => x.Id == id).ExecuteDeleteAsync(ct) == 1;
    }

    public async Task AddInvitationAsync(Invitation i, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = new InvitationRow();
        Copy(i, row);
        db.Set<InvitationRow>().Add(row);
        await db.SaveChangesAsync(ct);
    }

    public Task<Invitation?> GetInvitationAsync(string id, CancellationToken ct) => FindAsync(x => x.Id == id, ct);

    public Task<Invitation?> FindByEnrolTokenHashAsync(string hash, CancellationToken ct) => FindAsync(x => x.EnrolTokenHash == hash, ct);

    public Task<Invitation?> FindByCollectTokenHashAsync(string hash, CancellationToken ct) => FindAsync(x => x.CollectTokenHash == hash, ct);

    public async Task<IReadOnlySet<string>> OpenEmailsAsync(string policyId, CancellationToken ct)
    {
        var closed = new[] { nameof(InvitationStatus.Rejected), nameof(InvitationStatus.Collected) };
        await using var db = await factory.CreateDbContextAsync(ct);
        var emails = await db.Set<InvitationRow>().AsNoTracking().Where(x => x.PolicyId == policyId && !closed.Contains(x.Status)).Select(x => x.Email).ToListAsync(ct);
        return emails.ToHashSet(StringComparer.Ordinal);
    }

    public async Task<(IReadOnlyList<Invitation> Items, int Total)> ListInvitationsAsync(InvitationQuery q, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Set<InvitationRow>().AsNoTracking().Where(x => x.AccountId == q.AccountId);
        if (q.PolicyId is { } p) query = query.Where(x => x.PolicyId == p);
        if (q.Status is { } s) { var code = s.ToString(); query = query.Where(x => x.Status == code); }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(x => x.CreatedAt).ThenBy(x => x.Id).Skip(q.Skip).Take(q.Take).ToListAsync(ct);
        return (rows.Select(FromRow).ToList(), total);
    }

    public async Task<bool> TransitionAsync(Invitation i, InvitationStatus from, CancellationToken ct)
    {
        var r = new InvitationRow();
        Copy(i, r);
        var expected = from.ToString();
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<InvitationRow>().Where(x => x.Id == i.Id && x.Status == expected).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Status, r.Status).SetProperty(x => x.UpdatedAt, r.UpdatedAt)
            .SetProperty(x => x.GivenName, r.GivenName).SetProperty(x => x.Surname, r.Surname).SetProperty(x => x.OrganisationUnit, r.OrganisationUnit)
            .SetProperty(x => x.KeySource, r.KeySource).SetProperty(x => x.Csr, r.Csr).SetProperty(x => x.SubmittedAt, r.SubmittedAt)
            .SetProperty(x => x.DecidedBy, r.DecidedBy).SetProperty(x => x.DecidedAt, r.DecidedAt).SetProperty(x => x.Reason, r.Reason)
            .SetProperty(x => x.CollectTokenHash, r.CollectTokenHash).SetProperty(x => x.CollectExpiresAt, r.CollectExpiresAt)
            .SetProperty(x => x.CertificateSerial, r.CertificateSerial).SetProperty(x => x.CollectedAt, r.CollectedAt), ct) == 1;
    }

    private async Task<Invitation?> FindAsync(System.Linq.Expressions.Expression<Func<InvitationRow, bool>> where, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<InvitationRow>().AsNoTracking().FirstOrDefaultAsync(where, ct);
        return row is null ? null : FromRow(row);
    }

    private static EnrolmentPolicyRow ToRow(EnrolmentPolicy p) => new()
    {
        Id = p.Id, AccountId = p.AccountId, Name = p.Name, ProductId = p.ProductId, RequiredFields = string.Join(',', p.RequiredFields),
        KeySources = string.Join(',', p.KeySources), Approval = p.Approval.ToString(), LinkLifetimeSeconds = (long)p.LinkLifetime.TotalSeconds,
        CreatedBy = p.CreatedBy, CreatedAt = Time.Ms(p.CreatedAt), UpdatedAt = Time.Ms(p.UpdatedAt),
    };

    private static EnrolmentPolicy FromRow(EnrolmentPolicyRow r) => new(r.Id, r.AccountId, r.Name, r.ProductId,
        r.RequiredFields.Split(',', StringSplitOptions.RemoveEmptyEntries), r.KeySources.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<EnrolmentKeySource>).ToList(),
        Enum.Parse<EnrolmentApproval>(r.Approval), TimeSpan.FromSeconds(r.LinkLifetimeSeconds), r.CreatedBy, Time.At(r.CreatedAt), Time.At(r.UpdatedAt));

    private static void Copy(Invitation i, InvitationRow r)
    {
        r.Id = i.Id; r.AccountId = i.AccountId; r.PolicyId = i.PolicyId; r.Email = i.Email; r.Status = i.Status.ToString(); r.EnrolTokenHash = i.EnrolTokenHash;
        r.EnrolExpiresAt = Time.Ms(i.EnrolExpiresAt); r.CreatedBy = i.CreatedBy; r.CreatedAt = Time.Ms(i.CreatedAt); r.UpdatedAt = Time.Ms(i.UpdatedAt);
        r.GivenName = i.GivenName; r.Surname = i.Surname; r.OrganisationUnit = i.OrganisationUnit; r.KeySource = i.KeySource?.ToString(); r.Csr = i.Csr;
        r.SubmittedAt = i.SubmittedAt is { } s ? Time.Ms(s) : null; r.DecidedBy = i.DecidedBy; r.DecidedAt = i.DecidedAt is { } d ? Time.Ms(d) : null;
        r.Reason = i.Reason is { Length: > 2000 } long_ ? long_[..2000] : i.Reason; r.CollectTokenHash = i.CollectTokenHash;
        r.CollectExpiresAt = i.CollectExpiresAt is { } c ? Time.Ms(c) : null; r.CertificateSerial = i.CertificateSerial; r.CollectedAt = i.CollectedAt is { } k ? Time.Ms(k) : null;
    }

    private static Invitation FromRow(InvitationRow r) => new(r.Id, r.AccountId, r.PolicyId, r.Email, Enum.Parse<InvitationStatus>(r.Status), r.EnrolTokenHash,
        Time.At(r.EnrolExpiresAt), r.CreatedBy, Time.At(r.CreatedAt), Time.At(r.UpdatedAt))
    {
        GivenName = r.GivenName, Surname = r.Surname, OrganisationUnit = r.OrganisationUnit, KeySource = r.KeySource is null ? null : Enum.Parse<EnrolmentKeySource>(r.KeySource),
        Csr = r.Csr, SubmittedAt = Time.At(r.SubmittedAt), DecidedBy = r.DecidedBy, DecidedAt = Time.At(r.DecidedAt), Reason = r.Reason,
        CollectTokenHash = r.CollectTokenHash, CollectExpiresAt = Time.At(r.CollectExpiresAt), CertificateSerial = r.CertificateSerial, CollectedAt = Time.At(r.CollectedAt),
    };
}
