import Foundation
import NeuralNet
import Testing

@Suite("Network")
struct NetworkTests {
    // MARK: Whole-network gradients

    /// Every parameter's gradient (stem, residual blocks, both heads, both losses) against
    /// central differences of the Double reference network, after a few Adam steps have
    /// moved batch-norm scales and shifts and the biases away from their initial values.
    @Test(
        "network gradients match finite differences",
        arguments: [TestArchitectures.tinyResidual, TestArchitectures.tinyMLP])
    func networkGradients(architecture: NetworkArchitecture) throws {
        let seed: UInt64 = 601
        var generator = SplitMix64(seed: seed)
        let network = PolicyValueNetwork(architecture: architecture, seed: seed)
        var optimizer = Optimizer(kind: .adam, learningRate: 0.01, weightDecay: 0)
        for _ in 0..<5 { _ = try Batch(architecture, count: 8, &generator).train(network, &optimizer) }
        let batch = Batch(architecture, count: 6, &generator)
        let losses = batch.computeGradients(network)
        let trainable = network.tensors.filter(\.isTrainable)
        var parameters: [String: [Double]] = [:]
        for tensor in trainable { parameters[tensor.name] = doubles(network.values(of: tensor.name)!) }
        func loss(_ parameters: [String: [Double]]) -> Double {
            Reference.networkLoss(
                architecture, parameters, inputs: batch.inputs, mask: batch.mask,
                policyTargets: batch.policyTargets, valueTargets: batch.valueTargets)
        }
        let reference = loss(parameters)
        #expect(abs(Double(losses.total) - reference) < 1e-4 * max(1, reference))
        var worst = (error: 0.0, name: "")
        for tensor in trainable {
            let values = parameters[tensor.name]!
            let numeric = numericGradient(values, indices: Array(values.indices)) { perturbed in
                var copy = parameters
                copy[tensor.name] = perturbed
                return loss(copy)
            }
            // Relative to the tensor's gradient norm, floored at 1e-3 for tensors whose gradient is tiny.
            let error = relativeError(network.gradient(of: tensor.name)!, numeric, floor: 1e-3)
            if error > worst.error { worst = (error, tensor.name) }
            #expect(error < 2e-3, "gradient of \(tensor.name): relative error \(error)")
        }
        print(
            "network \(architecture.summary) (seed \(seed)): loss \(losses.total) vs reference \(reference); "
                + "worst gradient relative error \(worst.error) (\(worst.name)) over \(trainable.count) tensors")
    }

    // MARK: Inference

