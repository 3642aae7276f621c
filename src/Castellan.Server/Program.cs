using Castellan.Server.Hosting;

// `dotnet run --project src/Castellan.Server` serves on http://127.0.0.1:8080 with SQLite and software keys in ./data.
var app = CastellanHost.Build(args);
await app.RunAsync();
