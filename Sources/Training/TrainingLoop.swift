import Foundation
import GameKit
import NeuralNet
import Search

/// The self-play training loop: self-play with the best network → replay window → training
/// steps → candidate → gating arena → evaluation against fixed references → checkpoint.
public final class TrainingLoop<Game: GameState> {
    public let run: RunDirectory
    public let configuration: TrainingConfiguration
    let references: [ReferencePlayer<Game>]
    let labels: LabelledPositions?
    let reporter: any TrainingReporter
    let shouldStop: () -> Bool
    let codeVersion: String

    var rng = Xoshiro256(seed: 0)
    var best = 0
    var bestNetwork: PolicyValueNetwork!
    var trainee: PolicyValueNetwork!
    var optimizer: Optimizer!
    /// Whether the network has grown to `growth.network`.
    var grown = false
    var replay: ReplayBuffer
    var totals = (seconds: 0.0, cpuSeconds: 0.0, simulations: 0, positions: 0)
    var schedule: EvaluationSchedule
    /// Whether the last generation played the budget's final evaluation, which ends the run.
    var endsRun = false
    /// Where generations get their new samples (self-play in this process by default).
    public var sampleSource = SampleSource.selfPlay

    public init(
        run: RunDirectory, configuration: TrainingConfiguration, references: [ReferencePlayer<Game>],
        labels: LabelledPositions?, reporter: any TrainingReporter, codeVersion: String,
        shouldStop: @escaping () -> Bool
    ) {
        self.run = run
        self.configuration = configuration
        self.references = references
        self.labels = labels
        schedule = EvaluationSchedule(settings: configuration.evaluation)
        self.reporter = reporter
        self.codeVersion = codeVersion
        self.shouldStop = shouldStop
        replay = ReplayBuffer(settings: configuration.replay)
    }

    /// The network description the configuration asks for.
    public static func architecture(_ settings: TrainingConfiguration.NetworkSettings) -> NetworkArchitecture {
        let shape = Game.encodingShape
        let body: NetworkArchitecture.Body =
            settings.body == "resnet"
            ? .residual(blocks: settings.blocks, filters: settings.filters)
            : .mlp(hidden: settings.hidden)
        return NetworkArchitecture(
            body: body, inputPlanes: shape.planes, boardHeight: shape.height, boardWidth: shape.width,
            actionCount: Game.actionCount, valueHidden: settings.valueHidden)
    }

    /// The player name of a generation in matches and ratings.
    public static func playerName(_ generation: Int) -> String { "gen\(generation)" }

    // MARK: Running

    /// Runs generations until a budget is reached or `shouldStop` says so.
    public func train() throws -> TrainingStop {
        run.removeIncomplete()
        if run.completeGenerations().isEmpty { try startRun() }
        var last = try resume()
        let budget = configuration.budget
        while true {
            if budget.generations > 0 && last >= budget.generations { return .generations(budget.generations) }
            if budget.wallSeconds > 0 && totals.seconds >= budget.wallSeconds { return .wallTime(budget.wallSeconds) }
            if budget.cpuSeconds > 0 && totals.cpuSeconds >= budget.cpuSeconds { return .cpuTime(budget.cpuSeconds) }
            if budget.simulations > 0 && totals.simulations >= budget.simulations {
                return .simulations(budget.simulations)
            }
            if endsRun { return .finalEvaluation(generation: last) }
            if shouldStop() { return .interrupted }
            guard try runGeneration(last + 1) else { return .interrupted }
            last += 1
        }
    }

