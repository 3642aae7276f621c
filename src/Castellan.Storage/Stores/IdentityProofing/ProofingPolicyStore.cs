using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.IdentityProofing;

internal sealed class ProofingPolicyStore(IDbContextFactory<CastellanDb> factory) : IProofingPolicyStore
{
    public async Task AddAsync(ProofingPolicy p, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Set<ProofingPolicyRow>().Add(new ProofingPolicyRow
        {
            Id = p.Id, AccountId = p.AccountId!, Name = p.Name, ProductId = p.ProductId, Approval = p.Approval.ToString().ToLowerInvariant(), Verifier = p.Verifier,
            Criteria = string.Join('\n', p.Criteria), CreatedBy = p.CreatedBy ?? "", UpdatedAt = Time.Ms(p.UpdatedAt ?? DateTimeOffset.UnixEpoch),
        });
        await db.SaveChangesAsync(ct);
    }

    public async Task<ProofingPolicy?> GetAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<ProofingPolicyRow>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return row is null ? null : From(row);
    }

    public async Task<IReadOnlyList<ProofingPolicy>> ListAsync(string accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Set<ProofingPolicyRow>().AsNoTracking().Where(x => x.AccountId == accountId).OrderBy(x => x.Name).ThenBy(x => x.Id).ToListAsync(ct);
        return rows.Select(From).ToList();
    }

    public async Task<bool> UpdateAsync(ProofingPolicy p, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var approval = p.Approval.ToString().ToLowerInvariant();
        var criteria = string.Join('\n', p.Criteria);
        var at = Time.Ms(p.UpdatedAt ?? DateTimeOffset.UnixEpoch);
        return await db.Set<ProofingPolicyRow>().Where(x => x.Id == p.Id && x.AccountId == p.AccountId).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Name, p.Name).SetProperty(x => x.ProductId, p.ProductId).SetProperty(x => x.Approval, approval)
            .SetProperty(x => x.Verifier, p.Verifier).SetProperty(x => x.Criteria, criteria).SetProperty(x => x.UpdatedAt, at), ct) == 1;
    }

    private static ProofingPolicy From(ProofingPolicyRow r) => new(r.Id, r.Name, r.ProductId, Enum.Parse<ProofingApproval>(r.Approval, ignoreCase: true), r.Verifier)
    {
        AccountId = r.AccountId, Criteria = r.Criteria.Split('\n', StringSplitOptions.RemoveEmptyEntries), CreatedBy = r.CreatedBy, UpdatedAt = Time.At(r.UpdatedAt),
    };
}
