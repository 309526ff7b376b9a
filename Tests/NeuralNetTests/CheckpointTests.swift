import Foundation
import NeuralNet
import Testing

@Suite("Checkpoints")
struct CheckpointTests {
    /// A fresh directory for one test's files.
    private func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("neuralnet-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A residual network and an optimizer after a few steps (non-trivial moments and running statistics).
    private func trained(_ kind: Optimizer.Kind, seed: UInt64) throws -> (PolicyValueNetwork, Optimizer) {
        var generator = SplitMix64(seed: seed)
        let architecture = TestArchitectures.tinyResidual
        let network = PolicyValueNetwork(architecture: architecture, seed: seed)
        var optimizer = Optimizer(
            kind: kind, learningRate: 0.01, weightDecay: 1e-4, clipNorm: 5,
            schedule: .step(every: 100, factor: 0.1))
        for _ in 0..<3 { _ = try Batch(architecture, count: 6, &generator).train(network, &optimizer) }
        return (network, optimizer)
    }

    private func bits(_ values: ContiguousArray<Float>) -> [UInt32] { values.map(\.bitPattern) }

    /// The error message `load` gives for `bytes`, or nil if it loads.
    private func loadError(_ bytes: Data, in folder: URL) throws -> String? {
        let url = folder.appendingPathComponent("candidate-\(UUID().uuidString).safetensors")
        try bytes.write(to: url)
        do {
            _ = try PolicyValueNetwork.load(from: url)
            return nil
        } catch let NetworkError.badCheckpoint(reason) {
            return reason
        }
    }

    /// A re-encoded copy of a checkpoint with tensors and metadata changed by `edit`.
    private func rewritten(
        _ url: URL, _ edit: (inout [String: [Float]], inout [String: [Int]], inout [String: String]) -> Void
    )
        throws -> Data
    {
        let file = try SafeTensors.File(data: Data(contentsOf: url))
        var values = file.entries.keys.reduce(into: [String: [Float]]()) { $0[$1] = file.values(of: $1)! }
        var shapes = file.entries.mapValues(\.shape)
        var metadata = file.metadata
        edit(&values, &shapes, &metadata)
        let names = values.keys.sorted()
        let copies = names.map { name -> UnsafeMutableBufferPointer<Float> in
            let copy = UnsafeMutableBufferPointer<Float>.allocate(capacity: values[name]!.count)
            _ = copy.initialize(from: values[name]!)
            return copy
        }
        defer { copies.forEach { $0.deallocate() } }
        let tensors = zip(names, copies).map {
            SafeTensors.Tensor(name: $0, shape: shapes[$0]!, values: UnsafeBufferPointer($1))
        }
        return SafeTensors.encode(tensors: tensors, metadata: metadata)
    }

    @Test(
        "round trip is bit-exact: weights, running statistics, metadata, optimizer state",
        arguments: [Optimizer.Kind.sgd, .adam])
    func roundTrip(kind: Optimizer.Kind) throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (network, optimizer) = try trained(kind, seed: 901)
        let url = folder.appendingPathComponent("net.safetensors")
        let metadata = ["generation": "7", "note": "ünïcode \"quoted\" / slash\nnewline", "": "empty key"]
        try network.save(to: url, metadata: metadata, optimizer: optimizer)
        let loaded = try PolicyValueNetwork.load(from: url)
        #expect(loaded.network.parametersEqual(network))
        #expect(loaded.network.architecture == network.architecture)
        #expect(loaded.metadata == metadata)
        let restored = try #require(loaded.optimizer)
        #expect(
            restored.kind == kind && restored.step == 3 && restored.learningRate == 0.01 && restored.clipNorm == 5
                && restored.schedule == .step(every: 100, factor: 0.1))
        #expect(!optimizer.firstMoment.isEmpty && bits(restored.firstMoment) == bits(optimizer.firstMoment))
        #expect(bits(restored.secondMoment) == bits(optimizer.secondMoment))
        #expect(restored.secondMoment.isEmpty == (kind == .sgd))

        // Training both copies one more step on the same batch keeps them identical.
        var generator = SplitMix64(seed: 902)
        let batch = Batch(network.architecture, count: 5, &generator)
        var original = optimizer, resumed = restored
        _ = try batch.train(network, &original)
        _ = try batch.train(loaded.network, &resumed)
        #expect(loaded.network.parametersEqual(network))

