using Course.Grader.Authoring;
using Snapshooter.NUnit;

namespace Course.Grader.Tests.Authoring;

public class StarterSnapshotTests
{
    [Test]
    public void Given_an_attention_head_reference_When_generated_Then_the_starter_matches_the_reviewed_snapshot()
    {
        const string reference = """
            using TorchSharp;
            using static TorchSharp.torch;

            namespace Hw3.Attention;

            /// <summary>One causal self-attention head (Vaswani et al., 2017, §3.2.1).</summary>
            public sealed class AttentionHead : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> W_Q, W_K, W_V;
                private readonly double scale;

                public AttentionHead(int d_model, int d_head) : base(nameof(AttentionHead))
                {
                    W_Q = nn.Linear(d_model, d_head, hasBias: false);
                    W_K = nn.Linear(d_model, d_head, hasBias: false);
                    W_V = nn.Linear(d_model, d_head, hasBias: false);
                    scale = 1.0 / Math.Sqrt(d_head);
                    RegisterComponents();
                }

                /// <param name="x">[batch, pos, d_model]</param>
                /// <returns>[batch, pos, d_head]</returns>
                public override Tensor forward(Tensor x)
                {
                    using var scope = NewDisposeScope();
                    // BEGIN SOLUTION: Scale the scores by 1/sqrt(d_head) before masking; use CausalMask.Apply.
                    var q = W_Q.call(x); // [batch, pos, d_head]
                    var k = W_K.call(x);
                    var scores = q.matmul(k.transpose(-2, -1)) * scale; // [batch, pos, pos]
                    var pattern = CausalMask.Apply(scores).softmax(-1);
                    return pattern.matmul(W_V.call(x)).MoveToOuterDisposeScope();
                    // END SOLUTION
                }
            }
            """;

        Snapshot.Match(StarterGenerator.GenerateSource(reference, "AttentionHead.cs"));
    }
}
