using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Castellan.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Enrolment : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "enrolment_policies",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ProductId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    RequiredFields = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    KeySources = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Approval = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    LinkLifetimeSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_enrolment_policies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_enrolment_policies_accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "invitations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    PolicyId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    EnrolTokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EnrolExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    GivenName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Surname = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    OrganisationUnit = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    KeySource = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Csr = table.Column<string>(type: "TEXT", maxLength: 140000, nullable: true),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CollectTokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CollectExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CertificateSerial = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CollectedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_invitations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_invitations_accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_invitations_enrolment_policies_PolicyId",
                        column: x => x.PolicyId,
                        principalTable: "enrolment_policies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_enrolment_policies_AccountId",
                table: "enrolment_policies",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_invitations_AccountId_Status_CreatedAt",
                table: "invitations",
                columns: new[] { "AccountId", "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_invitations_CollectTokenHash",
                table: "invitations",
                column: "CollectTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_invitations_EnrolTokenHash",
                table: "invitations",
                column: "EnrolTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_invitations_PolicyId_Email",
                table: "invitations",
                columns: new[] { "PolicyId", "Email" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "invitations");

            migrationBuilder.DropTable(
                name: "enrolment_policies");
        }
    }
}
