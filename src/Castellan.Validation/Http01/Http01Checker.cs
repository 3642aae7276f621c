using System.Net;
using System.Net.Sockets;
using System.Text;
using Castellan.Validation.Contracts;
using Castellan.Validation.Perspectives;
using Microsoft.Extensions.Options;

namespace Castellan.Validation.Http01;

/// <summary>
/// RFC 8555 §8.3 http-01: fetch http://NAME:port/.well-known/acme-challenge/TOKEN and compare the body, with
/// surrounding whitespace trimmed, to the key authorization. Redirects are not followed (a redirect is a failure
/// here; BR 3.2.2.4.19 allows following to 80/443 only, which a later change may add). The body is capped so a
/// hostile server cannot make us read forever.
/// </summary>
internal sealed class Http01Checker(IHostResolver resolver, IOptions<ValidationOptions> options)
{
    private const int MaxBody = 8 * 1024;

    public async Task<Result<string>> CheckAsync(ValidationRequest request, CancellationToken ct)
    {
        var o = options.Value;
        var host = request.Identifier.Value;
        IReadOnlyList<IPAddress> addresses;
        try { addresses = await resolver.ResolveAsync(host, ct); }
        catch (SocketException e) { return new ValidationFailed(request.Identifier, ValidationFailureKind.Dns, $"no address for {host}: {e.SocketErrorCode}"); }
        if (addresses.Count == 0) return new ValidationFailed(request.Identifier, ValidationFailureKind.Dns, $"no address for {host}");

        var hostHeader = request.Identifier.Type == IdentifierType.Ip && addresses[0].AddressFamily == AddressFamily.InterNetworkV6 ? $"[{host}]" : host;
        var path = "/.well-known/acme-challenge/" + request.Token;
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try { await socket.ConnectAsync(new IPEndPoint(addresses[0], o.HttpChallengePort), token); }
                catch { socket.Dispose(); throw; }
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var client = new HttpClient(handler) { Timeout = o.AttemptTimeout };
        var uri = new UriBuilder("http", hostHeader.Trim('[', ']'), o.HttpChallengePort, path).Uri;
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.StatusCode != HttpStatusCode.OK)
                return new ValidationFailed(request.Identifier, ValidationFailureKind.IncorrectResponse, $"{uri} answered {(int)response.StatusCode}");
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[MaxBody + 1];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0) read += n;
            if (read > MaxBody) return new ValidationFailed(request.Identifier, ValidationFailureKind.IncorrectResponse, $"{uri} answered more than {MaxBody} bytes");
            var body = Encoding.UTF8.GetString(buffer, 0, read).Trim();
            return body == request.ExpectedValue
                ? $"{uri} via {addresses[0]} returned the key authorization"
                : new ValidationFailed(request.Identifier, ValidationFailureKind.IncorrectResponse, $"{uri} did not return the expected key authorization");
        }
        catch (HttpRequestException e)
        {
            return new ValidationFailed(request.Identifier, ValidationFailureKind.Connection, $"could not fetch {uri}: {e.HttpRequestError}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ValidationFailed(request.Identifier, ValidationFailureKind.Connection, $"timed out fetching {uri}");
        }
    }
}
