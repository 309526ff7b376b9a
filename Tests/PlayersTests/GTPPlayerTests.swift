import Environments
import Foundation
import GameKit
import Players
import Search
import Testing
import Training

#if canImport(Glibc)
    import Glibc
#endif

/// A fake GTP engine (a bash script) in a temporary folder: it logs every command it reads and
/// answers `genmove` as its mode says; removed by `deinit`.
final class FakeEngine {
    let folder: URL
    let script: URL
    let log: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        script = folder.appendingPathComponent("engine.sh")
        log = folder.appendingPathComponent("commands.log")
        let text = """
            #!/usr/bin/env bash
            # Usage: engine.sh MODE LOG. Answers every command with "= ", save for the mode's exceptions.
            mode=$1; log=$2
            [ "$mode" = dead ] && exit 3
            while IFS= read -r line; do
              echo "$line" >> "$log"
              set -- $line
              case "$1" in
                quit) printf '= \\n\\n'; exit 0 ;;
                boardsize) [ "$mode" = small ] && { printf '? unacceptable size\\n\\n'; continue; } ;;
                play) last=$3 ;;
                genmove)
                  case "$mode" in
                    hang) exec sleep 600 ;;
                    refuse) printf '? no move today\\n\\n'; continue ;;
                    garbage) printf 'hello there\\n\\n'; continue ;;
                    exit) exit 4 ;;
                    resign) printf '= resign\\n\\n'; continue ;;
                    offboard) printf '= Z9\\n\\n'; continue ;;
                    occupied) printf '= %s\\n\\n' "$last"; continue ;;
                    *) printf '= PASS\\r\\n\\r\\n'; continue ;;
                  esac ;;
              esac
              printf '= \\n\\n'
            done
            """
        try Data(text.utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// The spec of the engine in `mode`.
    func spec(_ mode: String, timeout: Double = 5) -> String {
        "gtp:timeout=\(timeout):\(script.path) \(mode) \(log.path)"
    }

    /// The commands the engine has read so far.
    var commands: [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}

/// The GTP player against fake engines (each failure it must report) and, when installed, GNU Go.
@Suite struct GTPPlayerTests {
    func gtpPlayer(_ spec: String) throws -> GTPPlayer<Go9> {
        try #require(try makePlayer(try PlayerSpec(parsing: spec), for: Go9.self, seed: 1) as? GTPPlayer<Go9>)
    }

    /// Whether process `pid` is gone (reaped: a zombie still answers signal 0).
    func isGone(_ pid: Int32) -> Bool { kill(pid, 0) == -1 && errno == ESRCH }

    @Test func readsTheSpecWithAndWithoutOptions() throws {
        let plain = try PlayerSpec(parsing: "gtp:gnugo --mode gtp --level 1")
        #expect(plain.kind == "gtp" && plain.options == ["command": "gnugo --mode gtp --level 1"])
        #expect(plain.description == "gtp:gnugo --mode gtp --level 1")
        let timed = try PlayerSpec(parsing: "GTP:timeout=2.5:gnugo --mode=gtp")
        #expect(timed.options == ["command": "gnugo --mode=gtp", "timeout": "2.5"])
        #expect(timed.description == "gtp:timeout=2.5:gnugo --mode=gtp")
        #expect(try PlayerSpec(parsing: "gtp:/opt/a:b x=1").options == ["command": "/opt/a:b x=1"])
        #expect { try gtpPlayer("gtp:speed=2:x") } throws: { "\($0)".contains("has no option 'speed'") }
    }

    @Test func replaysPositionsAndContinuesGames() throws {
        let engine = try FakeEngine()
        let player = try gtpPlayer(engine.spec("pass"))
        var state = try Go9(notation: "E5 C3")
        #expect(try player.chooseAction(in: state) == Go9.passAction)
        state.apply(Go9.passAction)
        state.apply(try #require(Go9.action(named: "D4")))
        #expect(try player.chooseAction(in: state) == Go9.passAction)
        #expect(try player.chooseAction(in: try Go9(notation: "A1")) == Go9.passAction)
        #expect(
            engine.commands == [
                "boardsize 9", "komi 7.5", "clear_board", "play b E5", "play w C3", "genmove b", "play w D4",
                "genmove b", "clear_board", "play b A1", "genmove w",
            ])
    }

    @Test func refusesGamesWithoutGTPAndSpecsWithoutACommand() throws {
        let engine = try FakeEngine()
        #expect { try makePlayer(try PlayerSpec(parsing: engine.spec("pass")), for: Hex.self, seed: 1) } throws: {
            "\($0)" == "player 'gtp' plays games that speak GTP (go9 and go7), which hex does not"
        }
        #expect { try gtpPlayer("gtp:timeout=3: ") } throws: { "\($0)".contains("needs the engine's command line") }
        #expect { try gtpPlayer("gtp:timeout=0:x") } throws: { "\($0)".contains("timeout=0 must be a number") }
        #expect(engine.commands.isEmpty)
    }

    @Test(arguments: [
        ("gtp:no-such-engine-here --mode gtp", "'no-such-engine-here --mode gtp': command not found"),
        ("dead", "'boardsize 9' (exit status 3)"),
        ("small", "refused 'boardsize 9': ? unacceptable size"),
    ])
    func reportsEnginesThatCannotStart(mode: String, message: String) throws {
        let engine = try FakeEngine()
        let spec = mode.hasPrefix("gtp:") ? mode : engine.spec(mode)
        #expect { try gtpPlayer(spec) } throws: { "\($0)".hasPrefix("gtp engine '") && "\($0)".hasSuffix(message) }
    }

    @Test(arguments: [
        ("hang", "did not answer 'genmove b' within 1 s"),
        ("refuse", "refused 'genmove b': ? no move today"),
        ("garbage", "answered 'hello there' to 'genmove b', which is not a GTP reply"),
        ("exit", "exited without answering 'genmove b' (exit status 4)"),
        ("offboard", "played 'Z9' after 2 moves, not a move of go9"),
        ("occupied", "played 'C3' after 2 moves, illegal here"),
    ])
    func reportsEnginesThatMisbehaveAndStopsThem(mode: String, message: String) throws {
        let engine = try FakeEngine()
        // A short timeout only where it is the failure: a loaded machine may start bash slowly.
        let player = try gtpPlayer(engine.spec(mode, timeout: mode == "hang" ? 1 : 10))
        let pid = player.engine.processIdentifier
        let start = ContinuousClock.now
        #expect { try player.chooseAction(in: try Go9(notation: "E5 C3")) } throws: {
            "\($0)".hasPrefix("gtp engine '") && "\($0)".hasSuffix(message) && !"\($0)".contains("\n")
        }
        #expect(ContinuousClock.now - start < .seconds(6))
        #expect(isGone(pid))
        // Once failed, the player keeps failing at once rather than talking to a dead engine.
        #expect(throws: PlayerError.self) { try player.chooseAction(in: Go9()) }
    }