    @Test("a batch predicts what single positions predict; illegal actions get exactly 0; rows sum to 1")
    func batchMatchesSingles() throws {
        let seed: UInt64 = 701
        var generator = SplitMix64(seed: seed)
        let architecture = TestArchitectures.connectFourSmall
        let network = PolicyValueNetwork(architecture: architecture, seed: seed)
        var optimizer = Optimizer(learningRate: 0.05)
        for _ in 0..<3 { _ = try Batch(architecture, count: 16, &generator).train(network, &optimizer) }
        let batch = Batch(architecture, count: 37, &generator)
        let together = batch.predict(network)
        let actions = architecture.actionCount
        var largest = 0.0
        for n in 0..<batch.count {
            var single = Batch(architecture, count: 1, &generator)
            single.inputs = Array(batch.inputs[(n * architecture.inputSize)..<((n + 1) * architecture.inputSize)])
            single.mask = Array(batch.mask[(n * actions)..<((n + 1) * actions)])
            let alone = single.predict(network)
            largest = max(largest, Double(abs(alone.values[0] - together.values[n])))
            for a in 0..<actions {
                largest = max(largest, Double(abs(alone.policy[a] - together.policy[n * actions + a])))
            }
            let row = together.policy[(n * actions)..<((n + 1) * actions)]
            #expect(abs(row.reduce(0, +) - 1) < 1e-5)
            for a in 0..<actions where batch.mask[n * actions + a] == 0 { #expect(row[n * actions + a] == 0) }
            #expect(abs(together.values[n]) <= 1)
        }
        print("batch vs single positions (seed \(seed)): largest difference \(largest)")
        #expect(largest < 1e-5)
    }

    @Test("a position with no legal action gets an all-zero policy")
    func noLegalAction() {
        var generator = SplitMix64(seed: 702)
        let network = PolicyValueNetwork(architecture: TestArchitectures.tinyMLP, seed: 702)
        var batch = Batch(TestArchitectures.tinyMLP, count: 2, &generator)
        for a in 0..<4 { batch.mask[4 + a] = 0 }
        let result = batch.predict(network)
        #expect(result.policy[4..<8].allSatisfy { $0 == 0 })
        #expect(abs(result.policy[0..<4].reduce(0, +) - 1) < 1e-5)
    }

    @Test("workspaces grow and shrink back without changing results")
    func growingBatches() {
        var generator = SplitMix64(seed: 703)
        let architecture = TestArchitectures.tinyResidual
        let network = PolicyValueNetwork(architecture: architecture, seed: 703)
        let small = Batch(architecture, count: 3, &generator), large = Batch(architecture, count: 1500, &generator)
        let before = small.predict(network)
        _ = large.predict(network)
        let after = small.predict(network)
        #expect(before.policy == after.policy && before.values == after.values)
    }

    @Test("losses() and computeGradients() change nothing")
    func validationChangesNothing() {
        var generator = SplitMix64(seed: 704)
        let network = PolicyValueNetwork(architecture: TestArchitectures.tinyResidual, seed: 704)
        let copy = network.copy()
        let batch = Batch(TestArchitectures.tinyResidual, count: 9, &generator)
        let first = batch.losses(network)
        batch.computeGradients(network)
        #expect(network.parametersEqual(copy))
        #expect(batch.losses(network) == first)
        #expect(first.l2 == 0 && first.policy > 0 && first.value > 0)
    }

    @Test("copy() is independent and bit-identical")
    func copyIsIndependent() throws {
        var generator = SplitMix64(seed: 705)
        let network = PolicyValueNetwork(architecture: TestArchitectures.tinyResidual, seed: 705)
        let copy = network.copy()
        let batch = Batch(TestArchitectures.tinyResidual, count: 5, &generator)
        #expect(copy.parametersEqual(network) && batch.predict(copy).policy == batch.predict(network).policy)
        var optimizer = Optimizer(learningRate: 0.1)
        _ = try batch.train(network, &optimizer)
        #expect(!copy.parametersEqual(network))
        #expect(copy.parametersEqual(PolicyValueNetwork(architecture: TestArchitectures.tinyResidual, seed: 705)))
    }

    @Test("architecture summary, parameter count and validation")
    func architecture() throws {
        let connectFour = NetworkArchitecture(
            body: .residual(blocks: 4, filters: 32), inputPlanes: 2, boardHeight: 6,
            boardWidth: 7, actionCount: 7, valueHidden: 32)
        // stem 32·9·2 + 64, blocks 4·2·(32·9·32 + 64), policy 2·32 + 4 + 7·84 + 7, value 32 + 2 + 32·42 + 32 + 32 + 1
        #expect(connectFour.parameterCount == 640 + 74_240 + 663 + 1_443)
        #expect(connectFour.summary == "resnet 4x32, 2x6x7 -> 7, 77k params")
        let network = PolicyValueNetwork(architecture: connectFour, seed: 1)
        #expect(
            network.tensors.filter(\.isTrainable).map { $0.shape.reduce(1, *) }.reduce(0, +)
                == connectFour.parameterCount)
        #expect(TestArchitectures.tinyMLP.summary.hasPrefix("mlp 10-7, 2x2x3 -> 4, "))
        var broken = connectFour
        broken.body = .residual(blocks: 4, filters: 0)
        #expect(throws: NetworkError.self) { try broken.validate() }
        #expect(PolicyValueNetwork(architecture: connectFour, seed: 1).parametersEqual(network))
        #expect(!PolicyValueNetwork(architecture: connectFour, seed: 2).parametersEqual(network))
    }

    // MARK: Training

