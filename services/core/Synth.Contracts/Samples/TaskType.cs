namespace Synth.Contracts.Samples;

public enum TaskType
{
    TextClassification = 1,
    InstructionResponse = 2,
    QuestionAnswering = 3,
    Dialogue = 4,
    Reasoning = 5,
}
