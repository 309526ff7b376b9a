import Foundation

/// Saving and loading networks as safetensors files.
///
/// A checkpoint holds every parameter and batch-norm running statistic under its name
/// (`stem.conv.weight`, `blocks.0.bn1.running_mean`, `policy.fc.bias`, ...; see
/// `PolicyValueNetwork.tensors`), optionally the optimizer's moments
/// (`optimizer.momentum.<name>` for SGD, `optimizer.adam_m.<name>` and
/// `optimizer.adam_v.<name>` for Adam), and metadata: the architecture as JSON under
/// `architecture`, the optimizer's hyper-parameters and step as JSON under `optimizer`, a
/// description of the tensor layouts under `layout`, and the caller's own entries.
extension PolicyValueNetwork {
    /// Metadata keys the checkpoint format uses itself.
    public static let reservedMetadataKeys: Set<String> = ["architecture", "optimizer", "layout"]

    /// How the stored tensors are laid out, for people reading a checkpoint with other tools.
    public static let layoutDescription = """
        input: planes x height x width per position, plane-major; conv weights: [out, kh, kw, in] \
        (PyTorch order is [out, in, kh, kw]); dense weights: [out, in]; activations are channels-last, \
        so policy.fc reads index cell*2 + plane and value.fc1 reads index cell (cell = row*width + column)
        """

    /// Writes the network (and, if given, the optimizer's hyper-parameters, step and moments)
    /// to `url` atomically (temporary file, fsync, rename). `metadata` is stored as given;
    /// its keys must not be one of `reservedMetadataKeys`.
    public func save(to url: URL, metadata: [String: String] = [:], optimizer: Optimizer? = nil) throws(NetworkError) {
        if let key = metadata.keys.sorted().first(where: Self.reservedMetadataKeys.contains) {
            throw .reservedMetadataKey(key)
        }
        var allMetadata = metadata
        allMetadata["architecture"] = try Self.json(architecture)
        allMetadata["layout"] = Self.layoutDescription
        var tensors: [SafeTensors.Tensor] = []
        for store in [storage.parameters, storage.statistics] {
            for index in store.specs.indices {
                tensors.append(
                    SafeTensors.Tensor(
                        name: store.specs[index].name, shape: store.specs[index].shape,
                        values: UnsafeBufferPointer(store.slice(index, in: store.storage.pointer))))
            }
        }
        let data: Data
        if let optimizer {
            allMetadata["optimizer"] = try Self.json(optimizer)
            let parameters = storage.parameters
            data = optimizer.firstMoment.withUnsafeBufferPointer { first in
                optimizer.secondMoment.withUnsafeBufferPointer { second in
                    for (prefix, moment) in zip(optimizer.stateTensorPrefixes, [first, second]) where !moment.isEmpty {
                        precondition(
                            moment.count == parameters.storage.count, "the optimizer's state belongs to another network"
                        )
                        for index in parameters.specs.indices {
                            let values = parameters.slice(
                                index, in: UnsafeMutablePointer(mutating: moment.baseAddress!))
                            tensors.append(
                                SafeTensors.Tensor(
                                    name: prefix + parameters.specs[index].name,
                                    shape: parameters.specs[index].shape,
                                    values: UnsafeBufferPointer(values)))
                        }
                    }
                    return SafeTensors.encode(tensors: tensors, metadata: allMetadata)
                }
            }
        } else {
            data = SafeTensors.encode(tensors: tensors, metadata: allMetadata)
        }
        do { try AtomicFile.write(data, to: url) } catch { throw .io("\(error)") }
    }

