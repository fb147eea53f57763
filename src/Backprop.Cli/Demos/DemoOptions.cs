using Backprop.Formatting;

namespace Backprop.Cli.Demos;

/// <summary>What <c>backprop demo NAME</c> was given besides the name.</summary>
/// <param name="Normalize">minmax or standard: scale each input column first (dimmer); null to leave inputs as they are.</param>
/// <param name="Data">A folder of IDX train/t10k pairs (overfitting); null for the default.</param>
internal sealed record DemoOptions(string? Normalize = null, string? Data = null);
