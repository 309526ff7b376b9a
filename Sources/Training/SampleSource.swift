/// Where a training loop's generations get their new samples.
public enum SampleSource: Sendable {
    /// The loop plays the self-play games itself, with its best network (`selfplay train`).
    case selfPlay
    /// Worker processes play them into the run's shards (`selfplay worker`); each generation waits
    /// until the shards hold `selfPlay.games` games and takes the oldest shards that hold them (`selfplay learn`).
    case shards(ShardStore)
}
