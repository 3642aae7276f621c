using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Castellan.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OrderDomainValidation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "RequiresDomainValidation",
                table: "products",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "order_validations",
                columns: table => new
                {
                    OrderId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Token = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RandomValue = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    EmailChallengeId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Recipients = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ValueExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 24, nullable: true),
                    EvidenceId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    ValidatedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_validations", x => new { x.OrderId, x.Name });
                    table.ForeignKey(
                        name: "FK_order_validations_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_validations");

            migrationBuilder.DropColumn(
                name: "RequiresDomainValidation",
                table: "products");
        }
    }
}