    /// Generation 0: a freshly initialized network, rated against the references.
    func startRun() throws {
        let start = ContinuousClock.now
        rng = Xoshiro256(seed: configuration.seed)
        let network = try Self.initialNetwork(configuration.network, seed: rng.next())
        let origin = configuration.network.initialWeights.isEmpty ? "" : " from \(configuration.network.initialWeights)"
        reporter.message("generation 0: \(network.architecture.summary)\(origin)")
        guard let matches = try evaluate(network, generation: 0) else { throw CancellationError() }
        var metrics = GenerationMetrics(
            generation: 0, promoted: true, totalSeconds: 0, totalSimulations: 0, totalPositions: 0)
        metrics.recordMistakes(labels?.mistakeRates(of: network))
        let seconds = (ContinuousClock.now - start).seconds
        metrics.totalSeconds = seconds
        metrics.evaluated = true
        metrics.totalEvaluationSeconds = seconds
        rate(&metrics, matches: matches)
        try checkpoint(
            generation: 0, parent: nil, promoted: true, best: 0, network: network,
            optimizer: configuration.training.makeOptimizer(),
            metrics: metrics, matches: matches, timings: ["evaluation": seconds])
        reporter.message(summary(metrics))
    }

    /// Loads the newest complete generation's state; returns its number.
    func resume() throws -> Int {
        guard let last = run.completeGenerations().last else {
            throw RunDirectoryError("no complete generation in \(run.url.path)")
        }
        let manifest = try run.loadManifest(last)
        best = manifest.best
        rng = Xoshiro256(words: manifest.randomState)
        totals = (
            manifest.totalSeconds, manifest.metrics.totalCPUSeconds ?? 0, manifest.totalSimulations,
            manifest.totalPositions
        )
        let evaluated = try run.completeGenerations().filter { generation in
            let metrics = try generation == last ? manifest.metrics : run.loadManifest(generation).metrics
            return metrics.evaluated ?? (generation % configuration.evaluation.everyGenerations == 0)
        }
        schedule = EvaluationSchedule(
            settings: configuration.evaluation, evaluated: evaluated,
            seconds: manifest.metrics.totalEvaluationSeconds ?? 0)
        endsRun = try manifest.metrics.finalEvaluation == true && stillLooksLast(manifest)
        let loaded = try loadNetwork(last)
        trainee = loaded.network
        grown =
            configuration.growth.atProgress > 0
            && trainee.architecture == Self.architecture(configuration.growth.network)
        let settings = configuration.trainingSettings(grown: grown)
        optimizer = loaded.optimizer ?? settings.makeOptimizer()
        settings.configure(&optimizer)
        bestNetwork = best == last ? loaded.network.copy() : try loadNetwork(best).network
        replay = ReplayBuffer(settings: configuration.replay)
        let window = max(1, last - replay.windowLength(at: last) + 1)..<(last + 1)
        replay.add(
            try window.map { generation in
                let samples = try run.loadSamples(
                    generation: generation, game: Game.name, inputSize: Game.encodingShape.count,
                    actionCount: Game.actionCount)
                return (generation: generation, samples: samples)
            })
        if case .shards(let store) = sampleSource, let consumed = manifest.metrics.consumedShards {
            store.remove(consumed.compactMap { ShardStore.Name(fileName: "\($0).samples") })
        }
        try run.writePromoted(best)
        if last > 0 { reporter.message("resuming after generation \(last) (best: generation \(best))") }
        return last
    }

    /// Fits a fresh `growth.network` on the samples of the last `growth.fitGenerations` generations up to
    /// `generation` (those of the replay window from memory, older ones from disk), in as many steps as
    /// `growth.fitSteps(trainedSteps:)` allows; it becomes the trainee, with a new optimizer at the growth's
    /// rate. Returns the last 100 steps' mean losses, nil if interrupted.
    func grow(_ generation: Int, seed: UInt64) throws -> TrainingLosses? {
        let growth = configuration.growth
        let training = try (max(1, generation - growth.fitGenerations + 1)...generation).map { earlier in
            let stored =
                try replay.generations.first { $0.generation == earlier }?.samples
                ?? run.loadSamples(
                    generation: earlier, game: Game.name, inputSize: Game.encodingShape.count,
                    actionCount: Game.actionCount)
            return (generation: earlier, samples: stored)
        }
        var settings = configuration.training
        settings.finalRateFactor = 0.1
        let architecture = Self.architecture(growth.network)
        var fit = SupervisedFit<Game>(
            architecture: architecture, settings: settings, training: training,
            holdout: SampleSet(inputSize: Game.encodingShape.count, actionCount: Game.actionCount), labels: nil,
            augmentation: configuration.replay.augmentation(for: Game.self),
            averagePositions: configuration.replay.averagePositions,
            logCountWeights: configuration.replay.logCountWeights, seed: seed)
        let steps = growth.fitSteps(trainedSteps: (generation - 1) * configuration.training.steps)
        let averaged = configuration.replay.averagePositions ? " (\(fit.trainingSampleCount) positions)" : ""
        reporter.message(
            "generation \(generation): growing to \(architecture.summary), \(steps) steps on "
                + "\(fit.sampleCount) samples\(averaged) of generations \(training[0].generation)...\(generation)")
        var losses = TrainingLosses(policy: 0, value: 0, l2: 0)
        while fit.steps < steps {
            if shouldStop() { return nil }
            let before = fit.steps
            losses = try fit.train(steps: min(100, steps - fit.steps), totalSteps: steps)
            reporter.status("gen \(generation) growing: step \(fit.steps)/\(steps)")
            if before < steps / 2 && fit.steps >= steps / 2 {
                FailPoint.hit("training", generation: generation)
            }
        }
        trainee = fit.network
        grown = true
        optimizer = configuration.trainingSettings(grown: true).makeOptimizer()
        return losses
    }

