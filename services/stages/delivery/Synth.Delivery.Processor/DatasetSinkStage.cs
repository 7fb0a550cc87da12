using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synth.Delivery;

namespace Synth.Delivery.Processor;

public static class DatasetSinkStage
{
    /// <summary>
    /// The dataset sink (<c>Synth.Worker --stage dataset-sink</c>): <see cref="DatasetSinkService"/> over the registered
    /// transport, writing to the local folder <c>DatasetSink:Folder</c> or, with <c>DatasetSink:Target=azure-blob</c>, to an Azure Blob Storage container. Needs an <c>IMessageTransport</c>, a
    /// <c>WorkerHealth</c> and a <see cref="TimeProvider"/> registered.
    /// </summary>
    public static IServiceCollection AddDatasetSinkStage(this IServiceCollection services)
    {
        services.AddOptions<DatasetSinkOptions>().BindConfiguration(DatasetSinkOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => CreateTarget(sp.GetRequiredService<IOptions<DatasetSinkOptions>>().Value));
        services.AddSingleton(sp => new DatasetSink(
            sp.GetRequiredService<IDatasetTarget>(),
            sp.GetRequiredService<IOptions<DatasetSinkOptions>>().Value.Policy,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DatasetSink>>()));
        services.AddHostedService<DatasetSinkService>();
        return services;
    }

    /// <summary>The target <see cref="DatasetSinkOptions.Target"/> names.</summary>
    public static IDatasetTarget CreateTarget(DatasetSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Target == DatasetSinkOptions.AzureBlobTarget
            ? new AzureBlobTarget(new BlobContainerClient(options.AzureBlobConnectionString, options.AzureBlobContainer))
            : new LocalFolderTarget(options.Folder);
    }
}
