/// Training: the self-play loop.
import GameKit
