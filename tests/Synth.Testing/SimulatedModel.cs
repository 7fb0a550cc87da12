using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Synth.Testing;

/// <summary>
/// An OpenAI-protocol model (on <see cref="ScriptedChatServer"/>) that answers generation prompts with real labelled
/// sentences and injects faults at set rates (<see cref="SimulatedModelOptions"/>), and answers the label refiner's
/// relabel prompt, the filter's judge prompt and the evaluator's faithfulness prompt from the ground truth with a set
/// error rate. Every served sample is logged with its truth (<see cref="Served"/>), so a benchmark can join a job's
/// final samples against it by text. Deterministic for one seed and one request order.
/// </summary>
public sealed partial class SimulatedModel : IAsyncDisposable
{
    private static readonly string[] Refusals =
    [
        "I'm sorry, but I can't write fake reviews of products I have not used.",
        "As an AI language model, I do not have personal experiences with restaurants or products.",
        "I am unable to generate reviews because that could mislead real customers.",
    ];

    private static readonly string[] Preambles = ["Sure! Here is a {0} review: ", "Certainly! Here's one: ", "Of course. Here is an example: "];
    private static readonly string[] InsertedWords = ["really", "honestly", "just", "very", "truly", "actually"];

    private readonly ScriptedChatServer _server;
    private readonly SimulatedModelOptions _options;
    private readonly Random _random;
    private readonly object _gate = new();
    private readonly Queue<LabelledSentence>[] _sentences;
    private readonly Queue<string> _offTask;
    private readonly List<ServedItem> _served = [];
    private readonly List<ServedItem> _originals = [];
    private readonly Dictionary<string, ServedItem> _byText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _answers = new(StringComparer.Ordinal);
    private readonly List<DateTimeOffset> _generationAnswers = [];

    private SimulatedModel(ScriptedChatServer server, SimulatedModelOptions options, IReadOnlyList<LabelledSentence> onTask, IReadOnlyList<string> offTask)
    {
        if (options.Labels.Count != 2)
        {
            throw new ArgumentException("The simulated model serves the two UCI classes: give two label names.", nameof(options));
        }

        _server = server;
        _options = options;
        _random = new Random(options.Seed);
        // Each sentence is served once as an original, in a seeded shuffle per class.
        _sentences = [.. Enumerable.Range(0, options.Labels.Count).Select(label => new Queue<LabelledSentence>(Shuffle(onTask.Where(s => s.Class == label))))];
        _offTask = new Queue<string>(Shuffle(offTask));
        server.Responder = Respond;
        server.MaxConcurrent = options.MaxConcurrent;
    }

    /// <summary>Base URL for a job spec's <c>generation.baseUrl</c>.</summary>
    public Uri BaseUrl => _server.BaseUrl;

    /// <summary>Every request received, answered or turned away at <see cref="SimulatedModelOptions.MaxConcurrent"/>.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    /// <summary>Requests answered 429 because of <see cref="SimulatedModelOptions.MaxConcurrent"/>.</summary>
    public int Rejected => _server.Rejected;

    /// <summary>Every sample served so far, in serving order.</summary>
    public IReadOnlyList<ServedItem> Served
    {
        get
        {
            lock (_gate)
            {
                return [.. _served];
            }
        }
    }

    /// <summary>When each generation answer was decided (its latency still to come), in order.</summary>
    public IReadOnlyList<DateTimeOffset> GenerationAnswerTimes
    {
        get
        {
            lock (_gate)
            {
                return [.. _generationAnswers];
            }
        }
    }

