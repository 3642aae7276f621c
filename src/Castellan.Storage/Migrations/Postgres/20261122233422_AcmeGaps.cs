using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Castellan.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AcmeGaps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "acme_secrets",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Value = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_acme_secrets", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "acme_used_nonces",
                columns: table => new
                {
                    Nonce = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Expires = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_acme_used_nonces", x => x.Nonce);
                });

            migrationBuilder.CreateIndex(
                name: "IX_acme_orders_Status_Expires",
                table: "acme_orders",
                columns: new[] { "Status", "Expires" });

            migrationBuilder.CreateIndex(
                name: "IX_acme_authorizations_Status_Expires",
                table: "acme_authorizations",
                columns: new[] { "Status", "Expires" });

            migrationBuilder.CreateIndex(
                name: "IX_acme_used_nonces_Expires",
                table: "acme_used_nonces",
                column: "Expires");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "acme_secrets");

            migrationBuilder.DropTable(
                name: "acme_used_nonces");

            migrationBuilder.DropIndex(
                name: "IX_acme_orders_Status_Expires",
                table: "acme_orders");

            migrationBuilder.DropIndex(
                name: "IX_acme_authorizations_Status_Expires",
                table: "acme_authorizations");
        }
    }
}
