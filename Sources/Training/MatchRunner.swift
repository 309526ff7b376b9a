import GameKit
import NeuralNet
import Search

/// One side of a batched match: chooses moves for many games at once.
public protocol BatchedSide<Game>: AnyObject {
    associatedtype Game: GameState
    var name: String { get }
    /// Called before game slot `slot` starts from `state`.
    func newGame(slot: Int, from state: Game)
    /// Chooses a move in each listed slot, where it is this side's turn in `states[slot]`
    /// (`Game.resignAction` resigns that game).
    func chooseMoves(slots: [Int], states: [Game]) throws -> [Int]
    /// Called after every move in slot `slot`.
    func observe(slot: Int, action: Int, resultingIn state: Game)
}

/// A network with PUCT search: the trees of all game slots share each network batch.
public final class NetworkSide<Game: GameState>: BatchedSide {
    public let name: String
    let search: BatchedSearch<Game>
    var rng: Xoshiro256
    /// Moves sampled with `temperature` at the start of each game (0: always the most visited).
    public var temperatureMoves: Int
    /// The temperature of those first moves' visit-count sampling.
    public var temperature: Float

    public init(
        name: String, evaluator: any Evaluator, configuration: SearchConfiguration, slots: Int,
        temperatureMoves: Int = 0, temperature: Float = 1, seed: UInt64
    ) {
        self.name = name
        var configuration = configuration
        configuration.dirichletFraction = 0
        search = BatchedSearch(treeCount: slots, configuration: configuration, evaluator: evaluator)
        self.temperatureMoves = temperatureMoves
        self.temperature = temperature
        rng = Xoshiro256(seed: seed)
    }

    public func newGame(slot: Int, from state: Game) { search.trees[slot].reset(to: state) }

    public func chooseMoves(slots: [Int], states: [Game]) -> [Int] {
        for slot in slots where search.trees[slot].rootState != states[slot] {
            search.trees[slot].reset(to: states[slot])
        }
        search.search(trees: slots, simulations: search.configuration.simulations, rootNoise: false, using: &rng)
        return slots.map { slot in
            let sampling = states[slot].moveCount < temperatureMoves
            return search.trees[slot].chooseAction(temperature: sampling ? temperature : 0, using: &rng)
        }
    }

    public func observe(slot: Int, action: Int, resultingIn state: Game) {
        search.trees[slot].follow(action, to: state)
    }
}

/// Ordinary players, one instance per game slot, asked one after another.
public final class PlayerSide<Game: GameState>: BatchedSide {
    public let name: String
    let players: [any GamePlayer<Game>]

    /// - Parameter make: makes the player of slot `slot`.
    public init(name: String, slots: Int, make: (Int) throws -> any GamePlayer<Game>) rethrows {
        self.name = name
        players = try (0..<slots).map(make)
    }

    public func newGame(slot: Int, from state: Game) { players[slot].newGame(from: state) }

    public func chooseMoves(slots: [Int], states: [Game]) throws -> [Int] {
        try slots.map { try players[$0].chooseAction(in: states[$0]) }
    }

    public func observe(slot: Int, action: Int, resultingIn state: Game) {
        players[slot].observe(action, resultingIn: state)
    }
}

/// Plays a match between two sides with many games in flight, alternating colours.
public enum MatchRunner {
    /// Plays `games` games (A first in even-numbered ones) with up to `concurrent` at once.
    /// Each game starts after `openingMoves` uniformly random moves (the same opening for both
    /// colours of a pair), which keeps deterministic players from repeating one game. A resigning
    /// side loses that game; a side that fails ends the match with its error.
    public static func play<Game: GameState>(
        _ a: any BatchedSide<Game>, _ b: any BatchedSide<Game>, games: Int, concurrent: Int,
        openingMoves: Int = 0, seed: UInt64,
        progress: (Int, MatchResult) -> Void = { _, _ in },
        shouldStop: () -> Bool = { false }
    ) throws -> MatchResult? {
        // A match sends small batches (its games' leaves): a second OpenBLAS thread or Winograd worker
        // saves little CPU time on an idle machine and waits for a core at every call on a busy one.
        let blasThreads = BLAS.threadCount
        BLAS.threadCount = 1
        defer { BLAS.threadCount = blasThreads }
        var rng = Xoshiro256(seed: seed)
        // Drawn when each pair of games starts (games start in order), not all up front.
        var opening = Game()
        func nextOpening() -> Game {
            var state = Game()
            for _ in 0..<openingMoves where !state.isTerminal {
                let next = state.legalActions.randomElement(using: &rng)
                var probe = state
                probe.apply(next)
                if probe.isTerminal { break }
                state = probe
            }
            return state
        }
        let slots = max(1, min(concurrent, games))
        var states = [Game](repeating: Game(), count: slots)
        var gameOfSlot = [Int](repeating: -1, count: slots)
        var nextGame = 0
        var result = MatchResult()
        var finished = 0
        func start(_ slot: Int) {
            guard nextGame < games else { gameOfSlot[slot] = -1; return }
            gameOfSlot[slot] = nextGame
            if nextGame % 2 == 0 { opening = nextOpening() }
            states[slot] = opening
            a.newGame(slot: slot, from: states[slot])
            b.newGame(slot: slot, from: states[slot])
            nextGame += 1
        }
        for slot in 0..<slots { start(slot) }
        while gameOfSlot.contains(where: { $0 >= 0 }) {
            if shouldStop() { return nil }
            var aSlots: [Int] = []
            var bSlots: [Int] = []
            for slot in 0..<slots where gameOfSlot[slot] >= 0 {
                let aMovesFirst = gameOfSlot[slot] % 2 == 0
                let aToMove = (states[slot].currentPlayer == .first) == aMovesFirst
                if aToMove { aSlots.append(slot) } else { bSlots.append(slot) }
            }
            for (side, listed) in [(a, aSlots), (b, bSlots)] where !listed.isEmpty {
                let actions = try side.chooseMoves(slots: listed, states: states)
                for (slot, action) in zip(listed, actions) {
                    let outcome: Outcome?
                    if action == Game.resignAction {
                        outcome = .win(states[slot].currentPlayer.opponent)
                    } else {
                        precondition(states[slot].legalActions.contains(action), "\(side.name) chose an illegal move")
                        states[slot].apply(action)
                        a.observe(slot: slot, action: action, resultingIn: states[slot])
                        b.observe(slot: slot, action: action, resultingIn: states[slot])
                        outcome = states[slot].outcome
                    }
                    guard let outcome else { continue }
                    result.record(outcome, aMovedFirst: gameOfSlot[slot] % 2 == 0)
                    finished += 1
                    progress(finished, result)
                    start(slot)
                }
            }
        }
        return result
    }
}
