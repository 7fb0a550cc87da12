using System.ComponentModel.DataAnnotations;

namespace Synth.Store;

public enum StoreProvider
{
    Sqlite = 1,
    Mongo = 2,
}
