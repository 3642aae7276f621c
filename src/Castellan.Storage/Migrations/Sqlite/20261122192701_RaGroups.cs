using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Castellan.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RaGroups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "download_delegations",
                columns: table => new
                {
                    OrderId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    PinHash = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FailedAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_download_delegations", x => x.OrderId);
                    table.ForeignKey(
                        name: "FK_download_delegations_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "order_documents",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    OrderId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UploadedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UploadedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_documents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_order_documents_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ra_groups",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    NormalizedName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    IsDefault = table.Column<bool>(type: "INTEGER", nullable: false),
                    UserAccess = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    UserIds = table.Column<string>(type: "TEXT", nullable: false),
                    OrganizationScope = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Organizations = table.Column<string>(type: "TEXT", nullable: false),
                    DomainScope = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Domains = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ra_groups", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ra_groups_accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "sub_account_price_lists",
                columns: table => new
                {
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ProductId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    PricePerYearMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    PricePerExtraSanMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    SetBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sub_account_price_lists", x => new { x.AccountId, x.ProductId });
                    table.ForeignKey(
                        name: "FK_sub_account_price_lists_accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_sub_account_price_lists_products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "order_document_contents",
                columns: table => new
                {
                    DocumentId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_document_contents", x => x.DocumentId);
                    table.ForeignKey(
                        name: "FK_order_document_contents_order_documents_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "order_documents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_order_documents_OrderId",
                table: "order_documents",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_ra_groups_AccountId_NormalizedName",
                table: "ra_groups",
                columns: new[] { "AccountId", "NormalizedName" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_sub_account_price_lists_ProductId",
                table: "sub_account_price_lists",
                column: "ProductId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "download_delegations");

            migrationBuilder.DropTable(
                name: "order_document_contents");

            migrationBuilder.DropTable(
                name: "ra_groups");

            migrationBuilder.DropTable(
                name: "sub_account_price_lists");

            migrationBuilder.DropTable(
                name: "order_documents");
        }
    }
}
