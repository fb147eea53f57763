using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Backprop.Pages;

/// <summary>
/// One self-contained HTML page: the shared style and scripts (Assets, embedded in the assembly), one page
/// script, and the numbers the library computed as JSON. No font, script or image is fetched: a Content-Security-Policy
/// forbids every request (the playground's page alone may talk to the server that served it).
/// The scripts only draw; every number on a page is one the library computed and wrote into the data.
/// </summary>
internal static class HtmlPage
{
    /// <summary>The scripts every page loads before its own: small DOM and SVG helpers, the line chart, the network drawing.</summary>
    private static readonly string[] SharedScripts = ["common.js", "network.js"];

    /// <summary>
    /// The page titled <paramref name="title"/> that runs the asset <paramref name="script"/> (say "trace.js") on the data
    /// <paramref name="writeData"/> writes (one JSON value, read by the script as <c>Page.data</c>).
    /// </summary>
    public static string Render(string title, string script, Action<Utf8JsonWriter> writeData) =>
        RenderScript(title, Asset(script), writeData);

    /// <summary>
    /// The page titled <paramref name="title"/> that runs <paramref name="scriptText"/> (a page script of the caller's own,
    /// such as the playground's) on the data <paramref name="writeData"/> writes; with <paramref name="talksToServer"/>,
    /// the page may also send requests to the server that served it.
    /// </summary>
    public static string RenderScript(string title, string scriptText, Action<Utf8JsonWriter> writeData, bool talksToServer = false)
    {
        var json = new MemoryStream();
        // The default encoder escapes <, > and & (as \u003C ...), so the data cannot end its script element.
        using (var writer = new Utf8JsonWriter(json)) writeData(writer);
        string connect = talksToServer ? " connect-src 'self';" : "";
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append($"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:;{connect}\">\n")
            .Append("<meta name=\"generator\" content=\"backprop ").Append(Escape(Version)).Append("\">\n")
            .Append("<title>").Append(Escape(title)).Append("</title>\n")
            .Append("<style>\n").Append(Asset("common.css")).Append("</style>\n</head>\n<body>\n")
            .Append("<main id=\"page\"><h1>").Append(Escape(title)).Append("</h1></main>\n")
            .Append("<script type=\"application/json\" id=\"page-data\">").Append(Encoding.UTF8.GetString(json.ToArray())).Append("</script>\n")
            .Append("<script>\n");
        foreach (string shared in SharedScripts) page.Append(Asset(shared)).Append('\n');
        page.Append(scriptText).Append("</script>\n</body>\n</html>\n");
        return page.ToString();
    }

    /// <summary>Writes <paramref name="html"/> to <paramref name="path"/> in UTF-8 (no byte order mark).</summary>
    public static void Write(string path, string html)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, html, new UTF8Encoding(false));
    }

    /// <summary>The text of an embedded asset (Assets/NAME).</summary>
    public static string Asset(string name) => Resource(typeof(HtmlPage).Assembly, "Backprop.Pages." + name);

    /// <summary>The text of the embedded resource <paramref name="name"/> of <paramref name="assembly"/>.</summary>
    public static string Resource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The page asset '{name}' is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Text made safe for HTML element content and attribute values.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");

    private static string Version =>
        typeof(HtmlPage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "";
}