    /// Generation 0's network: the weights `settings.initialWeights` names, which must have the configured
    /// architecture, or random weights from `seed`.
    public static func initialNetwork(
        _ settings: TrainingConfiguration.NetworkSettings, seed: UInt64
    ) throws -> PolicyValueNetwork {
        let architecture = Self.architecture(settings)
        guard !settings.initialWeights.isEmpty else {
            return PolicyValueNetwork(architecture: architecture, seed: seed)
        }
        let file = settings.initialWeights
        let network: PolicyValueNetwork
        do {
            network = try PolicyValueNetwork.load(from: URL(fileURLWithPath: file)).network
        } catch {
            throw RunDirectoryError("network.initialWeights: cannot load \(file): \(error)")
        }
        guard network.architecture == architecture else {
            throw RunDirectoryError(
                "network.initialWeights: \(file) is a \(network.architecture.summary) network, the run's is "
                    + "\(architecture.summary); set network.* to match it")
        }
        return network
    }

    func loadNetwork(_ generation: Int) throws -> (network: PolicyValueNetwork, optimizer: Optimizer?) {
        do {
            let loaded = try PolicyValueNetwork.load(from: run.modelURL(generation))
            let grownArchitecture =
                configuration.growth.atProgress > 0 ? Self.architecture(configuration.growth.network) : nil
            guard
                loaded.network.architecture == Self.architecture(configuration.network)
                    || loaded.network.architecture == grownArchitecture
            else {
                let summary = loaded.network.architecture.summary
                throw RunDirectoryError("generation \(generation)'s network (\(summary)) does not match config.json")
            }
            return (loaded.network, loaded.optimizer)
        } catch let error as NetworkError {
            throw RunDirectoryError("generation \(generation): \(error)")
        }
    }

