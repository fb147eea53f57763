namespace Backprop.Formatting;
public enum NumpyDtype { Float64, Float32, Int64, Bool }
public static class PyFormat { public static string Repr(double v) => v.ToString("R"); public static string Repr(float v) => v.ToString("R"); }
public static class NumpyFormat {
  public static string ArrayRepr(ReadOnlySpan<double> d, ReadOnlySpan<int> s, NumpyDtype t) => "array(" + string.Join(", ", d.ToArray()) + ")";
  public static string ArrayStr(ReadOnlySpan<double> d, ReadOnlySpan<int> s, NumpyDtype t) => "[" + string.Join(" ", d.ToArray()) + "]";
}
