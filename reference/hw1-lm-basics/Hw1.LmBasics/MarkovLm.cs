using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw1.LmBasics;

/// <summary>
/// The bigram model as a neural network: a bias-free <c>Linear(V, V)</c> applied to the one-hot vector of the
/// current token, giving the logits of the next one. <c>P(next = j | current = i) = softmax(W[i])_j</c>.
/// Trained with cross-entropy on (current, next) pairs, it converges to the count-based maximum-likelihood model
/// (Bengio et al. 2003 and Karpathy's "makemore" make the same point), and its training loss to the conditional
/// entropy of the bigram counts.
/// </summary>
public sealed class MarkovLm : Module<Tensor, Tensor>
{
    /// <summary><c>[V, V]</c>: row i holds the logits of the next token after token i (nn.Linear's weight, transposed).</summary>
    public readonly Parameter W;

    /// <summary>W starts at zero, so the untrained model is uniform and its loss is ln V.</summary>
    public MarkovLm(long vocabSize) : base(nameof(MarkovLm))
    {
        W = nn.Parameter(zeros(vocabSize, vocabSize));
        RegisterComponents();
    }

    public long VocabSize => W.shape[0];

    /// <summary>
    /// <c>tokens [...]</c> int64 → logits <c>[..., V]</c> in W's dtype: <c>one_hot(tokens) W</c>, i.e. row tokens[...] of W.
    /// Gradients must reach W.
    /// </summary>
    public override Tensor forward(Tensor tokens)
    {
        // BEGIN SOLUTION: one_hot(tokens, V) as W's dtype, times W (or index the rows of W); keep any leading dimensions
        var oneHot = functional.one_hot(tokens, VocabSize).to_type(W.dtype); // [..., V]
        return oneHot.matmul(W); // [..., V]
        // END SOLUTION
    }

    /// <summary>
    /// Mean cross-entropy (nats) of predicting <c>next [n]</c> from <c>current [n]</c>: a scalar of W's dtype (float32),
    /// finite for logits in the hundreds (subtract each row's maximum before exp, as cross_entropy does).
    /// </summary>
    public Tensor Loss(Tensor current, Tensor next)
    {
        // BEGIN SOLUTION: cross_entropy of the logits of current against next (mean over the pairs)
        return functional.cross_entropy(call(current), next);
        // END SOLUTION
    }

    /// <summary>
    /// <c>softmax(W)</c> over each row, float64, detached: the model's transition matrix M (finite for logits in the
    /// hundreds).
    /// </summary>
    public Tensor TransitionMatrix()
    {
        // BEGIN SOLUTION: softmax of W over the last dimension, detached and converted to float64
        using var noGrad = no_grad();
        return W.softmax(-1).to_type(ScalarType.Float64); // [V, V]
        // END SOLUTION
    }

    /// <summary>
    /// One optimisation step on all the pairs at once: zero the gradients, compute <see cref="Loss"/>, backpropagate,
    /// step. Returns the loss before the step.
    /// </summary>
    public double TrainStep(optim.Optimizer optimizer, Tensor current, Tensor next)
    {
        // BEGIN SOLUTION: optimizer.zero_grad(), loss = Loss(current, next), loss.backward(), optimizer.step(); return loss.item<float>()
        optimizer.zero_grad();
        var loss = Loss(current, next);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
        // END SOLUTION
    }

    /// <summary>
    /// Trains with Adam (learning rate <paramref name="lr"/>, default betas) for <paramref name="steps"/> full-batch
    /// <see cref="TrainStep"/>s, and returns the loss of each step. Free each step's tensors (a dispose scope per step).
    /// </summary>
    public double[] Fit(Tensor current, Tensor next, int steps, double lr)
    {
        // BEGIN SOLUTION: make optim.Adam(parameters(), lr), then call TrainStep steps times inside NewDisposeScope() each
        var optimizer = optim.Adam(parameters(), lr);
        var losses = new double[steps];
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            losses[step] = TrainStep(optimizer, current, next);
        }
        return losses;
        // END SOLUTION
    }
}
