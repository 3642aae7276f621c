using Castellan.Registration.Contracts;
using Castellan.Registration.Orders;
using MiniExcelLibs;

namespace Castellan.Portal.Orders;

/// <summary>
/// The portal's Excel export: the same rows as the REST API's GET /orders/export.xlsx (<see cref="OrderSheet"/>), written
/// by MiniExcel into a temporary file that is deleted when closed, with progress reported as pages are read.
/// </summary>
internal static class OrderWorkbook
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The workbook, positioned at its start, and the number of rows; the caller disposes the stream.</summary>
    public static async Task<Result<(Stream File, int Rows)>> WriteAsync(OrderSearch search, Caller caller, OrderStatus? status, string? productId,
        OrderFilter filter, Action<int, int> progress, CancellationToken ct)
    {
        // The first page checks access and the filters, so a refusal is a message and not a broken file.
        var first = await search.SearchAsync(caller, null, status, productId, filter, 0, OrderSheet.PageSize, ct);
        if (first.IsError) return first.Error;
        var total = first.Value.Total;
        if (total > OrderSearch.MaxExportRows)
            return new PolicyViolation("export.size", $"{total} orders match; narrow the filters to at most {OrderSearch.MaxExportRows}");
        var fields = await search.ExportFieldsAsync(caller, null, ct);
        progress(0, total);
        var path = Path.Combine(Path.GetTempPath(), $"castellan-portal-export-{Guid.NewGuid():N}.xlsx");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            var rows = OrderSheet.RowsAsync(search, caller, null, status, productId, filter, first.Value.Items, fields, new InlineProgress(done => progress(done, total)), ct);
            await file.SaveAsAsync(rows, sheetName: "Orders", excelType: ExcelType.XLSX, cancellationToken: ct);
            file.Position = 0;
            return (file, total);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reports on the writer's thread (Progress&lt;T&gt; would post to a context the circuit does not have).</summary>
    private sealed class InlineProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
