using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores;

internal static class UniqueViolation
{
    /// <summary>SQLite constraint error 19 or PostgreSQL SQLSTATE 23505: the row's key already exists.</summary>
    public static bool Is(DbUpdateException e) => e.InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode == 19,
        Npgsql.PostgresException p => p.SqlState == "23505",
        _ => false,
    };
}