    /// One generation; returns false if interrupted (nothing of it is kept).
    func runGeneration(_ generation: Int) throws -> Bool {
        let generationStart = ContinuousClock.now
        let generationCPUStart = ProcessCPUTime.seconds()
        var timings: [String: Double] = [:]
        var phaseStart = ContinuousClock.now
        func lap(_ phase: String) {
            timings[phase] = (ContinuousClock.now - phaseStart).seconds
            phaseStart = ContinuousClock.now
        }

        // New samples: self-play with the best network, or the workers' shards.
        guard let (samples, statistics, shards) = try newSamples(generation) else { return false }
        try run.writeSamples(samples, generation: generation, game: Game.name)
        lap("selfPlay")

        var metrics = GenerationMetrics(
            generation: generation, promoted: false, totalSeconds: 0, totalSimulations: 0, totalPositions: 0)
        metrics.freshValueLoss = SampleDiagnostics.losses(of: bestNetwork, on: samples).map { Double($0.value) }
        metrics.freshValueBaseline = SampleDiagnostics.constantValueLoss(on: samples)
        metrics.rootPolicyEntropy = statistics.rootPolicyEntropy
        metrics.drawRate = statistics.drawRate
        metrics.meanGameLength = statistics.meanGameLength
        metrics.distinctPositionFraction = statistics.distinctPositionFraction
        metrics.distinctGames = statistics.distinctGames
        metrics.duplicateGameRate = statistics.duplicateGameRate
        metrics.provenRootFraction = statistics.provenRootFraction
        metrics.cachedEvaluationFraction = statistics.cachedEvaluationFraction
        metrics.meanRootVisits = statistics.moves > 0 ? Double(statistics.simulations) / Double(statistics.moves) : nil
        metrics.firstMoves = Dictionary(
            uniqueKeysWithValues: statistics.firstMoves.map { (Game.actionName($0.key), $0.value) })
        metrics.selfPlayPositions = samples.count
        if !shards.isEmpty { metrics.consumedShards = shards.map(\.description) }
        replay.add(generation: generation, samples: samples)

        // Training.
        let parent = generation - 1
        let before = trainee.copy()
        let optimizerBefore = optimizer!
        var rejection: String?
        let settings = configuration.trainingSettings(grown: grown)
        var batch = MiniBatch(inputSize: Game.encodingShape.count, actionCount: Game.actionCount)
        let symmetries = configuration.replay.augmentation(for: Game.self)
        var trainRng = rng.split(stream: 0x7EA1 &+ UInt64(generation))
        var policyLoss = 0.0, valueLoss = 0.0, averaged = 0
        let progress = configuration.budget.progress(
            spent: (generation - 1, totals.seconds, totals.cpuSeconds, totals.simulations))
        optimizer.rateScale = Float(settings.budgetRateFactor(progress: progress))
        metrics.learningRate = Double(optimizer.learningRate(atStep: optimizer.step))
        let growth = configuration.growth
        let growing = !grown && growth.atProgress > 0 && progress >= growth.atProgress
        if growing {
            do {
                guard let losses = try grow(generation, seed: trainRng.next()) else { return false }
                metrics.policyLoss = Double(losses.policy); metrics.valueLoss = Double(losses.value)
                metrics.learningRate = configuration.training.learningRate
                metrics.grewTo = trainee.architecture.summary
            } catch let error as NetworkError {
                rejection = "growth stopped: \(error)"
            }
        }
        for step in 0..<(growing ? 0 : settings.steps) {
            if shouldStop() { return false }
            replay.fillBatch(&batch, count: settings.batchSize, symmetries: symmetries, using: &trainRng)
            do {
                let losses = try batch.train(trainee, optimizer: &optimizer)
                if step >= settings.steps - max(1, settings.steps / 4) {
                    policyLoss += Double(losses.policy); valueLoss += Double(losses.value); averaged += 1
                }
            } catch {
                rejection = "training stopped: \(error)"
                break
            }
            if step % 20 == 0 { reporter.status("gen \(generation) training: step \(step)/\(settings.steps)") }
            if step == settings.steps / 2 { FailPoint.hit("training", generation: generation) }
        }
        if averaged > 0 {
            metrics.policyLoss = policyLoss / Double(averaged); metrics.valueLoss = valueLoss / Double(averaged)
        }
        let window = replay.generations.reduce(
            into: SampleSet(inputSize: Game.encodingShape.count, actionCount: Game.actionCount)
        ) { $0.append(contentsOf: $1.samples) }
        metrics.windowValueLoss = SampleDiagnostics.losses(of: trainee, on: window).map { Double($0.value) }
        metrics.networkPolicyEntropy = SampleDiagnostics.policyEntropy(of: trainee, on: samples)
        metrics.recordMistakes(labels?.mistakeRates(of: trainee))
        if rejection == nil { rejection = collapse(metrics, generation: generation) }
        lap("training")

        // Gating arena.
        var matches: [MatchRecord] = []
        var promoted = rejection == nil
        if rejection == nil && configuration.arena.games > 0 {
            let candidate = NetworkSide<Game>(
                name: Self.playerName(generation), evaluator: NetworkEvaluator(network: trainee),
                configuration: evaluationSearch(), slots: min(64, configuration.arena.games),
                seed: rng.next())
            let incumbent = NetworkSide<Game>(
                name: Self.playerName(best), evaluator: NetworkEvaluator(network: bestNetwork),
                configuration: evaluationSearch(), slots: min(64, configuration.arena.games),
                seed: rng.next())
            let arenaGames = configuration.arena.games
            guard
                let result = try MatchRunner.play(
                    candidate, incumbent, games: arenaGames, concurrent: 64,
                    openingMoves: configuration.evaluation.openingMoves, seed: rng.next(),
                    progress: { done, result in
                        let score = String(format: "%.3f", result.score)
                        self.reporter.status(
                            "gen \(generation) arena vs gen \(self.best): \(done)/\(arenaGames) games, score \(score)")
                    }, shouldStop: shouldStop)
            else { return false }
            matches.append(
                MatchRecord(
                    result, generation: generation, kind: "gating", playerA: candidate.name, playerB: incumbent.name))
            metrics.gatingScore = result.score
            if let threshold = configuration.arena.gatingThreshold, result.score < threshold {
                promoted = false
                rejection = String(
                    format: "gating: scored %.3f against generation %d, needs %.3f", result.score, best, threshold)
            }
        }
        FailPoint.hit("arena", generation: generation)
        lap("arena")

        // Evaluation against the references.
        let spentBefore = (generation - 1, totals.seconds, totals.cpuSeconds, totals.simulations)
        let elapsed = (ContinuousClock.now - generationStart).seconds
        let spentNow = (
            generation, totals.seconds + elapsed, totals.cpuSeconds + ProcessCPUTime.seconds() - generationCPUStart,
            totals.simulations + statistics.simulations
        )
        let budget = configuration.budget
        let due = schedule.isDue(
            generation, runSeconds: totals.seconds + elapsed,
            progress: (budget.progress(spent: spentBefore), budget.progress(spent: spentNow)))
        if due {
            let evaluationStart = ContinuousClock.now
            let isFinal = EvaluationSchedule.looksLast(
                progress: (budget.progress(spent: spentBefore), budget.progress(spent: spentNow)))
            guard let evaluation = try evaluate(trainee, generation: generation, isFinal: isFinal) else {
                return false
            }
            matches += evaluation
            schedule.record(generation, seconds: (ContinuousClock.now - evaluationStart).seconds)
            if isFinal { metrics.finalEvaluation = true }
        }
        metrics.evaluated = due
        metrics.totalEvaluationSeconds = schedule.seconds
        FailPoint.hit("evaluation", generation: generation)
        lap("evaluation")

        // Checkpoint.
        metrics.promoted = promoted
        metrics.rejection = rejection
        totals.seconds += (ContinuousClock.now - generationStart).seconds
        totals.cpuSeconds += ProcessCPUTime.seconds() - generationCPUStart
        totals.simulations += statistics.simulations
        totals.positions += samples.count
        metrics.totalSeconds = totals.seconds
        metrics.totalCPUSeconds = totals.cpuSeconds
        metrics.totalSimulations = totals.simulations
        metrics.totalPositions = totals.positions
        rate(&metrics, matches: matches)
        let newBest = promoted ? generation : best
        try checkpoint(
            generation: generation, parent: parent, promoted: promoted, best: newBest, network: trainee,
            optimizer: optimizer,
            metrics: metrics, matches: matches, timings: timings)
        if case .shards(let store) = sampleSource { store.remove(shards) }
        lap("checkpoint")
        if promoted {
            best = generation
            bestNetwork = trainee.copy()
        } else if rejection != nil && metrics.gatingScore == nil {
            // A collapsed or broken candidate: continue from the weights before this generation.
            trainee = before
            optimizer = optimizerBefore
        }
        reporter.message(summary(metrics))
        endsRun = metrics.finalEvaluation == true
        return true
    }

