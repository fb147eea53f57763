using System.Text;
using System.Text.Json;
using Backprop.Data;

namespace Backprop.Cli;

/// <summary>
/// DIR/plan.json: what a sweep is, so that <c>sweep run DIR</c> on any machine (a cluster's task) and the same
/// <c>sweep</c> command run again build exactly the same trials: the data file (full path), the options that define
/// the trials (in the command's order, files as full paths), and the trials they make (for people and scripts; checked
/// against the options when read). Written with System.Text.Json's writer (no reflection: the Native AOT binary reads it too).
/// </summary>
internal static class SweepPlan
{
    public const string FormatName = "backprop-sweep";
    public const int FormatVersion = 1;

    public static string PathIn(string folder) => Path.Combine(folder, "plan.json");

    /// <summary>
    /// Writes the plan of <paramref name="setup"/> to <paramref name="folder"/> (made if missing), or, when one is there,
    /// checks that it is this sweep's; another sweep's is a one-line error naming what differs, and is left as it was.
    /// </summary>
    public static string Write(string folder, SweepSetup setup)
    {
        string path = PathIn(folder), text = Text(setup);
        if (File.Exists(path))
        {
            string existing = File.ReadAllText(path);
            if (existing == text) return path;
            throw new UsageException($"--out {folder} holds another sweep: {Difference(path, existing, setup)}; use another --out, or remove {folder} to start this one");
        }
        try
        {
            Directory.CreateDirectory(folder);
            AtomicFile.WriteText(path, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UsageException($"--out: cannot write {path}: {e.Message}"); }
        return path;
    }

    /// <summary>The plan file's text for <paramref name="setup"/>.</summary>
    public static string Text(SweepSetup setup)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName);
            json.WriteNumber("version", FormatVersion);
            json.WriteString("data", Path.GetFullPath(setup.DataPath));
            json.WriteStartArray("args");
            foreach (string arg in setup.PlanArgs) json.WriteStringValue(arg);
            json.WriteEndArray();
            json.WriteStartArray("trials");
            foreach (var trial in setup.Sweep.Trials)
            {
                json.WriteStartObject();
                json.WriteNumber("trial", trial.Number);
                foreach (var (name, value) in trial.Settings) json.WriteString(name, value);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>The data file and the sweep's arguments kept in <paramref name="folder"/>'s plan.</summary>
    /// <exception cref="DataException">No plan there, or a plan that is not one (named with what is wrong).</exception>
    public static (string Data, IReadOnlyList<string> Args, string Text) Read(string folder)
    {
        string path = PathIn(folder);
        if (!File.Exists(path))
            throw new DataException(path, Directory.Exists(folder) ? "no such file: this folder holds no sweep plan (write one with 'backprop sweep DATA ... --out DIR --plan')" : "no such file or folder");
        string text = File.ReadAllText(path);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != FormatName)
                throw new DataException(path, $"is not a sweep plan (its \"format\" is not \"{FormatName}\")");
            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != FormatVersion)
                throw new DataException(path, $"sweep plan version {(root.TryGetProperty("version", out var v) ? v.ToString() : "(missing)")} is not the one this build of Backprop reads ({FormatVersion})");
            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.String)
                throw new DataException(path, "\"data\" is missing or not a string");
            if (!root.TryGetProperty("args", out var args) || args.ValueKind != JsonValueKind.Array || args.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
                throw new DataException(path, "\"args\" is missing or not an array of strings");
            return (data.GetString()!, [.. args.EnumerateArray().Select(a => a.GetString()!)], text);
        }
        catch (JsonException e)
        {
            throw new DataException(path, $"malformed JSON at line {e.LineNumber + 1}: {e.Message.Split(" Path:")[0]}");
        }
    }

    // A plan's arguments as options in order, each with its values (--grid's several).
    private static Dictionary<string, List<string>> Options(IReadOnlyList<string> args)
    {
        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        string? current = null;
        foreach (string arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                current = arg;
                options.TryAdd(arg, []);
            }
            else if (current is not null) options[current].Add(arg);
        }
        return options;
    }

    private static string Flag(string name, List<string> values) => values.Count == 0 ? name : string.Join(" ", values.Select(v => $"{name} {Shell.Quote(v)}"));

    // What differs between the plan in the folder and this command's, in one clause.
    private static string Difference(string path, string existing, SweepSetup setup)
    {
        try
        {
            using var document = JsonDocument.Parse(existing);
            var root = document.RootElement;
            string? data = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            if (data != Path.GetFullPath(setup.DataPath)) return $"its data is {data ?? "(missing)"}, not {Path.GetFullPath(setup.DataPath)}";
            string[] args = root.TryGetProperty("args", out var a) && a.ValueKind == JsonValueKind.Array ? [.. a.EnumerateArray().Select(x => x.ToString())] : [];
            var theirs = Options(args);
            var mine = Options(setup.PlanArgs);
            foreach (var (name, values) in theirs)
            {
                if (!mine.TryGetValue(name, out var given)) return $"it was planned with {Flag(name, values)}, which this command does not give";
                if (!given.SequenceEqual(values)) return $"it was planned with {Flag(name, values)}, not {Flag(name, given)}";
            }
            if (mine.Keys.FirstOrDefault(k => !theirs.ContainsKey(k)) is string extra) return $"it was planned without {extra}, which this command gives";
            return $"{path} differs from this command's plan";
        }
        catch (JsonException) { return $"{path} is not a sweep plan this command wrote"; }
    }
}
