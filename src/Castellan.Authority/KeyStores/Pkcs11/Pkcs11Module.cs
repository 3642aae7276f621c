using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Castellan.Authority.KeyStores.Pkcs11;

/// <summary>
/// A loaded, initialised PKCS#11 module, shared by everything in the process that uses the same module path.
/// C_Initialize may run only once per process (a second call gives CKR_CRYPTOKI_ALREADY_INITIALIZED) and C_Finalize
/// ends every session of every user, so loads are reference-counted and the last release finalizes.
/// </summary>
internal sealed class Pkcs11Module
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Pkcs11Module> Loaded = new(StringComparer.Ordinal);
    private int _references;

    private Pkcs11Module(string path, IPkcs11Library library, Pkcs11InteropFactories factories)
    {
        Path = path;
        Library = library;
        Factories = factories;
    }

    public string Path { get; }

    public IPkcs11Library Library { get; }

    public Pkcs11InteropFactories Factories { get; }

    public static Pkcs11Module Acquire(string path)
    {
        lock (Gate)
        {
            if (!Loaded.TryGetValue(path, out var module))
            {
                if (!File.Exists(path)) throw new InvalidOperationException($"the PKCS#11 module '{path}' does not exist (Castellan:KeyStore:Pkcs11:ModulePath)");
                LibdlResolver.Install();
                var factories = new Pkcs11InteropFactories();
                // MultiThreaded: C_Initialize with CKF_OS_LOCKING_OK, because signatures run on many threads at once.
                var library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, path, AppType.MultiThreaded);
                module = new Pkcs11Module(path, library, factories);
                Loaded[path] = module;
            }
            module._references++;
            return module;
        }
    }

    public void Release()
    {
        lock (Gate)
        {
            if (--_references > 0) return;
            Loaded.Remove(Path);
            Library.Dispose(); // C_Finalize, then unload
        }
    }

    /// <summary>
    /// Pkcs11Interop 5.3 P/Invokes "libdl" for dlopen, but glibc 2.34+ systems (Debian 12) ship only libdl.so.2, so the
    /// load fails with DllNotFoundException. Upstream's advice (pkcs11interop issue #239) is this resolver.
    /// </summary>
    private static class LibdlResolver
    {
        private static bool _installed;

        public static void Install()
        {
            if (_installed) return;
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // Another component installed a resolver for this assembly already; theirs stays in charge.
            }
            _installed = true;
        }

        private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
            name == "libdl" && OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libdl.so.2", out var handle) ? handle : IntPtr.Zero;
    }
}
