"""The indicators as CSV for a spreadsheet on a clinic PC: one row per indicator per period.

UTF-8 with a byte-order mark: without it Excel on a Chinese Windows reads the file as GBK and the names
come out garbled. Rows end in CRLF (the csv module's default), as Excel writes them. The rate is a
percentage with one decimal, empty when nobody is under management in the period (no denominator).
"""

from __future__ import annotations

import csv
import io
from typing import Final

from flows.indicator_series import IndicatorSeries
from flows.rules.indicators import LABELS

BOM: Final = "\ufeff"
HEADER: Final = ("范围", "期间", "开始日期", "结束日期", "指标代码", "指标", "分子", "分母", "率(%)")


def scope_slug(team_id: int | None, doctor_id: int | None) -> str:
    """The scope in a file name: site, team-3 or doctor-5 (a doctor inside a team is the doctor's)."""
    if doctor_id is not None:
        return f"doctor-{doctor_id}"
    if team_id is not None:
        return f"team-{team_id}"
    return "site"


def export_filename(team_id: int | None, doctor_id: int | None, period_label: str) -> str:
    return f"onestop-indicators-{scope_slug(team_id, doctor_id)}-{period_label}.csv"


def scope_words(series: IndicatorSeries) -> str:
    if series.doctor_id is not None:
        return f"医生：{series.scope_name}"
    if series.team_id is not None:
        return f"团队：{series.scope_name}"
    return f"全站：{series.scope_name}" if series.scope_name else "全站"


def indicators_csv(series: IndicatorSeries) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    scope = scope_words(series)
    for point in series.points:
        report = point.report
        for rate in report.rates:
            writer.writerow(
                (
                    scope,
                    point.period.label,
                    report.start.isoformat(),
                    report.end.isoformat(),
                    rate.code.value,
                    LABELS[rate.code][0],
                    rate.numerator,
                    rate.denominator,
                    "" if rate.rate is None else f"{rate.rate * 100:.1f}",
                )
            )
    return (BOM + out.getvalue()).encode("utf-8")