        // The file is plain safetensors: names, shapes, 8-byte-aligned header.
        let data = try Data(contentsOf: url)
        let file = try SafeTensors.File(data: data)
        #expect(file.entries["stem.conv.weight"]?.shape == [4, 3, 3, 2])
        #expect(file.entries["blocks.1.bn2.running_var"]?.shape == [4])
        #expect(
            file.entries[kind == .sgd ? "optimizer.momentum.policy.fc.weight" : "optimizer.adam_v.policy.fc.weight"]
                != nil)
        let headerLength = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(headerLength % 8 == 0)
        #expect(file.metadata["architecture"]?.contains("\"residual\"") == true)

        // Saving again replaces the file atomically and leaves no temporary file behind.
        try loaded.network.save(to: url)
        #expect(try PolicyValueNetwork.load(from: url).optimizer == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["net.safetensors"])
    }

    @Test("an MLP round-trips too")
    func mlpRoundTrip() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let network = PolicyValueNetwork(architecture: TestArchitectures.tinyMLP, seed: 903)
        let url = folder.appendingPathComponent("mlp.safetensors")
        try network.save(to: url)
        let loaded = try PolicyValueNetwork.load(from: url)
        #expect(loaded.network.parametersEqual(network) && loaded.metadata.isEmpty && loaded.optimizer == nil)
    }

    @Test("reserved metadata keys are refused")
    func reservedKeys() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let network = PolicyValueNetwork(architecture: TestArchitectures.tinyMLP, seed: 904)
        #expect(throws: NetworkError.reservedMetadataKey("architecture")) {
            try network.save(to: folder.appendingPathComponent("x.safetensors"), metadata: ["architecture": "mine"])
        }
    }

    @Test("foreign, truncated and lying files are refused with a reason")
    func refusals() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (network, optimizer) = try trained(.sgd, seed: 905)
        let url = folder.appendingPathComponent("good.safetensors")
        try network.save(to: url, optimizer: optimizer)
        let good = try Data(contentsOf: url)
        var generator = SplitMix64(seed: 905)
        let random = Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        var smallHeaderRandom = Data([16, 0, 0, 0, 0, 0, 0, 0])
        smallHeaderRandom.append(random.prefix(64))
        func header(_ json: String, data: Int) -> Data {
            var bytes = Data()
            withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(Data(json.utf8))
            bytes.append(Data(count: data))
            return bytes
        }
        let cases: [(String, Data, String)] = [
            ("empty file", Data(), "fewer than the 8-byte"),
            ("random bytes", random, "header length field says"),
            ("random bytes after a small length", smallHeaderRandom, "does not start with a JSON object"),
            (
                "a JSON text", Data(#"{"weights": [1, 2, 3], "note": "not a checkpoint"}"#.utf8),
                "header length field says"
            ),
            ("truncated in the header", good.prefix(40), "header length field says"),
            ("truncated in the data", good.prefix(good.count - 100), "truncated file"),
            (
                "a header claiming more data than the file has",
                header(#"{"a":{"dtype":"F32","shape":[1000000],"data_offsets":[0,4000000]}}"#, data: 16),
                "larger than the file"
            ),
            (
                "offsets beyond the data", header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, data: 8),
                "claims bytes"
            ),
            (
                "offsets disagreeing with the shape",
                header(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: 8), "needs 12"
            ),
            (
                "a fractional shape", header(#"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}"#, data: 8),
                "not valid safetensors JSON"
            ),
            (
                "overlapping tensors",
                header(
                    #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
                        + #""b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                    data: 12), "overlap"
            ),
            ("another dtype", header(#"{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, data: 4), "only F32"),
            (
                "safetensors without an architecture",
                header(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: 4),
                "no 'architecture'"
            ),
            (
                "an architecture for more filters",
                try rewritten(url) { _, _, metadata in
                    metadata["architecture"] = metadata["architecture"]!.replacingOccurrences(
                        of: "\"filters\":4", with: "\"filters\":8")
                }, "tensor 'stem.conv.weight' has shape [4, 3, 3, 2] but the architecture resnet 2x8"
            ),
            (
                "an unusable architecture",
                try rewritten(url) { _, _, metadata in
                    metadata["architecture"] = metadata["architecture"]!.replacingOccurrences(
                        of: "\"filters\":4", with: "\"filters\":0")
                }, "filters is 0"
            ),
            (
                "a garbled architecture",
                try rewritten(url) { _, _, metadata in metadata["architecture"] = "{\"body\": 3}" },
                "'architecture' metadata is not valid"
            ),
            (
                "a missing tensor", try rewritten(url) { values, _, _ in values["value.fc2.bias"] = nil },
                "tensor 'value.fc2.bias' is missing"
            ),
            (
                "a missing optimizer tensor",
                try rewritten(url) { values, _, _ in values["optimizer.momentum.stem.bn.bias"] = nil },
                "tensor 'optimizer.momentum.stem.bn.bias' is missing"
            ),
            (
                "an extra tensor",
                try rewritten(url) { values, shapes, _ in
                    values["extra.weight"] = [1, 2]
                    shapes["extra.weight"] = [2]
                }, "unexpected tensor 'extra.weight'"
            ),
            (
                "a NaN weight", try rewritten(url) { values, _, _ in values["policy.fc.weight"]![3] = .nan },
                "NaN or infinite"
            ),
        ]
        for (what, bytes, expected) in cases {
            let reason = try loadError(bytes, in: folder)
            #expect(reason?.contains(expected) == true, "\(what): got \(reason ?? "no error")")
            print("refused \(what): \(reason ?? "-")")
        }
        let missing = folder.appendingPathComponent("absent.safetensors")
        #expect(throws: NetworkError.self) { _ = try PolicyValueNetwork.load(from: missing) }
        #expect(try loadError(good, in: folder) == nil)
    }
}
