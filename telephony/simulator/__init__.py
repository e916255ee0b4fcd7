"""An ARI-compatible Asterisk simulator with scripted remote parties (DESIGN §8)."""

from telephony.simulator.nodes import NodeSpec, Simulator, run_simulator

__all__ = ["NodeSpec", "Simulator", "run_simulator"]
