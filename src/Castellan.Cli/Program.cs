using Castellan.Cli;

// `castellan <command>`: the operator's command line. Exit codes: 0 done, 1 refused or failed, 2 usage error.
return await CastellanCommandLine.RunAsync(args);
