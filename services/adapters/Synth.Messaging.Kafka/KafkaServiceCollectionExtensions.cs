using Microsoft.Extensions.DependencyInjection;

namespace Synth.Messaging.Kafka;

public static class KafkaServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="KafkaOptions"/> bound to the "Kafka" configuration section and validated at start-up,
    /// the <see cref="KafkaPublisher"/> as the <see cref="IMessagePublisher"/>, and <see cref="KafkaConsumer"/>.
    /// </summary>
    public static IServiceCollection AddKafkaMessaging(this IServiceCollection services)
    {
        services.AddOptions<KafkaOptions>()
            .BindConfiguration(KafkaOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<KafkaPublisher>();
        services.AddSingleton<IMessagePublisher>(sp => sp.GetRequiredService<KafkaPublisher>());
        services.AddSingleton<KafkaConsumer>();
        return services;
    }

    /// <summary>Kafka as the pipeline's <see cref="IMessageTransport"/> (with <see cref="AddKafkaMessaging"/>).</summary>
    public static IServiceCollection AddKafkaTransport(this IServiceCollection services)
    {
        services.AddKafkaMessaging();
        services.AddSingleton<IMessageTransport, KafkaTransport>();
        return services;
    }
}