    /// An MLP drives the training loss of 64 random samples (one-hot policy targets, so the
    /// minimum cross-entropy is 0) close to zero.
    @Test("an MLP fits a small random problem")
    func fitsRandomProblem() throws {
        let seed: UInt64 = 801
        var generator = SplitMix64(seed: seed)
        let architecture = NetworkArchitecture(
            body: .mlp(hidden: [64, 64]), inputPlanes: 2, boardHeight: 3, boardWidth: 3,
            actionCount: 9, valueHidden: 32)
        let network = PolicyValueNetwork(architecture: architecture, seed: seed)
        var batch = Batch(architecture, count: 64, &generator)
        batch.inputs = generator.normal(batch.inputs.count)
        for n in 0..<64 {
            let legal = (0..<9).filter { batch.mask[n * 9 + $0] == 1 }
            for a in 0..<9 { batch.policyTargets[n * 9 + a] = 0 }
            batch.policyTargets[n * 9 + legal[Int(generator.next() % UInt64(legal.count))]] = 1
        }
        var optimizer = Optimizer(kind: .adam, learningRate: 3e-3, weightDecay: 0)
        let start = ContinuousClock.now
        let initial = try batch.train(network, &optimizer)
        var last = initial
        for _ in 0..<600 { last = try batch.train(network, &optimizer) }
        let final = batch.losses(network)
        print(
            "random problem (seed \(seed)): loss \(initial.total) -> \(last.total) (train), "
                + "\(final.total) (inference mode) "
                + "in \(ContinuousClock.now - start)")
        #expect(final.policy < 0.05)
        #expect(final.value < 0.01)
    }

    @Test("a residual network's loss goes down")
    func residualLearns() throws {
        var generator = SplitMix64(seed: 802)
        let architecture = TestArchitectures.connectFourSmall
        let network = PolicyValueNetwork(architecture: architecture, seed: 802)
        let batch = Batch(architecture, count: 32, &generator)
        var optimizer = Optimizer(learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4)
        let first = try batch.train(network, &optimizer)
        var last = first
        for _ in 0..<40 { last = try batch.train(network, &optimizer) }
        print("resnet on a fixed batch (seed 802): loss \(first.total) -> \(last.total)")
        #expect(last.total < 0.7 * first.total)
        #expect(last.l2 > 0 && optimizer.step == 41 && optimizer.lastGradientNorm > 0)
    }

    @Test("an SGD step is w − lr·(clipped gradient + λ·w) on weights, without decay on biases")
    func sgdStep() throws {
        var generator = SplitMix64(seed: 803)
        let architecture = TestArchitectures.tinyResidual
        let network = PolicyValueNetwork(architecture: architecture, seed: 803)
        let batch = Batch(architecture, count: 5, &generator)
        batch.computeGradients(network)
        let names = network.tensors.filter(\.isTrainable).map(\.name)
        let before = Dictionary(uniqueKeysWithValues: names.map { ($0, network.values(of: $0)!) })
        let gradients = Dictionary(uniqueKeysWithValues: names.map { ($0, network.gradient(of: $0)!) })
        let norm = gradients.values.joined().map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
        let clip = Float(norm / 2), rate: Float = 0.1, decay: Float = 0.01
        var optimizer = Optimizer(kind: .sgd, learningRate: rate, momentum: 0.9, weightDecay: decay, clipNorm: clip)
        let losses = try batch.train(network, &optimizer)
        var sumOfSquares = 0.0
        for name in names {
            let decays = name.hasSuffix(".weight") && !name.contains("bn")  // dense and convolution weights
            if decays { sumOfSquares += before[name]!.map { Double($0) * Double($0) }.reduce(0, +) }
            let after = network.values(of: name)!
            for i in after.indices {
                let w = before[name]![i]
                let expected = w - rate * (gradients[name]![i] * clip / Float(norm) + (decays ? decay * w : 0))
                #expect(abs(after[i] - expected) <= 1e-6 * max(1, abs(expected)), "\(name)[\(i)]")
            }
        }
        #expect(abs(Double(losses.l2) - 0.5 * Double(decay) * sumOfSquares) < 1e-5 * max(1, Double(losses.l2)))
        #expect(abs(Double(optimizer.lastGradientNorm) - norm) < 1e-4 * norm)
    }

