using System.CommandLine;
using Spectre.Console;
using Synth.Llm;
using Synth.Llm.Models;

namespace Synth.Cli;

/// <summary><c>synth models list|pull|path</c>: the local models a job uses when no endpoint answers.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List the catalog's models, which one is the default, and which are downloaded.");
        list.SetAction(_ => List());

        var pullName = NameArgument();
        var pull = new Command("pull", "Download a model (the default when no name is given) into the model cache.") { pullName };
        pull.SetAction((parse, cancellationToken) => PullAsync(parse.GetValue(pullName), cancellationToken));

        var pathName = NameArgument();
        var path = new Command("path", "Print where a model's file is, or goes: copy a GGUF file there to use it offline.") { pathName };
        path.SetAction(parse => Path(parse.GetValue(pathName)));

        return new Command("models", $"The local models (GGUF, in-process) a job with provider: auto uses when no endpoint answers. Cache: ${ModelCache.DirectoryVariable}, else ~/.cache/synth/models.")
        {
            list,
            pull,
            path,
        };
    }

    private static Argument<string?> NameArgument() => new("name")
    {
        Description = "The model's name in the catalog (synth models list); the default model when left out.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static int List()
    {
        var cache = new ModelCache();
        var catalog = ModelCatalog.BuiltIn;
        var table = new Table().AddColumn("name").AddColumn("size").AddColumn("downloaded").AddColumn("description");
        foreach (var model in catalog.Models)
        {
            var name = model == catalog.Default ? $"{model.Name} (default)" : model.Name;
            table.AddRow(Markup.Escape(name), ModelDownloadDisplay.Size(model.SizeBytes), Markup.Escape(cache.Find(model) ?? "no"), Markup.Escape(model.Description));
        }

        AnsiConsole.Write(table);
        Console.WriteLine($"Cache: {cache.Directory}");
        return ExitCodes.Success;
    }

    private static async Task<int> PullAsync(string? name, CancellationToken cancellationToken)
    {
        try
        {
            var model = ModelCatalog.BuiltIn.Find(name);
            var path = await ModelDownloadDisplay.PullAsync(new ModelDownloader(new ModelCache()), model, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"{model.Name}: {path}");
            return ExitCodes.Success;
        }
        catch (LlmConfigurationException ex)
        {
            return CliErrors.Fail(ex.Message, "`synth models list` shows the models.", ex);
        }
        catch (ModelDownloadException ex)
        {
            return CliErrors.Fail(ex.Message, LocalModelHelp.Hint(new ModelCache(), ModelCatalog.BuiltIn.Find(name)), ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled. Run `synth models pull` again to resume the download.");
            return ExitCodes.Cancelled;
        }
    }

    private static int Path(string? name)
    {
        try
        {
            var cache = new ModelCache();
            var model = ModelCatalog.BuiltIn.Find(name);
            Console.WriteLine(cache.PathOf(model));
            if (cache.Find(model) is null)
            {
                Console.Error.WriteLine($"(not downloaded yet: `synth models pull {model.Name}`, or copy the GGUF file to that path)");
            }

            return ExitCodes.Success;
        }
        catch (LlmConfigurationException ex)
        {
            return CliErrors.Fail(ex.Message, "`synth models list` shows the models.", ex);
        }
    }
}
