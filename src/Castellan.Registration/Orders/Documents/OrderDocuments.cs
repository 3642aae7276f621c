using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Orders.Documents;

/// <summary>An upload as the REST API received it: the raw bytes, the file name and the Content-Type the client claimed.</summary>
public sealed record DocumentUpload(string? FileName, string? ClaimedContentType, byte[] Content);

/// <summary>
/// Seed 003 "KYC Documents": the order's placer (or OrdersManage) attaches PDF, PNG or JPEG documents for the approver
/// to review; the order's people (the placer, whoever sees the account's orders, operator RA officers) list and
/// download them. Content lives in the database beside its metadata: one transaction stores both, backups and
/// several nodes see the same documents without a shared disk, and no file-system path is ever built from a user's
/// name. Size (<see cref="MaxBytes"/>) and count (<see cref="MaxPerOrder"/>) caps bound what that costs.
/// </summary>
public sealed class OrderDocuments(OrderService orders, IOrderDocumentStore documents, IAuditLog audit, TimeProvider clock)
{
    public const int MaxBytes = 5 * 1024 * 1024;
    public const int MaxPerOrder = 10;
    public const int MaxNameLength = 100;

    public async Task<Result<OrderDocument>> UploadAsync(Caller caller, string orderId, DocumentUpload upload, RequestOrigin origin, CancellationToken ct)
    {
        var found = await orders.FindForActionAsync(caller, orderId, Permission.OrdersManage, ownerMay: true, ct);
        if (found.IsError) return found.Error;
        var order = found.Value.Order;
        if (order.Status is OrderStatus.Cancelled or OrderStatus.Rejected)
            return new Conflict($"an order in status '{order.Status.Display()}' takes no documents");
        if (upload.Content.Length == 0) return new MalformedInput("the document is empty");
        if (upload.Content.Length > MaxBytes) return new DocumentTooLarge(MaxBytes);
        var type = DocumentTypes.Sniff(upload.Content);
        if (type is null) return new UnsupportedDocumentType("the document is not a PDF, PNG or JPEG file");
        var name = FileName(upload.FileName, type);
        if (name.IsError) return name.Error;
        var claimed = upload.ClaimedContentType?.Split(';')[0].Trim().ToLowerInvariant();
        // A client that says image/png for a PDF is either broken or trying to get content served under another type.
        if (claimed is { Length: > 0 } && claimed != "application/octet-stream" && claimed != type)
            return new UnsupportedDocumentType($"the document is {type}, not the {claimed} its Content-Type claims");
        if ((await documents.ListAsync(orderId, ct)).Count >= MaxPerOrder)
            return new PolicyViolation("order.documents", $"an order has at most {MaxPerOrder} documents");
        var document = new OrderDocument(Ids.New("doc"), orderId, order.AccountId, name.Value, type, upload.Content.Length,
            Convert.ToHexStringLower(SHA256.HashData(upload.Content)), caller.Actor, clock.GetUtcNow());
        await documents.AddAsync(document, upload.Content, ct);
        await AuditAsync(caller.Actor, "order.document-uploaded", document, origin);
        return document;
    }

    public async Task<Result<IReadOnlyList<OrderDocument>>> ListAsync(Caller caller, string orderId, CancellationToken ct)
    {
        var order = await orders.GetAsync(caller, orderId, ct);
        if (order.IsError) return order.Error;
        return (await documents.ListAsync(orderId, ct)).ToList();
    }

    public async Task<Result<(OrderDocument Document, byte[] Content)>> DownloadAsync(Caller caller, string orderId, string documentId, RequestOrigin origin, CancellationToken ct)
    {
        var order = await orders.GetAsync(caller, orderId, ct);
        if (order.IsError) return order.Error;
        if (await documents.GetAsync(orderId, documentId, ct) is not { } found) return new NotFound("document", $"document '{documentId}' does not exist");
        // KYC documents are personal data: every read is audited like a change.
        await AuditAsync(caller.Actor, "order.document-downloaded", found.Document, origin);
        return found;
    }

    /// <summary>
    /// A name safe in a Content-Disposition header and on the reviewer's disk: path separators, "..", control
    /// characters and leading dots are refused outright (they only appear in attacks); other characters outside a
    /// plain ASCII set become '_'. The extension must agree with the sniffed type.
    /// </summary>
    internal static Result<string> FileName(string? given, string type)
    {
        var name = given?.Trim() ?? "";
        if (name.Length == 0) return new MalformedInput("a file 'name' is required");
        if (name.Length > 255) return new MalformedInput("the file name is longer than 255 characters");
        if (name.Contains('/') || name.Contains('\\') || name.Contains("..", StringComparison.Ordinal) || name.StartsWith('.') || name.Any(char.IsControl) || name.Contains(':'))
            return new MalformedInput("the file name must be a plain name: no path separators, '..', ':', control characters or leading dot");
        var dot = name.LastIndexOf('.');
        var extension = dot > 0 ? name[dot..] : "";
        if (DocumentTypes.ClaimedBy(extension) is { } claimed && claimed != type)
            return new UnsupportedDocumentType($"the document is {type}, but its name ends in '{extension}'");
        var stem = dot > 0 ? name[..dot] : name;
        var safe = new StringBuilder();
        foreach (var c in stem) safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ' ' ? c : '_');
        var cleaned = safe.ToString().Trim();
        if (cleaned.Length == 0) cleaned = "document";
        var ext = DocumentTypes.Extension(type);
        if (cleaned.Length + ext.Length > MaxNameLength) cleaned = cleaned[..(MaxNameLength - ext.Length)];
        return cleaned + ext;
    }

    private async Task AuditAsync(string actor, string action, OrderDocument d, RequestOrigin origin) =>
        await audit.AppendAsync(new AuditEvent(actor, action, $"order:{d.OrderId}", JsonSerializer.Serialize(new
        {
            order = d.OrderId, account = d.AccountId, document = d.Id, name = d.FileName, contentType = d.ContentType, size = d.Size, sha256 = d.Sha256,
        }), origin.Address), CancellationToken.None);
}

/// <summary>The upload is larger than the cap; nothing was stored.</summary>
public sealed record DocumentTooLarge(int MaxBytes) : CastellanError($"a document may have at most {MaxBytes} bytes");

/// <summary>The content is not an accepted type, or disagrees with the type its name or Content-Type claims; nothing was stored.</summary>
public sealed record UnsupportedDocumentType(string Why) : CastellanError(Why);
