using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Castellan.Storage.Postgres;

/// <summary>The schema on PostgreSQL; migrations in Migrations/Postgres.</summary>
public sealed class PostgresCastellanDb(DbContextOptions<PostgresCastellanDb> options) : CastellanDb(options);

/// <summary>Lets <c>dotnet ef migrations add X --context PostgresCastellanDb</c> build the model; it never connects.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCastellanDb>
{
    public PostgresCastellanDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCastellanDb>().UseNpgsql("Host=127.0.0.1;Database=castellan_design").Options);
}
