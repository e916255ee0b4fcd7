"""Telephony layer: the ARI client (`telephony.ari`) and the ARI simulator (`telephony.simulator`).

The two halves share no code on purpose: the simulator is checked against Asterisk's own
Swagger files and real traces, and the client against the same files, so a mistake in one
cannot hide a mistake in the other.
"""