    /// Two Adam steps against the formula in Double: bias-corrected moments, decay on weights only,
    /// the gradient clipped to half its norm. The tiny MLP has tensors whose lengths are and are
    /// not multiples of 8, so the vectorized loops' bodies and their scalar tails are both checked.
    @Test("an Adam step is w − lr·m̂/(√v̂ + ε) with clipping and decay on weights only")
    func adamSteps() throws {
        var generator = SplitMix64(seed: 805)
        let architecture = TestArchitectures.tinyMLP
        let network = PolicyValueNetwork(architecture: architecture, seed: 805)
        let names = network.tensors.filter(\.isTrainable).map(\.name)
        let rate: Float = 0.01, decay: Float = 0.02, beta1: Float = 0.8, beta2: Float = 0.95, epsilon: Float = 1e-3
        var optimizer = Optimizer(
            kind: .adam, learningRate: rate, momentum: beta1, weightDecay: decay, clipNorm: 1, beta2: beta2,
            epsilon: epsilon)
        let lengths = names.map { network.values(of: $0)!.count }
        #expect(lengths.contains { $0 > 8 && $0 % 8 != 0 } && lengths.contains { $0 % 8 == 0 }, "\(lengths)")
        var first = [String: [Double]](), second = [String: [Double]]()
        for step in 1...2 {
            let batch = Batch(architecture, count: 6, &generator)
            batch.computeGradients(network)
            let before = Dictionary(uniqueKeysWithValues: names.map { ($0, doubles(network.values(of: $0)!)) })
            let gradients = Dictionary(uniqueKeysWithValues: names.map { ($0, doubles(network.gradient(of: $0)!)) })
            let norm = gradients.values.joined().map { $0 * $0 }.reduce(0, +).squareRoot()
            optimizer.clipNorm = Float(norm / 2)
            var sumOfSquares = 0.0
            let losses = try batch.train(network, &optimizer)
            for name in names {
                let decays = name.hasSuffix(".weight") && !name.contains("bn")
                if decays { sumOfSquares += before[name]!.map { $0 * $0 }.reduce(0, +) }
                let after = network.values(of: name)!
                for i in after.indices {
                    let w = before[name]![i]
                    let g = gradients[name]![i] / 2 + (decays ? Double(decay) * w : 0)
                    let m = Double(beta1) * (first[name]?[i] ?? 0) + Double(1 - beta1) * g
                    let v = Double(beta2) * (second[name]?[i] ?? 0) + Double(1 - beta2) * g * g
                    first[name, default: Array(repeating: 0, count: after.count)][i] = m
                    second[name, default: Array(repeating: 0, count: after.count)][i] = v
                    let corrected = m / (1 - pow(Double(beta1), Double(step)))
                    let scale = (v / (1 - pow(Double(beta2), Double(step)))).squareRoot() + Double(epsilon)
                    let expected = w - Double(rate) * corrected / scale
                    #expect(abs(Double(after[i]) - expected) <= 2e-6 * max(1, abs(expected)), "\(name)[\(i)]")
                }
            }
            #expect(abs(Double(losses.l2) - 0.5 * Double(decay) * sumOfSquares) < 1e-5 * max(1, Double(losses.l2)))
            #expect(abs(Double(optimizer.lastGradientNorm) - norm) < 1e-4 * norm)
        }
    }

    /// Three Adam steps with the C kernels' AVX2 copy (where the processor has AVX2) and with their baseline
    /// copy: the same weights and moments, bit for bit, tails included (the tiny MLP's tensor lengths).
    @Test("the AVX2 and baseline copies of Adam's update give the same bits")
    func adamCopiesAgree() throws {
        try kernelCopiesLock.withLock { _ in
            var results: [(network: PolicyValueNetwork, optimizer: Optimizer)] = []
            for baseline in [false, true] {
                var generator = SplitMix64(seed: 806)
                let network = PolicyValueNetwork(architecture: TestArchitectures.tinyMLP, seed: 806)
                var optimizer = Optimizer(kind: .adam, learningRate: 0.01, weightDecay: 0.02, clipNorm: 0.5)
                VectorKernelCopies.forceBaseline(baseline)
                defer { VectorKernelCopies.forceBaseline(false) }
                for _ in 0..<3 {
                    _ = try Batch(TestArchitectures.tinyMLP, count: 6, &generator).train(network, &optimizer)
                }
                results.append((network, optimizer))
            }
            func differing(_ a: [Float], _ b: [Float]) -> Int {
                zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count
            }
            func weights(_ network: PolicyValueNetwork) -> [Float] {
                network.tensors.filter(\.isTrainable).flatMap { network.values(of: $0.name)! }
            }
            let (native, baseline) = (results[0], results[1])
            let counts = [
                differing(weights(native.network), weights(baseline.network)),
                differing(Array(native.optimizer.firstMoment), Array(baseline.optimizer.firstMoment)),
                differing(Array(native.optimizer.secondMoment), Array(baseline.optimizer.secondMoment)),
            ]
            print(
                "Adam's update on this processor: \(VectorKernelCopies.instructionSet); values differing from "
                    + "baseline in weights/first/second moments: \(counts)")
            #expect(counts == [0, 0, 0])
            let untrained = PolicyValueNetwork(architecture: TestArchitectures.tinyMLP, seed: 806)
            #expect(differing(weights(native.network), weights(untrained)) > 0)
        }
    }

