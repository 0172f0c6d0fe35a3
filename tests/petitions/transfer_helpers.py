"""Work orders as the hotline platforms send them: Excel batches and JSON orders for the
transfer tests."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

HEADING = ["工单编号", "来电时间", "来电人", "联系电话", "地址", "诉求内容", "办理时限"]


def order_row(number: str = "GD20250312001", **overrides: Any) -> dict[str, Any]:
    row = {
        "工单编号": number,
        "来电时间": "2025-03-12 09:30",
        "来电人": "王女士",
        "联系电话": 13800138000,
        "地址": "朝阳市双塔区凌河街道友谊小区东侧",
        "诉求内容": "小区东侧饭店油烟直排，居民无法开窗，请求查处。",
        "办理时限": "2025-03-20",
    }
    row.update(overrides)
    return row


def workbook(*rows: dict[str, Any], heading: list[str] = HEADING, name: str = "batch.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(heading)
    for row in rows:
        sheet.append([row.get(column) for column in heading])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def json_order(number: str = "HX-2025-0001", **overrides: Any) -> dict[str, Any]:
    order = {
        "order_number": number,
        "ordered_at": "2025-03-12T09:30:00+08:00",
        "caller": "刘先生",
        "phone": "13900139000",
        "address": "龙城区七道泉子镇砖厂",
        "content": "砖厂夜间排放黑烟，气味刺鼻。",
        "deadline": "2025-03-22",
    }
    order.update(overrides)
    return order