    /// Whether a generation that played the final evaluation still looks like the budget's last (it
    /// does not if the budget was raised since): judged by its totals, which include the evaluation,
    /// so it looks last whenever it did when it ran.
    func stillLooksLast(_ manifest: GenerationManifest) throws -> Bool {
        guard let previous = run.completeGenerations().last(where: { $0 < manifest.generation }) else { return true }
        let before = try run.loadManifest(previous, verifyFiles: false)
        let budget = configuration.budget
        return EvaluationSchedule.looksLast(
            progress: (budget.progress(spent: before.spent), budget.progress(spent: manifest.spent)))
    }

    /// A generation's new samples and their statistics, with the shards they came from; nil if interrupted.
    func newSamples(_ generation: Int) throws -> (SampleSet, SelfPlayStatistics, [ShardStore.Name])? {
        guard case .shards(let store) = sampleSource else { return try playSelf(generation) }
        let wanted = configuration.selfPlay.games
        var games: [ShardStore.Name: Int] = [:]
        while true {
            // The oldest shards first, whole shards, until they hold the generation's games.
            var names: [ShardStore.Name] = []
            var available = 0
            for name in store.pending() where available < wanted {
                if games[name] == nil { games[name] = (try? store.statistics(of: name))?.games }
                names.append(name)
                available += games[name] ?? 0
            }
            if available >= wanted {
                FailPoint.hit("self-play", generation: generation)
                let (samples, statistics) = try store.read(
                    names, game: Game.name, inputSize: Game.encodingShape.count,
                    actionCount: Game.actionCount)
                return (samples, statistics, names)
            }
            if shouldStop() { return nil }
            reporter.status(
                "gen \(generation): waiting for self-play shards, \(available)/\(wanted) games in \(names.count)")
            Thread.sleep(forTimeInterval: 0.5)
        }
    }

