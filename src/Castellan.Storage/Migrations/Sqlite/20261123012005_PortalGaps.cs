using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Castellan.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PortalGaps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "proofing_policies",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ProductId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Approval = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Verifier = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Criteria = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_proofing_policies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_proofing_policies_accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "send_windows",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    WindowStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_send_windows", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_proofing_policies_AccountId",
                table: "proofing_policies",
                column: "AccountId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "proofing_policies");

            migrationBuilder.DropTable(
                name: "send_windows");
        }
    }
}
