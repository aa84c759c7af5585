namespace Hw4.Transformer;

/// <summary>
/// How <see cref="Trainer.Train"/> trains: AdamW ("Decoupled Weight Decay Regularization", Loshchilov and Hutter 2019)
/// at a constant learning rate on random windows of the token stream. The defaults train the homework's model on its
/// corpus in about 10 s on one CPU core.
/// </summary>
/// <param name="steps">Optimiser steps.</param>
/// <param name="batch_size">Windows per step.</param>
/// <param name="seq_len">Tokens per window (at most n_ctx).</param>
/// <param name="lr">AdamW's learning rate.</param>
/// <param name="weight_decay">AdamW's decoupled weight decay.</param>
/// <param name="seed">Seed of the CPU generator that picks the windows.</param>
public sealed record TrainingConfig(
    int steps = 400,
    long batch_size = 16,
    long seq_len = 64,
    double lr = 3e-3,
    double weight_decay = 0.01,
    long seed = 0);
