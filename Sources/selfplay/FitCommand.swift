import ArgumentParser
import Environments
import Foundation
import GameKit
import NeuralNet
import Players
import Training

struct FitCommand: ParsableCommand, GameVisitor {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Train a fresh network on a run's stored self-play samples; measure it on a later generation.",
        discussion: """
            A capacity study apart from self-play: which network learns the same data best. The network \
            starts from random weights and learns the samples of the --generations generations just before \
            the held-out one (default: the run's last), drawn as in training (uniformly, with the board's \
            symmetries). Every --every steps it prints the training losses, the losses on the held-out \
            generation beside the best constant value prediction, and the raw network's mistake rate on \
            the game's solver-labelled positions where it has them.

            The run's network and training settings apply, changed with --set on network.* and \
            training.* keys; training.finalRateFactor makes the rate fall along a cosine over the steps. \
            --output writes the final network, which arena and eval-positions play as net:FILE.

            Examples:
              selfplay fit runs/c4 --generations 64 --steps 20000
              selfplay fit runs/c4 --set network.body=resnet --set network.blocks=4 \\
                --set network.filters=48 --cpu-budget 30m \\
                --output runs/c4-resnet.safetensors
            """
    )

    @Argument(help: "The run whose samples are learnt (it is only read).") var runPath: String
    @Option(parsing: .unconditional, help: "Generations of samples to learn, those just before the held-out one.")
    var generations: Int = 64
    @Option(parsing: .unconditional, help: "The generation held out for measurement (default: the run's last).")
    var holdout: Int?
    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Change a network.* or training.* setting (repeatable).", valueName: "key=value"))
    var overrides: [String] = []
    @Option(parsing: .unconditional, help: "Optimizer steps in all.") var steps: Int = 20000
    @Option(parsing: .unconditional, help: "Measure and print every this many steps.") var every: Int = 1000
    @Option(parsing: .unconditional, help: "Stop earlier once the process has used this much CPU time, e.g. 30m.")
    var cpuBudget: String?
    @Option(help: "Write the final network to this .safetensors file.") var output: String?
    @Option(parsing: .unconditional, help: "Seed of the initial weights and the minibatches.") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "OpenBLAS threads (default: SELFPLAY_BLAS_THREADS or one per core).")
    var blasThreads: Int?

    func validate() throws {
        guard generations >= 1 else { throw ValidationError("--generations must be at least 1") }
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
        guard every >= 1 else { throw ValidationError("--every must be at least 1") }
        if let cpuBudget { _ = try parseDuration(cpuBudget) }
        if let blasThreads, !(1...64).contains(blasThreads) {
            throw ValidationError("--blas-threads must be in 1...64")
        }
        if let key = overrides.first(where: { !$0.hasPrefix("network.") && !$0.hasPrefix("training.") }) {
            throw ValidationError("--set \(abbreviated(key)): only network.* and training.* settings apply to a fit")
        }
        if let output, !output.hasSuffix(".safetensors") {
            throw ValidationError("--output must name a .safetensors file")
        }
    }

    func run() throws {
        try visitGame(ofRun: runPath, with: self)
    }

    func visit<G: GameState>(_ type: G.Type) throws {
        let directory = RunDirectory(url: URL(fileURLWithPath: runPath))  // checked by run()
        let configuration = try runConfiguration(directory, changedBy: overrides)
        if let problem = configuration.validationError() ?? configuration.resourceError(for: G.self) {
            throw ValidationError(problem)
        }
        let complete = directory.completeGenerations()
        guard let last = complete.last, last >= 2 else {
            throw CommandFailure("\(runPath) has fewer than two generations with samples; nothing to fit")
        }
        let held = holdout ?? last
        guard complete.contains(held), held >= 2 else {
            throw CommandFailure("--holdout \(held): choose a complete generation in 2...\(last)")
        }
        let first = max(1, held - generations)
        let load = { (generation: Int) in
            try directory.loadSamples(
                generation: generation, game: G.name, inputSize: G.encodingShape.count, actionCount: G.actionCount)
        }
        try BLAS.applyThreadSetting(blasThreads)
        let training = try (first..<held).map { (generation: $0, samples: try load($0)) }
        let architecture = TrainingLoop<G>.architecture(configuration.network)
        var fit = SupervisedFit<G>(
            architecture: architecture, settings: configuration.training, training: training,
            holdout: try load(held), labels: LabelledPositions.solverLabelled(G.self),
            augmentation: configuration.replay.augmentation(for: G.self),
            averagePositions: configuration.replay.averagePositions,
            logCountWeights: configuration.replay.logCountWeights, seed: seed)
        let budget = try cpuBudget.map(parseDuration)
        let reporter = TerminalReporter()
        reporter.message(
            "fit \(architecture.summary) on generations \(first)...\(held - 1) of \(runPath) "
                + "(\(fit.sampleCount) samples), held out: generation \(held); "
                + "batch \(configuration.training.batchSize), OpenBLAS \(BLAS.threadCount) thread(s)")
        let start = ProcessCPUTime.seconds()
        while fit.steps < steps {
            let losses = try fit.train(steps: min(every, steps - fit.steps), totalSteps: steps)
            let cpu = ProcessCPUTime.seconds() - start
            reporter.message(line(step: fit.steps, cpuSeconds: cpu, training: losses, measured: fit.measure()))
            if let budget, cpu >= budget { break }
        }
        if let output {
            let metadata = [
                "fitFrom": URL(fileURLWithPath: runPath).lastPathComponent,
                "fitGenerations": "\(first)...\(held - 1)", "fitSteps": "\(fit.steps)", "seed": "\(seed)",
            ]
            try fit.network.save(to: URL(fileURLWithPath: output), metadata: metadata, optimizer: fit.optimizer)
            reporter.message("wrote \(output)")
        }
    }

    /// One progress line: training losses, held-out losses against the constant, mistake rates.
    func line(step: Int, cpuSeconds: Double, training: TrainingLosses, measured: FitMeasurement) -> String {
        func f(_ value: Double) -> String { String(format: "%.3f", value) }
        func percent(_ value: Double) -> String { String(format: "%.1f%%", 100 * value) }
        var text = "step \(step), \(String(format: "%.0f", cpuSeconds)) CPU-s: "
        text += "training policy \(f(Double(training.policy))) value \(f(Double(training.value)))"
        if let holdout = measured.holdout {
            text += "; held out policy \(f(Double(holdout.policy))) value \(f(Double(holdout.value)))"
            if let constant = measured.constantValueLoss { text += " (constant \(f(constant)))" }
        }
        if let mistakes = measured.mistakes {
            text += "; mistakes \(percent(mistakes.all))"
            if let bySet = mistakes.bySet {
                text += " [" + bySet.keys.sorted().map { "\($0) \(percent(bySet[$0]!))" }.joined(separator: ", ") + "]"
            }
        }
        return text
    }
}
