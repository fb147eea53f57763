using System.Numerics;

namespace Backprop.Training;

/// <summary>The largest disagreement between backpropagation's gradient and central finite differences, for one parameter.</summary>
/// <param name="Parameter">The parameter's name, e.g. weights_0_1.</param>
/// <param name="MaxRelativeError">max |analytic - numeric| / max(|analytic| + |numeric|, 1e-8) over its elements.</param>
/// <param name="MaxAbsoluteError">max |analytic - numeric| over its elements.</param>
public sealed record GradientCheckResult(string Parameter, double MaxRelativeError, double MaxAbsoluteError);
