using System.CommandLine;

namespace Backprop.Cli;

/// <summary><c>backprop sweep collect DIR</c>: every trial's result file of a planned sweep gathered into DIR/results.csv, ranked, with the best trial's train command.</summary>
internal static class SweepCollect
{
    public static Command Create(SweepDefinition definition, TextWriter stdout)
    {
        var folder = new Argument<string>("dir") { Description = "The sweep's folder (--out DIR)." };
        var command = new Command("collect", "Gathers a sweep's trial results (DIR/trials/*.csv) into DIR/results.csv, ranked, with the best trial as a ready train command.");
        command.Arguments.Add(folder);
        command.SetAction(result =>
        {
            string dir = result.GetValue(folder)!;
            var setup = SweepRun.Load(definition, dir, loadData: false);
            var results = setup.Sweep.Collect(dir);
            if (results.Missing.Count > 0)
            {
                var missing = results.Missing.Select(t => t.Number).ToArray();
                throw new UsageException($"{dir}: {missing.Length} of {setup.Sweep.Trials.Count} trials have no result yet ({Numbers(missing)}); run them ('backprop sweep run {Shell.Quote(dir)} --index I'), then collect again");
            }
            SweepCommand.Report(setup, results, dir, stdout);
            return 0;
        });
        return command;
    }

    // 1, 2, 3, 7 → "1-3, 7"
    private static string Numbers(int[] numbers)
    {
        var parts = new List<string>();
        for (int i = 0; i < numbers.Length;)
        {
            int j = i;
            while (j + 1 < numbers.Length && numbers[j + 1] == numbers[j] + 1) j++;
            parts.Add(i == j ? $"{numbers[i]}" : $"{numbers[i]}-{numbers[j]}");
            i = j + 1;
        }
        return string.Join(", ", parts);
    }
}
