using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;
using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

/// <param name="Folds">K; each model trains on K − 1 folds and labels the one it never saw.</param>
/// <param name="MinConfidence">Student probability at or above which a disagreement is acted on.</param>
/// <param name="WordNgramLength">Word n-grams of length 1 to this; 0 turns word features off.</param>
/// <param name="CharNgramLength">Character n-grams of exactly this length; 0 turns them off.</param>
/// <param name="L2Regularization">The trainer's L2 weight; null keeps the trainer's default.</param>
/// <param name="BalanceClasses">Weights each training sample by n / (labels · its label's count), so a skewed stream does not teach the student to predict the majority label.</param>
public sealed record StudentOptions(
    int Folds = 5,
    int Seed = 0,
    double MinConfidence = 0.9,
    DisagreementPolicy Policy = DisagreementPolicy.Relabel,
    StudentFeatures Features = StudentFeatures.Text,
    StudentTrainer Trainer = StudentTrainer.LbfgsMaximumEntropy,
    int WordNgramLength = 2,
    int CharNgramLength = 3,
    float? L2Regularization = null,
    bool BalanceClasses = true);
