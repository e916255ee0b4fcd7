"""Answering-machine detection as Asterisk's `AMD()` (app_amd.c) decides it, frame by frame.

The simulator feeds it what the AMD channel reads (a snoop spying both directions), so the
result comes from the real audio a scripted party sends: a short greeting and then silence
is HUMAN, long or many-worded speech is MACHINE, silence from the start is MACHINE
(INITIALSILENCE), and running out of analysis time is NOTSURE. `AMDCAUSE` strings are
Asterisk's. The defaults are those of app_amd.c / amd.conf.sample (milliseconds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from telephony.simulator.audio import RATE, Pcm


@dataclass(frozen=True)
class AmdParameters:
    initial_silence: int = 2500
    greeting: int = 1500
    after_greeting_silence: int = 800
    total_analysis_time: int = 5000
    minimum_word_length: int = 100
    between_words_silence: int = 50
    maximum_number_of_words: int = 2
    maximum_word_length: int = 5000
    silence_threshold: int = 256  # mean absolute amplitude below which a frame is silence


class AmdDetector:
    """Feed frames with `feed`; once `status` is set the analysis is over."""

    def __init__(self, parameters: AmdParameters | None = None) -> None:
        self.p = parameters or AmdParameters()
        self.status = ""  # MACHINE | HUMAN | NOTSURE once decided
        self.cause = ""
        self._total = 0
        self._silence = 0  # consecutive silence (the DSP's totalsilence)
        self._voice = 0
        self._consecutive_voice = 0
        self._words = 0
        self._in_word = True  # app_amd.c starts in STATE_IN_WORD
        self._in_initial_silence = True
        self._in_greeting = False

    def _decide(self, status: str, cause: str) -> None:
        self.status, self.cause = status, cause

    def feed(self, frame: Pcm) -> None:
        if self.status or not len(frame):
            return
        p = self.p
        ms = len(frame) * 1000 // RATE
        self._total += ms
        if self._total >= p.total_analysis_time:
            self._decide("NOTSURE", f"TOOLONG-{self._total}")
            return
        level = float(np.mean(np.abs(frame.astype(np.int32))))
        if level < p.silence_threshold:
            self._on_silence(ms)
        else:
            self._on_voice(ms)

    def _on_silence(self, ms: int) -> None:
        p = self.p
        self._silence += ms
        if self._silence >= p.between_words_silence:
            self._in_word = False
            self._consecutive_voice = 0
        if self._in_initial_silence and self._silence >= p.initial_silence:
            self._decide("MACHINE", f"INITIALSILENCE-{self._silence}-{p.initial_silence}")
        elif self._in_greeting and self._silence >= p.after_greeting_silence:
            self._decide("HUMAN", f"HUMAN-{self._silence}-{p.after_greeting_silence}")

    def _on_voice(self, ms: int) -> None:
        p = self.p
        self._silence = 0
        self._consecutive_voice += ms
        self._voice += ms
        if self._consecutive_voice >= p.minimum_word_length and not self._in_word:
            self._words += 1
            self._in_word = True
        if self._consecutive_voice >= p.maximum_word_length:
            self._decide("MACHINE", f"MAXWORDLENGTH-{self._consecutive_voice}")
        elif self._words >= p.maximum_number_of_words:
            self._decide("MACHINE", f"MAXWORDS-{self._words}-{p.maximum_number_of_words}")
        elif self._in_greeting and self._voice >= p.greeting:
            self._decide("MACHINE", f"LONGGREETING-{self._voice}-{p.greeting}")
        elif self._consecutive_voice >= p.minimum_word_length:
            # The first word ends the initial silence and opens the greeting.
            self._in_initial_silence = False
            self._in_greeting = True
