using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Castellan.Storage.Sqlite;

/// <summary>The schema on SQLite; migrations in Migrations/Sqlite.</summary>
public sealed class SqliteCastellanDb(DbContextOptions<SqliteCastellanDb> options) : CastellanDb(options);

/// <summary>Lets <c>dotnet ef migrations add X --context SqliteCastellanDb</c> build the model without a host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCastellanDb>
{
    public SqliteCastellanDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCastellanDb>().UseSqlite("Data Source=design-time.db").Options);
}
