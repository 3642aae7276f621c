using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Castellan.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AcmeAndValidation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "acme_accounts",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Directory = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    KeyThumbprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Jwk = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Contact = table.Column<string>(type: "text", nullable: false),
                    TermsOfServiceAgreed = table.Column<bool>(type: "boolean", nullable: false),
                    RaAccountId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    RaGroupId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ProductId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    EabKeyId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_acme_accounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "acme_authorizations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    OrderId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    IdentifierType = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    IdentifierValue = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Expires = table.Column<long>(type: "bigint", nullable: false),
                    ChallengeTypes = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Token = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ProcessingChallenge = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    AttemptedChallenge = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    ValidatedAt = table.Column<long>(type: "bigint", nullable: true),
                    Error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_acme_authorizations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "acme_ca_replacements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    StartedAt = table.Column<long>(type: "bigint", nullable: false),
                    StartedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_acme_ca_replacements", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "acme_eab_credentials",
                columns: table => new
                {
                    KeyId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    GroupId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ProductId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    EncryptedKey = table.Column<byte[]>(type: "bytea", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    RevokedAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_acme_eab_credentials", x => x.KeyId);
                    table.ForeignKey(
                        name: "FK_acme_eab_credentials_accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "acme_orders",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Directory = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Expires = table.Column<long>(type: "bigint", nullable: false),
                    Identifiers = table.Column<string>(type: "text", nullable: false),
                    AuthorizationIds = table.Column<string>(type: "text", nullable: false),
                    Profile = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NotBefore = table.Column<long>(type: "bigint", nullable: true),
                    NotAfter = table.Column<long>(type: "bigint", nullable: true),
                    Error = table.Column<string>(type: "text", nullable: true),
                    Replaces = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CertificateSerial = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CertificateChain = table.Column<string>(type: "text", nullable: true),
                    CaId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    RaOrderId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_acme_orders", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "domains",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                    Method = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Token = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    RandomValue = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    EmailChallengeId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false),
                    VerifiedAt = table.Column<long>(type: "bigint", nullable: true),
                    ExpiresAt = table.Column<long>(type: "bigint", nullable: true),
                    EvidenceId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    StatusReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_domains", x => x.Id);
                    table.ForeignKey(
                        name: "FK_domains_accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "restricted_domains",
                columns: table => new
                {
                    AccountId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_restricted_domains", x => new { x.AccountId, x.Name });
                    table.ForeignKey(
                        name: "FK_restricted_domains_accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "validation_email_challenges",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    IdentifierType = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    IdentifierValue = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    Method = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Recipients = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    ValueHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    ExpiresAt = table.Column<long>(type: "bigint", nullable: false),
                    Sends = table.Column<int>(type: "integer", nullable: false),
                    UsedAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_validation_email_challenges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "validation_records",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    IdentifierType = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    IdentifierValue = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    Name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    Method = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Passed = table.Column<bool>(type: "boolean", nullable: false),
                    Detail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    ObservationsJson = table.Column<string>(type: "text", nullable: false),
                    StartedAt = table.Column<long>(type: "bigint", nullable: false),
                    CompletedAt = table.Column<long>(type: "bigint", nullable: false),
                    ReusableUntil = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_validation_records", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_acme_accounts_KeyThumbprint",
                table: "acme_accounts",
                column: "KeyThumbprint",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_acme_authorizations_OrderId_Status",
                table: "acme_authorizations",
                columns: new[] { "OrderId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_acme_ca_replacements_CaId_StartedAt",
                table: "acme_ca_replacements",
                columns: new[] { "CaId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_acme_eab_credentials_AccountId",
                table: "acme_eab_credentials",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_acme_orders_AccountId_CreatedAt",
                table: "acme_orders",
                columns: new[] { "AccountId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_acme_orders_CertificateSerial",
                table: "acme_orders",
                column: "CertificateSerial");

            migrationBuilder.CreateIndex(
                name: "IX_domains_AccountId_Name",
                table: "domains",
                columns: new[] { "AccountId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_validation_records_AccountId_Name_Passed_CompletedAt",
                table: "validation_records",
                columns: new[] { "AccountId", "Name", "Passed", "CompletedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "acme_accounts");

            migrationBuilder.DropTable(
                name: "acme_authorizations");

            migrationBuilder.DropTable(
                name: "acme_ca_replacements");

            migrationBuilder.DropTable(
                name: "acme_eab_credentials");

            migrationBuilder.DropTable(
                name: "acme_orders");

            migrationBuilder.DropTable(
                name: "domains");

            migrationBuilder.DropTable(
                name: "restricted_domains");

            migrationBuilder.DropTable(
                name: "validation_email_challenges");

            migrationBuilder.DropTable(
                name: "validation_records");
        }
    }
}
