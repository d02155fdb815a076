"""Feed exporters: CSV cells a spreadsheet reads back."""

from __future__ import annotations

import json
from typing import Any

from scrapy.exporters import CsvItemExporter


class CsvDayExporter(CsvItemExporter):
    """CSV of Day records: credit lines and keywords one per line inside their cell,
    structured fields (credits, media files) as JSON."""

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        if isinstance(value, list | dict):
            return csv_cell(value)
        return super().serialize_field(field, name, value)


def csv_cell(value: Any) -> Any:
    """A CSV cell: a list of strings one per line, other structures as JSON, None empty."""
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value
