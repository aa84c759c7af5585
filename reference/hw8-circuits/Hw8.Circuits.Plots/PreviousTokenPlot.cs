using Course.Lens;
using ScottPlot;

namespace Hw8.Circuits.Plots;

/// <summary>
/// prev-token-qk.png: YOUR <see cref="Circuits.PositionalQK"/> of YOUR <see cref="HeadFinding.PreviousTokenHead"/>, the
/// attention score W_pos W_Q W_Kᵀ W_posᵀ of each query position (rows) for each key position (columns), dense through
/// <see cref="FactoredMatrix.AB"/>. Keys after the query are masked (blank). A previous-token head's scores peak on the
/// first diagonal below the main one: each position looks one back.
/// </summary>
static class PreviousTokenPlot
{
    public static void Draw(HookedAttnOnlyTransformer model, string path)
    {
        var head = HeadFinding.PreviousTokenHead(model);
        var values = Grid.ToArray(Circuits.PositionalQK(model, 0, head).AB); // [n_ctx (query), n_ctx (key)]
        int n = values.GetLength(0);
        for (int q = 0; q < n; q++)
            for (int k = q + 1; k < n; k++)
                values[q, k] = double.NaN;
        var range = values.Cast<double>().Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(1).Max();

        var plot = new Plot();
        var heatmap = Grid.Draw(plot, values, new ScottPlot.Colormaps.Balance(), -range, range);
        plot.Add.ColorBar(heatmap).Label = "attention score (before scaling and softmax)";
        Grid.Ticks(plot, n, Math.Max(1, n / 8), k => $"{k}", q => $"{q}");
        plot.Title($"Positional QK circuit W_pos W_Q W_K^T W_pos^T of the previous-token head L0H{head}\n(keys after the query masked)", 14);
        plot.XLabel("key position");
        plot.YLabel("query position");
        plot.SavePng(path, 900, 800);
    }
}
