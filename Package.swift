// swift-tools-version:6.0
import PackageDescription

/// Release builds let the generic search and training code specialize across modules
/// for the concrete games (a large speed-up for the search and training of each game).
let optimize: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

let package = Package(
    name: "SelfPlay",
    products: [
        .executable(name: "selfplay", targets: ["selfplay"]),
        .library(
            name: "SelfPlayKit",
            targets: ["GameKit", "Environments", "Solvers", "NeuralNet", "Search", "Training", "Players"]
        ),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "GameKit", swiftSettings: optimize),
        .target(name: "Environments", dependencies: ["GameKit"], path: "environments", swiftSettings: optimize),
        .target(name: "VectorKernels"),
        .target(name: "NeuralNet", dependencies: ["CBLAS", "VectorKernels"], swiftSettings: optimize),
        .target(name: "Solvers", dependencies: ["GameKit", "Environments"], swiftSettings: optimize),
        .target(name: "Search", dependencies: ["GameKit"], swiftSettings: optimize),
        .target(
            name: "Training",
            dependencies: ["GameKit", "Environments", "Solvers", "Search", "NeuralNet"],
            swiftSettings: optimize
        ),
        .target(
            name: "Players",
            dependencies: ["GameKit", "Environments", "Solvers", "NeuralNet", "Search", "Training"],
            swiftSettings: optimize
        ),
        .executableTarget(
            name: "selfplay",
            dependencies: [
                "GameKit", "Environments", "Solvers", "NeuralNet", "Search", "Training", "Players",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "GameKitTests", dependencies: ["GameKit"]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["GameKit", "Environments"]),
        .testTarget(name: "SolversTests", dependencies: ["GameKit", "Environments", "Solvers"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet"]),
        .testTarget(name: "SearchTests", dependencies: ["GameKit", "Environments", "Search"]),
        .testTarget(
            name: "TrainingTests",
            dependencies: ["GameKit", "Environments", "Search", "NeuralNet", "Solvers", "Training"]
        ),
        .testTarget(
            name: "PlayersTests",
            dependencies: ["GameKit", "Environments", "Solvers", "Search", "NeuralNet", "Training", "Players"]
        ),
        .testTarget(
            name: "SelfPlayCLITests",
            dependencies: ["selfplay", "GameKit", "Environments", "Search", "NeuralNet", "Training", "Players"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
