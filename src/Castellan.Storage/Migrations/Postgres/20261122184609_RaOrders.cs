using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Castellan.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RaOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CoverageEndsAt",
                table: "orders",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CoverageYears",
                table: "orders",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "CustomFields",
                table: "orders",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "orders",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "OriginalOrderId",
                table: "orders",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReissueReason",
                table: "orders",
                type: "character varying(30)",
                maxLength: 30,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SupersedesDueAt",
                table: "orders",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SupersedesReason",
                table: "orders",
                type: "character varying(30)",
                maxLength: 30,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SupersedesSerial",
                table: "orders",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Tags",
                table: "orders",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "TrackingTokenHash",
                table: "orders",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "custom_fields",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Label = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Mandatory = table.Column<bool>(type: "boolean", nullable: false),
                    MaxLength = table.Column<int>(type: "integer", nullable: false),
                    AllowedCharacters = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ExtraCharacters = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Options = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_custom_fields", x => x.Id);
                    table.ForeignKey(
                        name: "FK_custom_fields_accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "order_labels",
                columns: table => new
                {
                    OrderId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Value = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_labels", x => new { x.OrderId, x.Kind, x.Name });
                    table.ForeignKey(
                        name: "FK_order_labels_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_orders_OriginalOrderId",
                table: "orders",
                column: "OriginalOrderId");

            migrationBuilder.CreateIndex(
                name: "IX_orders_SupersedesDueAt",
                table: "orders",
                column: "SupersedesDueAt");

            migrationBuilder.CreateIndex(
                name: "IX_orders_TrackingTokenHash",
                table: "orders",
                column: "TrackingTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_custom_fields_AccountId_Name",
                table: "custom_fields",
                columns: new[] { "AccountId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_order_labels_Kind_Name_Value",
                table: "order_labels",
                columns: new[] { "Kind", "Name", "Value" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "custom_fields");

            migrationBuilder.DropTable(
                name: "order_labels");

            migrationBuilder.DropIndex(
                name: "IX_orders_OriginalOrderId",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "IX_orders_SupersedesDueAt",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "IX_orders_TrackingTokenHash",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "CoverageEndsAt",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "CoverageYears",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "CustomFields",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "OriginalOrderId",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "ReissueReason",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "SupersedesDueAt",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "SupersedesReason",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "SupersedesSerial",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "Tags",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "TrackingTokenHash",
                table: "orders");
        }
    }
}
