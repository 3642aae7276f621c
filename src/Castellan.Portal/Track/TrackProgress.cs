namespace Castellan.Portal.Track;

/// <summary>
/// The order's path as steps for the tracking page, from its status code (OrderService.Code): placed, approved,
/// issued; a closed order (rejected, cancelled) ends the path where it stopped. Presentation only: the RA decided.
/// </summary>
internal static class TrackProgress
{
    public static IReadOnlyList<(string Label, string State)> Of(string? status) => status switch
    {
        "on-hold" => [("Draft saved", "current"), ("Approval", "todo"), ("Certificate issued", "todo")],
        "pending-approval" or "pending-parent-approval" => [("Order placed", "done"), ("Waiting for approval", "current"), ("Certificate issued", "todo")],
        "accepted" or "in-progress" => [("Order placed", "done"), ("Approved", "done"), ("Issuing the certificate", "current")],
        "fulfilled" => [("Order placed", "done"), ("Approved", "done"), ("Certificate issued", "done")],
        "rejected" => [("Order placed", "done"), ("Rejected", "stopped")],
        "cancelled" => [("Order placed", "done"), ("Cancelled", "stopped")],
        _ => [(status ?? "Unknown", "current")],
    };
}
