using Backprop.Cli;

// Ctrl-C during training stops it after the current batch and keeps what --save and --history asked for (exit 130).
// Anywhere else, or a second Ctrl-C, ends the process at once, as usual.
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!Cli.ListeningForInterrupt || interrupt.IsCancellationRequested) return;
    e.Cancel = true;
    interrupt.Cancel();
};
// SIGTERM (a service manager, `kill`, a container stopping) does what Ctrl-C does: `serve` and `playground` stop cleanly.
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    if (!Cli.ListeningForInterrupt || interrupt.IsCancellationRequested) return;
    context.Cancel = true;
    interrupt.Cancel();
});
return Cli.Run(args, Console.Out, Console.Error, interrupt.Token);
