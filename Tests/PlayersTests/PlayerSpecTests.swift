import Players
import Testing

/// The player-spec grammar: what it reads, and what it refuses with a message.
@Suite struct PlayerSpecTests {
    @Test func readsKindsAndOptions() throws {
        let plain = try PlayerSpec(parsing: "Random")
        #expect(plain.kind == "random" && plain.options.isEmpty)
        let mcts = try PlayerSpec(parsing: "mcts:rollouts=50, C = 1.4")
        #expect(mcts.kind == "mcts" && mcts.options == ["rollouts": "50", "c": "1.4"])
        #expect(mcts.description == "mcts:c=1.4,rollouts=50")
    }

    @Test func aNetworkSpecMayStartWithABarePath() throws {
        let bare = try PlayerSpec(parsing: "net:runs/c4,sims=8")
        #expect(bare.options == ["path": "runs/c4", "sims": "8"])
        let named = try PlayerSpec(parsing: "net:path=runs/c4,gen=2")
        #expect(named.options == ["path": "runs/c4", "gen": "2"])
    }

    @Test(arguments: [
        ("", "has no kind"), (":x=1", "has no kind"), ("mcts:rollouts", "is not key=value"),
        ("mcts:=3", "is not key=value"), ("perfect:", "is not key=value"), ("mcts:c=1,c=2", "given twice"),
    ])
    func refusesMalformedSpecs(text: String, message: String) {
        #expect { try PlayerSpec(parsing: text) } throws: { "\($0)".contains(message) }
    }

    @Test func checksOptionNamesAndRanges() throws {
        let spec = try PlayerSpec(parsing: "minimax:depth=13,speed=2")
        #expect { try spec.checkOptions(allowed: ["depth"]) } throws: { "\($0)".contains("has no option 'speed'") }
        #expect { try spec.intOption("depth", default: 5, in: 1...12) } throws: {
            "\($0)".contains("depth=13 must be an integer in 1...12")
        }
        #expect(try spec.intOption("missing", default: 5, in: 1...12) == 5)
        let c = try PlayerSpec(parsing: "mcts:c=nan")
        #expect { try c.doubleOption("c", default: 1.4, in: 0...100) } throws: { "\($0)".contains("must be a number") }
        #expect(try PlayerSpec(parsing: "mcts:c=2.5").doubleOption("c", default: 1.4, in: 0...100) == 2.5)
    }

    @Test func kindsListEveryPlayerAndTheGamesWithASolver() {
        let kinds = Set(PlayerSpec.kinds.map(\.kind))
        #expect(kinds.isSuperset(of: ["random", "perfect", "minimax", "mcts", "net", "gtp"]))
        #expect(PlayerSpec.kinds.contains { $0.summary.contains("(tictactoe, connect4)") })
        #expect(abbreviated(String(repeating: "x", count: 100)).hasSuffix("… (100 characters)"))
    }
}