    @Test func quitsTheEngineWhenDone() throws {
        let engine = try FakeEngine()
        var player: GTPPlayer<Go9>? = try gtpPlayer(engine.spec("pass"))
        let pid = try #require(player?.engine.processIdentifier)
        #expect(!isGone(pid))
        player = nil
        #expect(isGone(pid))
        #expect(engine.commands.last == "quit")
    }

    @Test func aResignationLosesTheGame() throws {
        let engine = try FakeEngine()
        let gtp = try makeSide(engine.spec("resign"), for: Go9.self, slots: 4, seed: 1)
        let random = try makeSide("random", for: Go9.self, slots: 4, seed: 2)
        let result = try #require(try MatchRunner.play(gtp, random, games: 4, concurrent: 4, seed: 1))
        #expect(result.total.losses == 4 && result.asFirst.losses == 2)
    }

    @Test(.enabled(if: GTPEngine.executable(named: "gnugo") != nil, "GNU Go is not installed"))
    func gnuGoBeatsRandom() throws {
        let spec = "gtp:gnugo --mode gtp --level 1 --chinese-rules --capture-all-dead"
        let gnugo = try makeSide(spec, for: Go9.self, slots: 2, seed: 1)
        let random = try makeSide("random", for: Go9.self, slots: 2, seed: 2)
        let result = try #require(try MatchRunner.play(gnugo, random, games: 4, concurrent: 2, seed: 1))
        #expect(result.total.wins == 4)
    }
}