    @Test("non-finite inputs, losses and updates are refused, leaving network and optimizer unchanged")
    func nonFiniteGuard() throws {
        var generator = SplitMix64(seed: 804)
        let architecture = TestArchitectures.tinyResidual
        let network = PolicyValueNetwork(architecture: architecture, seed: 804)
        var optimizer = Optimizer(kind: .adam, learningRate: 0.01)
        _ = try Batch(architecture, count: 4, &generator).train(network, &optimizer)
        let snapshot = network.copy()
        let savedOptimizer = optimizer

        var badTargets = Batch(architecture, count: 4, &generator)
        badTargets.valueTargets[2] = .nan
        #expect(throws: NetworkError.nonFinite("value targets")) { _ = try badTargets.train(network, &optimizer) }
        var badInputs = Batch(architecture, count: 4, &generator)
        badInputs.inputs[3] = .infinity
        #expect(throws: NetworkError.nonFinite("inputs")) { _ = try badInputs.train(network, &optimizer) }

        // A learning rate near Float's maximum sends the first updated tensor to infinity.
        var huge = Optimizer(kind: .sgd, learningRate: 3e38, momentum: 0)
        do {
            _ = try Batch(architecture, count: 4, &generator).train(network, &huge)
            Issue.record("a step with learning rate 3e38 should have been refused")
        } catch let NetworkError.nonFinite(name) {
            #expect(name.hasSuffix("after the update"), "\(name)")
        }
        // Adam's step is about the rate in size: an infinite rate makes every updated weight non-finite.
        var infinite = Optimizer(kind: .adam, learningRate: .infinity)
        do {
            _ = try Batch(architecture, count: 4, &generator).train(network, &infinite)
            Issue.record("an Adam step with an infinite learning rate should have been refused")
        } catch let NetworkError.nonFinite(name) {
            #expect(name.hasSuffix("after the update"), "\(name)")
        }
        #expect(network.parametersEqual(snapshot))
        #expect(huge.step == 0 && huge.firstMoment.isEmpty && infinite.step == 0 && infinite.secondMoment.isEmpty)
        #expect(
            optimizer.step == savedOptimizer.step && optimizer.firstMoment == savedOptimizer.firstMoment
                && optimizer.secondMoment == savedOptimizer.secondMoment)
    }

    @Test("learning-rate schedules and optimizer JSON")
    func schedules() throws {
        let warm = Optimizer(learningRate: 0.1, warmupSteps: 4)
        #expect(
            warm.learningRate(atStep: 0) == 0.025 && warm.learningRate(atStep: 3) == 0.1
                && warm.learningRate(atStep: 100) == 0.1)
        let stepped = Optimizer(learningRate: 1, schedule: .step(every: 10, factor: 0.5))
        #expect(
            stepped.learningRate(atStep: 9) == 1 && stepped.learningRate(atStep: 10) == 0.5
                && stepped.learningRate(atStep: 25) == 0.25)
        let cosine = Optimizer(learningRate: 1, schedule: .cosine(totalSteps: 100, finalFactor: 0.1))
        #expect(cosine.learningRate(atStep: 0) == 1)
        #expect(abs(cosine.learningRate(atStep: 50) - 0.55) < 1e-6)
        #expect(
            abs(cosine.learningRate(atStep: 100) - 0.1) < 1e-6 && abs(cosine.learningRate(atStep: 1000) - 0.1) < 1e-6)
        var adam = Optimizer(
            kind: .adam, learningRate: 2e-3, momentum: 0.8, weightDecay: 5e-4, clipNorm: 3,
            schedule: .cosine(totalSteps: 10, finalFactor: 0), warmupSteps: 2, beta2: 0.99)
        adam.step = 17
        let decoded = try JSONDecoder().decode(Optimizer.self, from: JSONEncoder().encode(adam))
        #expect(
            decoded.kind == .adam && decoded.learningRate == 2e-3 && decoded.momentum == 0.8 && decoded.beta2 == 0.99
                && decoded.weightDecay == 5e-4 && decoded.clipNorm == 3 && decoded.warmupSteps == 2
                && decoded.step == 17
                && decoded.schedule == .cosine(totalSteps: 10, finalFactor: 0))
    }
}