    /// Self-play with the best network, on `selfPlay.workers` threads.
    func playSelf(_ generation: Int) throws -> (SampleSet, SelfPlayStatistics, [ShardStore.Name])? {
        var searchConfiguration = configuration.search
        searchConfiguration.leavesPerTree = max(1, searchConfiguration.leavesPerTree)
        let games = configuration.selfPlay.games
        let workers = configuration.selfPlay.workers
        let threadsBefore = BLAS.threadCount
        if workers > 1 { BLAS.threadCount = 1 }
        var selfPlayRng = rng.split(stream: UInt64(generation))
        let network = bestNetwork!
        let reporter = self.reporter
        let played = ParallelSelfPlay.play(
            Game.self, settings: configuration.selfPlay, search: searchConfiguration, workers: workers,
            makeEvaluator: { NetworkEvaluator(network: workers > 1 ? network.copy() : network) },
            rng: &selfPlayRng,
            progress: { done, stats in
                if done >= games / 2 { FailPoint.hit("self-play", generation: generation) }
                reporter.status("gen \(generation) self-play: \(done)/\(games) games, \(stats.moves) moves")
            }, shouldStop: shouldStop)
        BLAS.threadCount = threadsBefore
        return played.map { ($0.samples, $0.statistics, []) }
    }

    /// A reason to reject a candidate whose training broke down, or nil.
    func collapse(_ metrics: GenerationMetrics, generation: Int) -> String? {
        if let entropy = metrics.networkPolicyEntropy, entropy < 0.02, generation <= 5 {
            return String(format: "collapse: policy entropy %.4f nats in generation %d", entropy, generation)
        }
        if let loss = metrics.windowValueLoss, !loss.isFinite || loss > 2 {
            return String(format: "collapse: value loss %.3f on the replay window", loss)
        }
        return nil
    }

    func evaluationSearch() -> SearchConfiguration {
        var search = configuration.search
        search.simulations = configuration.evaluation.simulations
        search.dirichletFraction = 0
        search.root = .puct
        return search
    }