    /// <summary>Answers given, by kind (generation, relabel, judge, on-task, faithfulness, and the request faults).</summary>
    public IReadOnlyDictionary<string, int> Answers
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_answers, StringComparer.Ordinal);
            }
        }
    }

    /// <param name="onTask">The real labelled sentences it serves (each at most once as an original).</param>
    /// <param name="offTask">The off-task lines it serves as <see cref="FaultKind.OffTask"/>.</param>
    public static async Task<SimulatedModel> StartAsync(SimulatedModelOptions options, IReadOnlyList<LabelledSentence> onTask, IReadOnlyList<string> offTask) =>
        new(await ScriptedChatServer.StartAsync(), options, onTask, offTask);

    /// <summary>The truth of a served text (the first time it was served), or null when it was never served.</summary>
    public ServedItem? Truth(string text)
    {
        lock (_gate)
        {
            return _byText.GetValueOrDefault(text.Trim());
        }
    }

    /// <summary>Writes the served log as JSON lines.</summary>
    public async Task WriteLogAsync(string path)
    {
        await using var writer = new StreamWriter(path);
        foreach (var item in Served)
        {
            await writer.WriteLineAsync(JsonSerializer.Serialize(item));
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private ScriptedReply Respond(JsonObject body)
    {
        var prompt = PromptOf(body);
        lock (_gate)
        {
            if (prompt.Contains("\"faithful\"", StringComparison.Ordinal))
            {
                return Answer("faithfulness", FaithfulnessAnswer(prompt));
            }

            if (prompt.Contains("Rate the sample below on each criterion", StringComparison.Ordinal))
            {
                return Answer("judge", JudgeAnswer(prompt));
            }

            if (prompt.Contains("Is the sample below on-task", StringComparison.Ordinal))
            {
                return Answer("on-task", OnTaskAnswer(prompt));
            }

            if (prompt.Contains("Answer with exactly one label name", StringComparison.Ordinal))
            {
                return Answer("relabel", RelabelAnswer(prompt));
            }

            var draw = _random.NextDouble();
            if ((draw -= _options.TooManyRequests) < 0)
            {
                Count("429");
                return ScriptedReply.TooManyRequests("0").WithLatency(_options.Latency);
            }

            if ((draw -= _options.ServerError) < 0)
            {
                Count("500");
                return ScriptedReply.Status(500, "simulated server error").WithLatency(_options.Latency);
            }

            if ((draw -= _options.TruncatedJson) < 0)
            {
                Count("truncated-json");
                return ScriptedReply.TruncatedJson().WithLatency(_options.Latency);
            }

            var requested = RequestedLabel(prompt);
            var count = CountMatch().Match(prompt) is { Success: true } match ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 1;
            var samples = new JsonArray();
            for (var i = 0; i < count; i++)
            {
                var item = Serve(requested);
                samples.Add(new JsonObject { ["text"] = item.Text, ["label"] = item.ServedLabel });
            }

            return Answer("generation", new JsonObject { ["samples"] = samples }.ToJsonString());
        }
    }

    private ScriptedReply Answer(string kind, string content)
    {
        Count(kind);
        if (kind == "generation")
        {
            _generationAnswers.Add(DateTimeOffset.UtcNow);
        }

        return ScriptedReply.Answer(content, promptTokens: 300, completionTokens: 60).WithLatency(_options.Latency);
    }

    private void Count(string kind) => _answers[kind] = _answers.GetValueOrDefault(kind) + 1;

    private ServedItem Serve(int? requested)
    {
        var label = requested ?? DrawLabel();
        var draw = _random.NextDouble();
        ServedItem item;
        if ((draw -= _options.ExactDuplicate) < 0 && _originals.Count > 0)
        {
            var original = _originals[_random.Next(_originals.Count)];
            item = Log(original.Text, FaultKind.ExactDuplicate, original.TrueLabel, original.ServedLabel);
        }
        else if ((draw -= _options.NearDuplicate) < 0 && _originals.Count > 0)
        {
            var original = _originals[_random.Next(_originals.Count)];
            item = Log(InsertWord(original.Text), FaultKind.NearDuplicate, original.TrueLabel, original.ServedLabel);
        }
        else if ((draw -= _options.Refusal) < 0)
        {
            item = Log(Refusals[_random.Next(Refusals.Length)], FaultKind.Refusal, null, _options.Labels[label]);
        }
        else if ((draw -= _options.OffTask) < 0 && _offTask.Count > 0)
        {
            item = Log(_offTask.Dequeue(), FaultKind.OffTask, null, _options.Labels[label]);
        }
        else if ((draw -= _options.Preamble) < 0)
        {
            var sentence = NextSentence(label);
            var preamble = string.Format(CultureInfo.InvariantCulture, Preambles[_random.Next(Preambles.Length)], _options.Labels[label]);
            item = Log(preamble + sentence.Text, FaultKind.Preamble, _options.Labels[label], _options.Labels[label]);
        }
        else if ((draw -= _options.WrongLabel) < 0)
        {
            // The label asked for (or drawn) on a sentence of the other class, as a model that misjudges its own text.
            var sentence = NextSentence(1 - label);
            item = Log(sentence.Text, FaultKind.WrongLabel, _options.Labels[1 - label], _options.Labels[label]);
            _originals.Add(item);
        }
        else
        {
            var sentence = NextSentence(label);
            item = Log(sentence.Text, FaultKind.Clean, _options.Labels[label], _options.Labels[label]);
            _originals.Add(item);
        }

        return item;
    }

    private ServedItem Log(string text, FaultKind fault, string? trueLabel, string servedLabel)
    {
        var item = new ServedItem(_served.Count, text, fault, trueLabel, servedLabel);
        _served.Add(item);
        _byText.TryAdd(text.Trim(), item);
        return item;
    }

    private LabelledSentence NextSentence(int label) =>
        _sentences[label].TryDequeue(out var sentence)
            ? sentence
            : throw new InvalidOperationException($"The simulated model has served every real '{_options.Labels[label]}' sentence; give it more text or ask for fewer samples.");

    private int DrawLabel()
    {
        var shares = _options.LabelShares ?? [.. _options.Labels.Select(_ => 1.0 / _options.Labels.Count)];
        var draw = _random.NextDouble() * shares.Sum();
        for (var label = 0; label < shares.Count; label++)
        {
            if ((draw -= shares[label]) < 0)
            {
                return label;
            }
        }

        return shares.Count - 1;
    }

    /// <summary>
    /// The label a generation prompt asks for: the label named more often than every other as a whole word (the label
    /// list names each once; a condition or instruction naming one tips it), whatever the wording; null when none stands out.
    /// </summary>
    private int? RequestedLabel(string prompt)
    {
        var counts = _options.Labels.Select(label => Regex.Matches(prompt, $@"\b{Regex.Escape(label)}\b", RegexOptions.IgnoreCase).Count).ToList();
        var most = counts.Max();
        return counts.Count(count => count == most) == 1 ? counts.IndexOf(most) : null;
    }

    private string InsertWord(string text)
    {
        var words = text.Split(' ').ToList();
        words.Insert(_random.Next(1, Math.Max(2, words.Count)), InsertedWords[_random.Next(InsertedWords.Length)]);
        return string.Join(' ', words);
    }

    /// <summary>Whether a served sample is what the job asked for: on-task, truthfully labelled, no chat wrapping.</summary>
    private static bool Good(ServedItem? item, string? label) =>
        item is { Fault: FaultKind.Clean or FaultKind.WrongLabel or FaultKind.ExactDuplicate or FaultKind.NearDuplicate } && item.TrueLabel == label;

    private bool Errs() => _random.NextDouble() < _options.AnswerErrorRate;

    private string RelabelAnswer(string prompt)
    {
        var start = prompt.IndexOf("\nText:\n", StringComparison.Ordinal) + "\nText:\n".Length;
        var end = prompt.LastIndexOf("\n\nAnswer with exactly one label name", StringComparison.Ordinal);
        var truth = Truth(prompt[start..Math.Max(start, end)]);
        var label = truth?.TrueLabel is { } known ? _options.Labels.ToList().IndexOf(known) : _random.Next(_options.Labels.Count);
        return _options.Labels[Errs() ? 1 - label : label];
    }

    private string JudgeAnswer(string prompt)
    {
        // The judge rates the text (on-task, no chat wrapping); whether its label is right is the relabeller's question.
        var (text, _) = QuotedSample(prompt, "\nlabel: ");
        var truth = Truth(text);
        var criteria = prompt.Split('\n')
            .SkipWhile(line => !line.StartsWith("Rate the sample below", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(line => line.StartsWith("- ", StringComparison.Ordinal))
            .Select(line => line[2..].Trim());
        var good = Good(truth, truth?.TrueLabel) != Errs();
        var scores = new JsonObject();
        foreach (var criterion in criteria)
        {
            scores[criterion] = good ? 0.9 : 0.2;
        }

        return scores.ToJsonString();
    }

    private string OnTaskAnswer(string prompt)
    {
        // On-task is the text's kind, not its label: a wrongly labelled review is still a review.
        var (text, _) = QuotedSample(prompt, null);
        var onTask = Truth(text) is not { Fault: FaultKind.OffTask or FaultKind.Refusal };
        return onTask != Errs() ? "yes" : "no";
    }

    private string FaithfulnessAnswer(string prompt)
    {
        var (text, _) = QuotedSample(prompt, null);
        var label = prompt.Split('\n').LastOrDefault(line => line.StartsWith("Label: ", StringComparison.Ordinal))?["Label: ".Length..].Trim();
        var faithful = Good(Truth(text), label) != Errs();
        return new JsonObject { ["faithful"] = faithful, ["reason"] = faithful ? "fits the task and its label" : "off-task or wrongly labelled" }.ToJsonString();
    }

    /// <summary>The text between <c>Sample:\n"""</c> and the closing <c>"""</c>, split from a trailing label line.</summary>
    private static (string Text, string? Label) QuotedSample(string prompt, string? labelLine)
    {
        const string Open = "Sample:\n\"\"\"\n";
        var start = prompt.IndexOf(Open, StringComparison.Ordinal) + Open.Length;
        var end = prompt.IndexOf("\n\"\"\"", start, StringComparison.Ordinal);
        var quoted = prompt[start..(end < 0 ? prompt.Length : end)];
        var split = labelLine is null ? -1 : quoted.LastIndexOf(labelLine, StringComparison.Ordinal);
        return split < 0 ? (quoted, null) : (quoted[..split], quoted[(split + labelLine!.Length)..].Trim());
    }

    private static string PromptOf(JsonObject body)
    {
        var prompt = new StringBuilder();
        foreach (var message in body["messages"]?.AsArray() ?? [])
        {
            var content = message?["content"];
            if (content is JsonArray parts)
            {
                foreach (var part in parts)
                {
                    prompt.AppendLine(part?["text"]?.GetValue<string>());
                }
            }
            else if (content is JsonValue value && value.TryGetValue<string>(out var text))
            {
                prompt.AppendLine(text);
            }
        }

        return prompt.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private List<T> Shuffle<T>(IEnumerable<T> items)
    {
        var list = items.ToList();
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }

        return list;
    }

    [GeneratedRegex(@"Write (\d+) new")]
    private static partial Regex CountMatch();
}
