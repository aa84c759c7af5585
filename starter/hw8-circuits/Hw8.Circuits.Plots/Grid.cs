using ScottPlot;
using static TorchSharp.torch;

namespace Hw8.Circuits.Plots;

/// <summary>Heat maps of <c>[rows, cols]</c> tensors with row 0 at the top.</summary>
static class Grid
{
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

    /// <summary>
    /// Draws <paramref name="values"/> (NaN cells blank) with cell (r, c) centred at x = c, y = rows − 1 − r, so row 0 is
    /// at the top; the axes fit the grid exactly.
    /// </summary>
    public static ScottPlot.Plottables.Heatmap Draw(Plot plot, double[,] values, IColormap colormap, double min, double max)
    {
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = colormap;
        heatmap.ManualRange = new ScottPlot.Range(min, max);
        heatmap.NaNCellColor = Colors.Transparent;
        plot.Axes.SetLimits(-0.5, values.GetLength(1) - 0.5, -0.5, values.GetLength(0) - 0.5);
        return heatmap;
    }

    /// <summary>Labels every <paramref name="step"/>-th column and row of an n × n grid, row 0 at the top.</summary>
    public static void Ticks(Plot plot, int n, int step, Func<int, string> columnLabel, Func<int, string> rowLabel)
    {
        int[] at = [.. Enumerable.Range(0, n).Where(i => i % step == 0)];
        plot.Axes.Bottom.SetTicks([.. at.Select(c => (double)c)], [.. at.Select(columnLabel)]);
        plot.Axes.Left.SetTicks([.. at.Select(r => (double)(n - 1 - r))], [.. at.Select(rowLabel)]);
    }
}
