using ScottPlot;
using static TorchSharp.torch;

namespace Hw7.Sae.Plots;

/// <summary>
/// toy_gram.png: YOUR <see cref="Superposition.Gram"/> <c>WᵀW</c> of a toy model trained at several sparsities (the paper's
/// first figure). Entry (i, j) is <c>W_i · W_j</c>: with dense features the diagonal holds the few most important
/// features and the rest is empty; as sparsity grows, more features are kept and off-diagonal entries appear, negative
/// ones for features stored opposite each other. Above each panel, YOUR <see cref="Superposition.RepresentedCount"/>.
/// </summary>
static class GramPlot
{
    public static void Draw(ToyRun run, string path)
    {
        var gram = Superposition.Gram(run.W); // [n_inst, n_features, n_features]
        var counts = Superposition.RepresentedCount(run.W); // [n_inst]
        var multiplot = new Multiplot();
        multiplot.AddPlots(run.Sparsities.Count);
        for (int i = 0; i < run.Sparsities.Count; i++)
        {
            var plot = multiplot.GetPlot(i);
            var values = ToArray(gram[i]);
            var heatmap = plot.Add.Heatmap(values);
            heatmap.Colormap = new ScottPlot.Colormaps.Balance();
            heatmap.ManualRange = new ScottPlot.Range(-1.2, 1.2);
            int n = values.GetLength(0);
            plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
            plot.Axes.Bottom.SetTicks([0, n - 1], ["0", $"{n - 1}"]);
            plot.Axes.Left.SetTicks([n - 1, 0], ["0", $"{n - 1}"]); // row 0 at the top
            plot.Title($"S = {run.Sparsities[i]}: {counts[i].item<long>()} of {n} kept" + (i == 0 ? $", I = {run.ImportanceRatio}^i" : ""), 13);
            if (i == run.Sparsities.Count - 1) plot.Add.ColorBar(heatmap).Label = "W_i · W_j";
        }
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        multiplot.GetPlot(0).YLabel($"WᵀW: {run.NFeatures} features, {run.DHidden} dims", 13);
        multiplot.SavePng(path, 300 * run.Sparsities.Count + 80, 370);
    }

    /// <summary>A <c>[rows, cols]</c> tensor as doubles.</summary>
    static double[,] ToArray(Tensor grid)
    {
        int rows = (int)grid.shape[0], cols = (int)grid.shape[1];
        var flat = grid.detach().to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        var values = new double[rows, cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                values[r, c] = flat[r * cols + c];
        return values;
    }
}
