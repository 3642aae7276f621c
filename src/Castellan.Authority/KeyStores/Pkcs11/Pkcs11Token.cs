using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Castellan.Authority.KeyStores.Pkcs11;

/// <summary>
/// One logged-in token and a pool of its sessions. A PKCS#11 session runs one operation at a time (C_SignInit then
/// C_Sign), so each caller borrows a session for the length of one operation; issuance on many request threads then
/// signs in parallel on separate sessions, up to <see cref="Pkcs11KeyStoreOptions.MaxSessions"/>.
/// </summary>
internal sealed class Pkcs11Token : IDisposable
{
    private readonly Pkcs11Module _module;
    private readonly ISlot _slot;
    private readonly string _pin;
    private readonly SemaphoreSlim _available;
    private readonly ConcurrentBag<ISession> _idle = [];
    private bool _disposed;

    public Pkcs11Token(Pkcs11KeyStoreOptions options, ILogger log)
    {
        _pin = ReadPin(options);
        _module = Pkcs11Module.Acquire(options.ModulePath);
        try
        {
            (_slot, Label) = FindSlot(_module.Library, options);
            _available = new SemaphoreSlim(options.MaxSessions, options.MaxSessions);
            // Login state belongs to the application, not to one session: every session opened later is logged in too.
            var first = _slot.OpenSession(SessionType.ReadWrite);
            Login(first);
            _idle.Add(first);
        }
        catch
        {
            _module.Release();
            throw;
        }
        log.LogInformation("Opened PKCS#11 token {Token} in slot {Slot} of {Module}", Label, _slot.SlotId, options.ModulePath);
    }

    public string Label { get; }

    public Pkcs11InteropFactories Factories => _module.Factories;

    /// <summary>
    /// Runs one operation on a borrowed session. A session the token no longer knows (closed, or logged out because
    /// another user of the module closed its last session) is replaced and the operation retried once.
    /// </summary>
    public T Run<T>(Func<ISession, T> operation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _available.Wait();
        try
        {
            var session = Borrow();
            try
            {
                var result = operation(session);
                _idle.Add(session);
                return result;
            }
            catch (Pkcs11Exception e) when (e.RV is CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED or CKR.CKR_USER_NOT_LOGGED_IN)
            {
                Close(session);
                var fresh = _slot.OpenSession(SessionType.ReadWrite);
                try
                {
                    Login(fresh);
                    var result = operation(fresh);
                    _idle.Add(fresh);
                    return result;
                }
                catch
                {
                    Close(fresh);
                    throw;
                }
            }
            catch (Pkcs11Exception e) when (e.RV is CKR.CKR_DEVICE_REMOVED or CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_DEVICE_ERROR)
            {
                Close(session);
                throw;
            }
            catch
            {
                // The operation failed inside the token (C_Sign ends the operation on error); the session stays usable.
                _idle.Add(session);
                throw;
            }
        }
        finally
        {
            _available.Release();
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        while (_idle.TryTake(out var session)) Close(session);
        _module.Release();
        _available.Dispose();
    }

    private ISession Borrow() => _idle.TryTake(out var session) ? session : _slot.OpenSession(SessionType.ReadWrite);

    private void Login(ISession session)
    {
        try
        {
            session.Login(CKU.CKU_USER, _pin);
        }
        catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Another session of this process logged in first; the login covers this session as well.
        }
        catch (Pkcs11Exception e) when (e.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_LOCKED or CKR.CKR_PIN_EXPIRED or CKR.CKR_PIN_LEN_RANGE)
        {
            throw new InvalidOperationException($"PKCS#11 login to token '{Label}' was refused: {e.RV}");
        }
    }

    private static void Close(ISession session)
    {
        try
        {
            session.Dispose();
        }
        catch (Pkcs11Exception)
        {
            // Already gone in the token; nothing more to release.
        }
    }

    private static (ISlot Slot, string Label) FindSlot(IPkcs11Library library, Pkcs11KeyStoreOptions options)
    {
        var wanted = options.TokenLabel?.Trim();
        var seen = new List<string>();
        foreach (var slot in library.GetSlotList(SlotsType.WithTokenPresent))
        {
            var label = slot.GetTokenInfo().Label.Trim();
            seen.Add($"{label} (slot {slot.SlotId})");
            if (options.SlotId is { } id && slot.SlotId != id) continue;
            if (!string.IsNullOrEmpty(wanted) && !string.Equals(label, wanted, StringComparison.Ordinal)) continue;
            return (slot, label);
        }
        throw new InvalidOperationException(
            $"no PKCS#11 token matches label '{wanted}'{(options.SlotId is { } s ? $" and slot {s}" : "")}; present: {(seen.Count == 0 ? "none" : string.Join(", ", seen))}");
    }

    private static string ReadPin(Pkcs11KeyStoreOptions options)
    {
        if (!string.IsNullOrEmpty(options.Pin)) return options.Pin;
        if (!string.IsNullOrEmpty(options.PinFile)) return File.ReadAllText(options.PinFile).TrimEnd('\r', '\n');
        throw new InvalidOperationException("the PKCS#11 PIN is not configured (Castellan__KeyStore__Pkcs11__Pin or Castellan:KeyStore:Pkcs11:PinFile)");
    }
}
