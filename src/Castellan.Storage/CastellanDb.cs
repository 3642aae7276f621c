using Castellan.Storage.Entities;
using Castellan.Storage.Stores.Billing;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage;

/// <summary>
/// The one schema, for SQLite (embedded default) and PostgreSQL (production, several nodes). Each provider has its own
/// subclass only so that each keeps its own migrations (Migrations/Sqlite, Migrations/Postgres): the column types differ.
/// </summary>
public abstract class CastellanDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<CaRow> Cas => Set<CaRow>();
    public DbSet<CertificateRow> Certificates => Set<CertificateRow>();
    public DbSet<CrlRow> Crls => Set<CrlRow>();
    public DbSet<ProfileRow> Profiles => Set<ProfileRow>();
    public DbSet<AuditRow> Audit => Set<AuditRow>();
    public DbSet<ApiKeyRow> ApiKeys => Set<ApiKeyRow>();
    public DbSet<StatusChangeRow> StatusChanges => Set<StatusChangeRow>();
    public DbSet<LedgerJournalRow> LedgerJournals => Set<LedgerJournalRow>();
    public DbSet<LedgerPostingRow> LedgerPostings => Set<LedgerPostingRow>();
    public DbSet<LedgerBalanceRow> LedgerBalances => Set<LedgerBalanceRow>();
    public DbSet<GroupFinanceRow> GroupFinance => Set<GroupFinanceRow>();
    public DbSet<GroupSpendRow> GroupSpend => Set<GroupSpendRow>();
    public DbSet<CreditNoteRow> CreditNotes => Set<CreditNoteRow>();
    public DbSet<AccountRow> Accounts => Set<AccountRow>();
    public DbSet<UserRow> Users => Set<UserRow>();
    public DbSet<MembershipRow> Memberships => Set<MembershipRow>();
    public DbSet<ActivationTokenRow> ActivationTokens => Set<ActivationTokenRow>();
    public DbSet<CustomRoleRow> CustomRoles => Set<CustomRoleRow>();
    public DbSet<OutboxMessageRow> Outbox => Set<OutboxMessageRow>();
    public DbSet<ProductRow> Products => Set<ProductRow>();
    public DbSet<OrderRow> Orders => Set<OrderRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var b = modelBuilder;
        Map(b);
        // Each role's tables live in their own IEntityTypeConfiguration classes under Storage/Mappings/.
        b.ApplyConfigurationsFromAssembly(typeof(CastellanDb).Assembly);
    }

    private static void Map(ModelBuilder b)
    {
        b.Entity<CaRow>(e =>
        {
            e.ToTable("cas");
            e.HasKey(x => x.Id);
        });
        b.Entity<CertificateRow>(e =>
        {
            e.ToTable("certificates");
            // The primary key is the serial: the database, not the application, guarantees uniqueness.
            e.HasKey(x => x.Serial);
            e.HasIndex(x => new { x.CaId, x.Status });
            e.HasIndex(x => x.NotAfter);
            e.HasIndex(x => x.SubjectDn);
            e.HasIndex(x => new { x.Status, x.RecordedAt });
        });
        b.Entity<CrlRow>(e =>
        {
            e.ToTable("crls");
            e.HasKey(x => new { x.CaId, x.Shard, x.Number });
        });
        b.Entity<ProfileRow>(e =>
        {
            e.ToTable("profiles");
            e.HasKey(x => x.Id);
        });
        b.Entity<AuditRow>(e =>
        {
            e.ToTable("audit_log");
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).ValueGeneratedNever();
            e.HasIndex(x => x.Action);
            e.HasIndex(x => x.Target);
        });
        b.Entity<ApiKeyRow>(e =>
        {
            e.ToTable("api_keys");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.Hash).IsUnique();
            e.HasIndex(x => new { x.UserId, x.AccountId });
        });
        b.Entity<StatusChangeRow>(e =>
        {
            e.ToTable("status_changes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedOnAdd();
            e.HasIndex(x => x.At);
        });
    }
}
