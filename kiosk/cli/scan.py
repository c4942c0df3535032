"""`kiosk scan IMAGE [--json]`: read a business licence, ID card or other document photo."""

from __future__ import annotations

import argparse
import sys

from kiosk.cli.terminal import KioskError, print_json, read_limited

KIND_NAMES = {"business_licence": "营业执照", "id_card": "居民身份证", "other": "其他文件"}
LICENCE_LABELS = (
    ("credit_code", "统一社会信用代码"), ("name", "名称"), ("type", "类型"), ("legal_representative", "法定代表人"),
    ("registered_capital", "注册资本"), ("registered_capital_yuan", "注册资本（元）"), ("established", "成立日期"),
    ("business_term", "营业期限"), ("address", "住所"), ("street", "所在镇街"), ("business_scope", "经营范围"),
    ("industries", "行业"), ("industry_tags", "标签"),
)
ID_CARD_LABELS = (
    ("name", "姓名"), ("sex", "性别"), ("ethnicity", "民族"), ("birth", "出生"), ("address", "住址"),
    ("id_number_masked", "公民身份号码"),
)


def register(sub) -> None:
    p = sub.add_parser("scan", help="识别证件照片（营业执照、身份证、其他文件）", description="识别证件照片；图片不会被保存。")
    p.add_argument("image", help="图片文件（JPG、PNG 等）；- 表示从标准输入读取")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--budget", type=float, default=None, metavar="SECONDS", help="识别时间预算（秒）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.documents.image import MAX_FILE_BYTES
    from kiosk.documents.scan import ScanError, scan_image
    from kiosk.engines.ocr import OcrUnavailable

    if args.image == "-":  # standard input may never end (/dev/zero): read no more than an image may be
        source = read_limited(sys.stdin.buffer, MAX_FILE_BYTES,
                              f"图片文件太大，请换一张 {MAX_FILE_BYTES // 1024 // 1024} MB 以内的照片。")
    else:
        source = args.image
    try:
        result = scan_image(source, args.kiosk.ocr, budget_s=args.budget)
    except (ScanError, OcrUnavailable) as exc:
        raise KioskError(exc.friendly) from exc
    if args.json:
        print_json(result.to_json())
        return 0
    print(f"类型：{KIND_NAMES[result.kind]}（用时 {result.seconds:.1f} 秒）")
    labels = {"business_licence": LICENCE_LABELS, "id_card": ID_CARD_LABELS}.get(result.kind, ())
    for key, label in labels:
        value = result.fields.get(key)
        if value in (None, "", []):
            continue
        if key == "street":
            from kiosk.documents.tags import streets

            value = streets().get(value, value)
        if isinstance(value, list):
            value = "、".join(str(v) for v in value)
        if key == "credit_code":
            value = f"{value}（{'校验通过' if result.credit_code_valid else '校验未通过'}）"
        print(f"  {label}：{value}")
    if result.kind == "other" or not labels:
        for line in result.text:
            print(f"  {line}")
    for warning in result.warnings:
        print(f"注意：{warning}")
    return 0
