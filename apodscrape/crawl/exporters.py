"""Feed exporters: CSV cells a spreadsheet reads back."""

from __future__ import annotations

from typing import Any

from scrapy.exporters import CsvItemExporter

from ..table import csv_cell


class CsvDayExporter(CsvItemExporter):
    """CSV of Day records: credit lines and keywords one per line inside their cell,
    structured fields (credits, media files) as JSON."""

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        if isinstance(value, list | dict | str):
            return csv_cell(value)
        return super().serialize_field(field, name, value)
