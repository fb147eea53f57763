return Backprop.Cli.Cli.Run(args, Console.Out, Console.Error);
