using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Castellan.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddBilling : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "billing_balances",
                columns: table => new
                {
                    Code = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    GroupId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    BalanceMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_billing_balances", x => x.Code);
                    table.CheckConstraint("ck_billing_balances_non_negative", "\"BalanceMinor\" >= 0");
                });

            migrationBuilder.CreateTable(
                name: "billing_group_finance",
                columns: table => new
                {
                    GroupId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Mode = table.Column<int>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    SpendLimitMinor = table.Column<long>(type: "INTEGER", nullable: true),
                    SpendPeriod = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_billing_group_finance", x => x.GroupId);
                });

            migrationBuilder.CreateTable(
                name: "billing_group_spend",
                columns: table => new
                {
                    GroupId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PeriodStart = table.Column<long>(type: "INTEGER", nullable: false),
                    SpentMinor = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_billing_group_spend", x => new { x.GroupId, x.PeriodStart });
                    table.CheckConstraint("ck_billing_group_spend_non_negative", "\"SpentMinor\" >= 0");
                });

            migrationBuilder.CreateTable(
                name: "billing_journals",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    GroupId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", nullable: false),
                    Reference = table.Column<string>(type: "TEXT", nullable: false),
                    Memo = table.Column<string>(type: "TEXT", nullable: true),
                    ReversesJournalId = table.Column<string>(type: "TEXT", nullable: true),
                    SpendGroupId = table.Column<string>(type: "TEXT", nullable: true),
                    SpendPeriodStart = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_billing_journals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "billing_credit_notes",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    DebitJournalId = table.Column<string>(type: "TEXT", nullable: false),
                    RefundJournalId = table.Column<string>(type: "TEXT", nullable: false),
                    OrderReference = table.Column<string>(type: "TEXT", nullable: false),
                    AmountMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Reason = table.Column<int>(type: "INTEGER", nullable: false),
                    IssuedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_billing_credit_notes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_billing_credit_notes_billing_journals_DebitJournalId",
                        column: x => x.DebitJournalId,
                        principalTable: "billing_journals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_billing_credit_notes_billing_journals_RefundJournalId",
                        column: x => x.RefundJournalId,
                        principalTable: "billing_journals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "billing_postings",
                columns: table => new
                {
                    JournalId = table.Column<string>(type: "TEXT", nullable: false),
                    Line = table.Column<int>(type: "INTEGER", nullable: false),
                    AccountCode = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    AmountMinor = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_billing_postings", x => new { x.JournalId, x.Line });
                    table.CheckConstraint("ck_billing_postings_nonzero", "\"AmountMinor\" <> 0");
                    table.ForeignKey(
                        name: "FK_billing_postings_billing_journals_JournalId",
                        column: x => x.JournalId,
                        principalTable: "billing_journals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_billing_balances_AccountId",
                table: "billing_balances",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_billing_credit_notes_AccountId",
                table: "billing_credit_notes",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_billing_credit_notes_DebitJournalId",
                table: "billing_credit_notes",
                column: "DebitJournalId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_billing_credit_notes_RefundJournalId",
                table: "billing_credit_notes",
                column: "RefundJournalId");

            migrationBuilder.CreateIndex(
                name: "IX_billing_group_finance_AccountId",
                table: "billing_group_finance",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_billing_journals_AccountId_At",
                table: "billing_journals",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_billing_journals_AccountId_Kind_IdempotencyKey",
                table: "billing_journals",
                columns: new[] { "AccountId", "Kind", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_billing_postings_AccountCode",
                table: "billing_postings",
                column: "AccountCode");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "billing_balances");

            migrationBuilder.DropTable(
                name: "billing_credit_notes");

            migrationBuilder.DropTable(
                name: "billing_group_finance");

            migrationBuilder.DropTable(
                name: "billing_group_spend");

            migrationBuilder.DropTable(
                name: "billing_postings");

            migrationBuilder.DropTable(
                name: "billing_journals");
        }
    }
}
