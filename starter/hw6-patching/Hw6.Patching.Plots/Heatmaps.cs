using ScottPlot;
using static TorchSharp.torch;

namespace Hw6.Patching.Plots;

/// <summary>Signed heat maps: a diverging colormap centred at 0 (blue below, white at 0, red above), row 0 at the top.</summary>
static class Heatmaps
{
    /// <summary>The colour bar's label of a patching grid.</summary>
    public const string MetricLabel = "metric: 0 = corrupted, 1 = clean";

    /// <summary>A <c>[rows, cols]</c> tensor as doubles.</summary>
    public static double[,] ToArray(Tensor grid)
    {
        if (grid.dim() != 2) throw new ArgumentException($"expected a [rows, cols] grid, got shape [{string.Join(", ", grid.shape)}]", nameof(grid));
        int rows = (int)grid.shape[0], cols = (int)grid.shape[1];
        var flat = grid.detach().to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        var values = new double[rows, cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                values[r, c] = flat[r * cols + c];
        return values;
    }

    /// <summary>The largest |value|, at least <paramref name="floor"/>: the colour range is [-that, that].</summary>
    public static double Range(double[,] values, double floor) => Math.Max(floor, values.Cast<double>().Select(Math.Abs).DefaultIfEmpty(0).Max());

    /// <summary>
    /// Draws <paramref name="values"/> with cell (r, c) centred at x = c and row 0 at the top, each cell whose |value| is at
    /// least <paramref name="labelAbove"/> written in it, and a colour bar.
    /// </summary>
    public static void Draw(Plot plot, double[,] values, double range, string colorBarLabel, double labelAbove = 0.005, float fontSize = 11,
        Func<int, int, string>? cellPrefix = null)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = new ScottPlot.Colormaps.Balance();
        heatmap.ManualRange = new ScottPlot.Range(-range, range);
        // Without an extent, cell (r, c) is the unit square centred at (c, rows - 1 - r): row 0 at the top.
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                double value = values[r, c];
                if (Math.Abs(value) < labelAbove && cellPrefix is null) continue;
                var number = Math.Abs(value) < labelAbove ? "" : value.ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
                var text = plot.Add.Text(cellPrefix is null ? number : $"{cellPrefix(r, c)}\n{number}", c, Y(rows, r));
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = fontSize;
                text.LabelFontColor = Math.Abs(value) > 0.6 * range ? Colors.White : Colors.Black;
            }
        }
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = colorBarLabel;
        plot.Axes.SetLimits(-0.5, cols - 0.5, -0.5, rows - 0.5);
    }

    /// <summary>Labels the rows, row 0 at the top.</summary>
    public static void RowTicks(Plot plot, IReadOnlyList<string> labels)
    {
        double[] ys = [.. Enumerable.Range(0, labels.Count).Select(r => Y(labels.Count, r))];
        plot.Axes.Left.SetTicks(ys, [.. labels]);
    }

    /// <summary>Labels the columns.</summary>
    public static void ColumnTicks(Plot plot, IReadOnlyList<string> labels, float fontSize = 12)
    {
        double[] xs = [.. Enumerable.Range(0, labels.Count).Select(c => (double)c)];
        plot.Axes.Bottom.SetTicks(xs, [.. labels]);
        plot.Axes.Bottom.TickLabelStyle.FontSize = fontSize;
    }

    static double Y(int rows, int r) => rows - 1 - r;
}