    /// Plays `network` against the references and the ladder of earlier generations, and for the
    /// budget's final generation the trend match; nil if interrupted. A reference that fails mid-match
    /// (an engine that stops answering) is skipped with a warning, as one that cannot be made.
    func evaluate(_ network: PolicyValueNetwork, generation: Int, isFinal: Bool = false) throws -> [MatchRecord]? {
        let settings = configuration.evaluation
        // Whether a generation is evaluated under a time share depends on the clock: its matches then draw
        // on a stream of their own, so that self-play and training stay those the seed gives.
        let ownStream = settings.maxTimeShare > 0
        var stream =
            ownStream
            ? Xoshiro256(seed: configuration.seed ^ ((0xE7A1 &+ UInt64(generation)) &* 0x9E37_79B9_7F4A_7C15)) : rng
        defer { if !ownStream { rng = stream } }
        var records: [MatchRecord] = []
        let played = Set(((try? run.allMatches()) ?? []).map(\.playerB))
        var lastScore = 0.0
        for (index, reference) in references.enumerated() where settings.games > 0 {
            // A stronger reference joins once the agent beats the one before it (and then stays).
            if index >= settings.references.count && lastScore < 0.9 && !played.contains(reference.name) { break }
            let side = NetworkSide<Game>(
                name: Self.playerName(generation), evaluator: NetworkEvaluator(network: network),
                configuration: evaluationSearch(), slots: min(64, settings.games), seed: stream.next())
            let base = stream.next()
            // Made anew for each match from the run's generator, so that a resumed run plays the same games.
            let opponent: PlayerSide<Game>
            do {
                let shared = reference.shared ? try reference.make(base) : nil
                opponent = try PlayerSide<Game>(name: reference.name, slots: min(64, settings.games)) {
                    try shared ?? reference.make(base &+ UInt64($0))
                }
            } catch {
                reporter.message("warning: cannot make reference player \(reference.name); skipped")
                continue
            }
            let finished: MatchResult?
            do {
                finished = try play(side, opponent, games: settings.games, generation: generation, seed: stream.next())
            } catch {
                reporter.message("warning: reference player \(reference.name) failed: \(error); its match is skipped")
                continue
            }
            guard let result = finished else { return nil }
            lastScore = result.score
            records.append(
                MatchRecord(
                    result, generation: generation, kind: "reference", playerA: side.name, playerB: reference.name))
        }
        var earlierMatches = schedule.ladder(below: generation).map {
            (generation: $0, games: settings.ladderGames, kind: "ladder")
        }
        if isFinal, let start = schedule.trendOpponent(for: generation) {
            earlierMatches.append((start, settings.finalTrendGames, "trend"))
        }
        for (earlier, games, kind) in earlierMatches where games > 0 {
            guard let opponentNetwork = try? loadNetwork(earlier).network else {
                reporter.message("warning: generation \(earlier) cannot be loaded; its match is skipped")
                continue
            }
            let slots = min(64, games)
            let side = NetworkSide<Game>(
                name: Self.playerName(generation), evaluator: NetworkEvaluator(network: network),
                configuration: evaluationSearch(), slots: slots, seed: stream.next())
            let opponent = NetworkSide<Game>(
                name: Self.playerName(earlier),
                evaluator: NetworkEvaluator(network: opponentNetwork),
                configuration: evaluationSearch(), slots: slots, seed: stream.next())
            guard let result = try play(side, opponent, games: games, generation: generation, seed: stream.next())
            else { return nil }
            records.append(
                MatchRecord(result, generation: generation, kind: kind, playerA: side.name, playerB: opponent.name))
            if kind == "trend" { reporter.message("last third: \(side.name) against \(opponent.name), \(result)") }
        }
        return records
    }

    /// One evaluation match with evaluation's openings and progress; nil if interrupted.
    func play(
        _ a: any BatchedSide<Game>, _ b: any BatchedSide<Game>, games: Int, generation: Int, seed: UInt64
    ) throws -> MatchResult? {
        try MatchRunner.play(
            a, b, games: games, concurrent: min(64, games), openingMoves: configuration.evaluation.openingMoves,
            seed: seed,
            progress: { done, result in
                self.reporter.status(
                    "gen \(generation) vs \(b.name): \(done)/\(games) games, "
                        + "score \(String(format: "%.3f", result.score))")
            }, shouldStop: shouldStop)
    }

