"""`kiosk say "文本" --out x.wav`: speak a text in the kiosk's voice, into a file or through the speaker."""

from __future__ import annotations

from pathlib import Path

from kiosk.cli.terminal import KioskError, print_json


def register(sub) -> None:
    p = sub.add_parser("say", help="把文字读出来（写入 WAV 或直接播放）")
    p.add_argument("text", help="要读的文字")
    p.add_argument("--out", type=Path, help="写入此 WAV 文件（不给则用扬声器播放）")
    p.add_argument("--voice", help="音色名称（默认：已安装的中文神经音色）")
    p.add_argument("--elderly", action="store_true", help="放慢语速（长者模式）")
    p.add_argument("--plain", action="store_true", help="不加卡通音色效果（原声）")
    p.add_argument("--mouth", type=Path, help="把口型时间线（每20毫秒开合度）写入此 JSON 文件")
    p.add_argument("--json", action="store_true", help="输出 JSON：音色、时长、首段音频耗时")
    p.add_argument("--output-device", help="扬声器（编号或名称的一部分）")
    p.set_defaults(func=run)


def run(args) -> int:
    import json
    import time

    import numpy as np

    from kiosk.engines.audio import AudioDeviceError, Player, write_wav
    from kiosk.engines.modelpath import ModelMissing
    from kiosk.engines.tts.style import VoiceStyle

    if not args.text.strip():
        raise KioskError("没有要读的文字。")
    try:
        speaker = args.kiosk.speaker(args.voice, elderly=args.elderly, style=VoiceStyle.plain() if args.plain else None)
        started = time.perf_counter()
        first_ms = None
        pieces = []
        player = None if args.out else Player(speaker.sample_rate, device=args.output_device).open()
        for piece in speaker.speak(args.text):
            if first_ms is None:
                first_ms = round((time.perf_counter() - started) * 1000, 1)
            pieces.append(piece)
            if player:
                player.play(piece.samples)
        if player:
            player.wait()
            player.close()
    except (ModelMissing, AudioDeviceError) as exc:
        raise KioskError(exc.friendly) from exc
    audio = np.concatenate([p.samples for p in pieces]) if pieces else np.zeros(0, np.float32)
    if not audio.size:
        raise KioskError("这段文字里没有能读出来的内容。")
    if args.out:
        write_wav(args.out, audio, speaker.sample_rate)
    if args.mouth:
        frames = [{"t_ms": f.t_ms, "openness": f.openness} for p in pieces for f in p.mouth]
        args.mouth.write_text(json.dumps(frames), encoding="utf-8")
    info = {"voice": speaker.engine.name, "seconds": round(audio.size / speaker.sample_rate, 2),
            "first_audio_ms": first_ms, "total_ms": round((time.perf_counter() - started) * 1000, 1),
            "out": str(args.out) if args.out else ""}
    if args.json:
        print_json(info)
    elif args.out:
        print(f"已写入 {args.out}（{info['seconds']} 秒，音色 {info['voice']}）")
    return 0
