"""`kiosk talk`: one spoken question from a file, answered aloud (or live from the microphone with --live)."""

from __future__ import annotations

from pathlib import Path

from kiosk.cli.terminal import KioskError, print_json


def register(sub) -> None:
    p = sub.add_parser("talk", help="语音问答：识别录音并语音回答")
    p.add_argument("--in", dest="input", type=Path, help="提问录音（WAV/MP3 等，任意采样率）")
    p.add_argument("--out", type=Path, help="把语音回答写入此 WAV 文件")
    p.add_argument("--json", action="store_true", help="输出一个 JSON 对象：heard, transcript, answer, citations, timings_ms（没听清时 heard=false 并附 message）")
    p.add_argument("--no-answer", action="store_true", help="只识别，不回答")
    p.add_argument("--no-bias", action="store_true", help="不使用本厅词表纠正识别结果（用于对比）")
    p.add_argument("--voice", help="音色名称（默认：已安装的中文神经音色）")
    p.add_argument("--elderly", action="store_true", help="放慢语速（长者模式）")
    p.add_argument("--live", action="store_true", help="用麦克风和扬声器实时对话（免提，说话可打断）")
    p.add_argument("--input-device", help="麦克风（编号或名称的一部分）")
    p.add_argument("--output-device", help="扬声器（编号或名称的一部分）")
    p.set_defaults(func=run)


def run(args) -> int:
    """With ``--json`` exactly one JSON object is printed, whatever happens: a turn, nothing heard, or an error."""
    try:
        return _run(args)
    except Exception as exc:
        if args.json and not args.live:
            from kiosk.voice.headless import not_heard_json

            print_json({**not_heard_json(getattr(exc, "friendly", None) or "出错了，请再试一次或咨询工作人员。"),
                        "error": True})
        raise


def _run(args) -> int:
    from kiosk.engines.audio import AudioDeviceError, AudioInputError
    from kiosk.engines.modelpath import ModelMissing

    try:
        asr = args.kiosk.recogniser(biased=not args.no_bias)
        if args.live:
            return _live(args, asr)
        if not args.input:
            raise KioskError("请用 --in 指定提问录音文件，或用 --live 直接对着麦克风说话。")
        return _file(args, asr)
    except (AudioInputError, AudioDeviceError, ModelMissing) as exc:
        raise KioskError(exc.friendly) from exc


def _file(args, asr) -> int:
    from kiosk.engines.audio import NothingHeard
    from kiosk.voice.headless import not_heard_json, say_not_heard, talk_file

    kiosk = args.kiosk
    speaker = kiosk.speaker(args.voice, elderly=args.elderly) if args.out and not args.no_answer else None
    source = None if args.no_answer else kiosk.answer_events
    try:
        result = talk_file(args.input, asr, source, speaker, out=args.out)
    except NothingHeard as exc:
        # Nothing usable was said: a normal outcome of a turn, answered with a gentle prompt, not a failure.
        if speaker is not None:
            say_not_heard(speaker, args.out)
        if args.json:
            print_json(not_heard_json(exc.friendly))
        else:
            print(exc.friendly)
        return 0
    if args.json:
        print_json(result.to_json())
        return 0
    print(f"识别：{result.transcript}")
    for notice in result.notices:
        print(f"提示：{notice}")
    if source is not None:
        print(f"回答：{result.answer}")
        for c in result.citations:
            print(f"  [{c.n}] {c.title} {c.article}")
    if args.out and result.audio is not None:
        print(f"语音回答已写入 {args.out}")
    return 0


def _live(args, asr) -> int:
    from kiosk.voice.loop import VoiceLoop

    def show(event) -> None:
        text = getattr(event, "text", "")
        if text:
            print(f"{type(event).__name__}: {text}", flush=True)

    kiosk = args.kiosk
    loop = VoiceLoop(asr=asr.load(), speaker=kiosk.speaker(args.voice, elderly=args.elderly), source=kiosk.answer_events,
                     emit=show, input_device=args.input_device, output_device=args.output_device)
    print("请说话（Ctrl+C 结束）…", flush=True)
    loop.run()
    return 0