    /// Reads a checkpoint written by `save`. Returns the network, the caller's metadata
    /// (reserved keys removed) and the optimizer if one was saved. Throws
    /// `NetworkError.badCheckpoint` with the reason for anything that is not a complete,
    /// consistent checkpoint: a truncated or foreign file, a header that lies about sizes,
    /// tensors missing, extra or shaped differently from the stored architecture, NaNs.
    public static func load(
        from url: URL
    ) throws(NetworkError)
        -> (network: PolicyValueNetwork, metadata: [String: String], optimizer: Optimizer?)
    {
        var status = stat()
        guard stat(url.path, &status) == 0, access(url.path, R_OK) == 0 else {
            throw .badCheckpoint("cannot read \(url.path): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            let kind = status.st_mode & S_IFMT == S_IFDIR ? "a folder" : "not a regular file"
            throw .badCheckpoint("\(url.path) is \(kind), not a checkpoint file")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .badCheckpoint("cannot read \(url.path)")
        }
        let file = try SafeTensors.File(data: data)
        guard let architectureJSON = file.metadata["architecture"] else {
            throw .badCheckpoint("no 'architecture' in the metadata (not a SelfPlay network checkpoint?)")
        }
        let architecture: NetworkArchitecture
        do {
            architecture = try JSONDecoder().decode(NetworkArchitecture.self, from: Data(architectureJSON.utf8))
        } catch {
            throw .badCheckpoint("the 'architecture' metadata is not valid: \(describeDecodingError(error))")
        }
        do {
            try architecture.validate()
        } catch {
            throw .badCheckpoint("the stored architecture is unusable: \(error)")
        }
        func check(_ name: String, _ shape: [Int]) throws(NetworkError) {
            guard let entry = file.entries[name] else {
                throw .badCheckpoint("tensor '\(name)' is missing (the architecture \(architecture.summary) needs it)")
            }
            guard entry.shape == shape else {
                throw .badCheckpoint(
                    "tensor '\(name)' has shape \(entry.shape) but the architecture \(architecture.summary) "
                        + "needs \(shape)")
            }
        }
        // Every tensor is checked before the network is allocated, so a small file cannot
        // make this allocate more than the file holds.
        let specs = architecture.tensorSpecs()
        for spec in specs.parameters + specs.statistics { try check(spec.name, spec.shape) }
        let network = PolicyValueNetwork(uninitialized: architecture)
        var unread = Set(file.entries.keys)
        func read(
            _ name: String, _ shape: [Int], into destination: UnsafeMutableBufferPointer<Float>
        ) throws(NetworkError) {
            try check(name, shape)
            file.copyValues(of: name, into: destination)
            guard destination.allSatisfy(\.isFinite) else {
                throw .badCheckpoint("tensor '\(name)' holds NaN or infinite values")
            }
            unread.remove(name)
        }
        for store in [network.storage.parameters, network.storage.statistics] {
            for index in store.specs.indices {
                try read(
                    store.specs[index].name, store.specs[index].shape,
                    into: store.slice(index, in: store.storage.pointer))
            }
        }
        var optimizer: Optimizer?
        if let optimizerJSON = file.metadata["optimizer"] {
            do {
                optimizer = try JSONDecoder().decode(Optimizer.self, from: Data(optimizerJSON.utf8))
            } catch {
                throw .badCheckpoint("the 'optimizer' metadata is not valid: \(describeDecodingError(error))")
            }
            let parameters = network.storage.parameters
            for (slot, prefix) in optimizer!.stateTensorPrefixes.enumerated()
            where parameters.specs.contains(where: { file.entries[prefix + $0.name] != nil }) {
                let moment = FloatBuffer(count: parameters.storage.count)
                for index in parameters.specs.indices {
                    try read(
                        prefix + parameters.specs[index].name, parameters.specs[index].shape,
                        into: parameters.slice(index, in: moment.pointer))
                }
                if slot == 0 {
                    optimizer!.firstMoment = ContiguousArray(moment.buffer)
                } else {
                    optimizer!.secondMoment = ContiguousArray(moment.buffer)
                }
            }
        }
        if let name = unread.sorted().first {
            throw .badCheckpoint("unexpected tensor '\(name)' (not part of \(architecture.summary))")
        }
        return (network, file.metadata.filter { !reservedMetadataKeys.contains($0.key) }, optimizer)
    }

    private static func json<T: Encodable>(_ value: T) throws(NetworkError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw .io("cannot encode the \(T.self) as JSON (a NaN or infinite setting?): \(error)")
        }
    }
}

extension Optimizer {
    /// Checkpoint name prefixes of the moment tensors: the first moment's, then (Adam) the second's.
    var stateTensorPrefixes: [String] {
        switch kind {
        case .sgd: return ["optimizer.momentum."]
        case .adam: return ["optimizer.adam_m.", "optimizer.adam_v."]
        }
    }
}