    /// Fits Elo over every match so far plus `matches`, and stores this generation's rating.
    func rate(_ metrics: inout GenerationMetrics, matches: [MatchRecord]) {
        let all = ((try? run.allMatches()) ?? []) + matches
        let name = Self.playerName(metrics.generation)
        if let rating = EloRating.fit(all).first(where: { $0.player == name }) {
            metrics.elo = rating.elo
            metrics.eloLow = rating.low.isFinite ? rating.low : nil
            metrics.eloHigh = rating.high.isFinite ? rating.high : nil
        }
    }

    func checkpoint(
        generation: Int, parent: Int?, promoted: Bool, best: Int, network: PolicyValueNetwork, optimizer: Optimizer,
        metrics: GenerationMetrics, matches: [MatchRecord], timings: [String: Double]
    ) throws {
        let manifest = GenerationManifest(
            game: Game.name, generation: generation, parent: parent, promoted: promoted, best: best,
            configurationHash: configuration.hash, seed: configuration.seed, codeVersion: codeVersion,
            createdAt: ISO8601DateFormatter().string(from: Date()), randomState: rng.words, checksums: [:],
            timings: timings,
            totalSeconds: metrics.totalSeconds, totalSimulations: metrics.totalSimulations,
            totalPositions: metrics.totalPositions,
            metrics: metrics, matches: matches)
        try run.writeGeneration(generation, manifest: manifest) { folder in
            try network.save(
                to: folder.appendingPathComponent(RunDirectory.modelFile),
                metadata: ["generation": String(generation), "game": Game.name, "codeVersion": codeVersion],
                optimizer: optimizer)
            FailPoint.hit("checkpoint-files", generation: generation)
        }
        try run.writePromoted(best)
        FailPoint.hit("logs", generation: generation)
        try run.rebuildLogs()
        do { try RunReport.write(for: run) } catch { reporter.message("warning: report.html not written: \(error)") }
    }

    func summary(_ metrics: GenerationMetrics) -> String {
        var parts = ["generation \(metrics.generation)"]
        if let elo = metrics.elo {
            let interval =
                metrics.eloLow.flatMap { low in metrics.eloHigh.map { String(format: " [%.0f, %.0f]", low, $0) } } ?? ""
            parts.append(String(format: "Elo %.0f%@", elo, interval))
        }
        if let grewTo = metrics.grewTo { parts.append("grew to \(grewTo)") }
        if let p = metrics.policyLoss, let v = metrics.valueLoss {
            parts.append(String(format: "loss policy %.3f value %.3f", p, v))
        }
        if let entropy = metrics.rootPolicyEntropy { parts.append(String(format: "root entropy %.2f", entropy)) }
        if let draws = metrics.drawRate { parts.append(String(format: "draws %.0f%%", 100 * draws)) }
        if let mistakes = metrics.mistakeRate {
            var text = String(format: "mistakes %.1f%%", 100 * mistakes)
            if let quiet = metrics.mistakeRateQuiet, let threat = metrics.mistakeRateThreat {
                text += String(format: " (quiet %.0f%%, threat %.0f%%", 100 * quiet, 100 * threat)
                text += metrics.mistakeRateImmediateWin.map { String(format: ", win %.0f%%)", 100 * $0) } ?? ")"
            }
            if let bySet = metrics.mistakeRateBySet {
                text +=
                    " ["
                    + bySet.sorted { $0.key < $1.key }
                    .map { String(format: "%@ %.0f%%", $0.key, 100 * $0.value) }.joined(separator: ", ") + "]"
            }
            parts.append(text)
        }
        if let fresh = metrics.freshValueLoss, let baseline = metrics.freshValueBaseline {
            parts.append(String(format: "fresh value %.3f vs constant %.3f", fresh, baseline))
        }
        if let cached = metrics.cachedEvaluationFraction {
            parts.append(String(format: "cached leaves %.0f%%", 100 * cached))
        }
        if let score = metrics.gatingScore { parts.append(String(format: "arena %.3f", score)) }
        if metrics.generation > 0 { parts.append(metrics.promoted ? "promoted" : "not promoted") }
        if let rejection = metrics.rejection { parts.append(rejection) }
        parts.append(String(format: "%.1f s", metrics.totalSeconds))
        return parts.joined(separator: ", ")
    }
}
