"""The patient page's HTML: one server-rendered document for a 360-pixel phone, no script, no external
resource, no web font, well under 30 KB. Every value from the record is escaped here; the only inline code
is the stylesheet, allowed by its hash in the Content-Security-Policy (so no `style=` attribute anywhere).

Layout, top to bottom, in the order a resident in the waiting room needs it: an emergency notice; today's
queue; today's measurements; conditions; targets and latest values; trend charts; medicines; next
follow-up; advice (warning signs first); the family doctor team; how long the link works.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Iterable
from html import escape
from typing import Final

from api.patient.charts import ChartWords, Series, TargetLine, trend_chart
from api.patient.text import CONDITION, SEX, STEP, TICKET_STATUS, Lang, pick, t
from flows.access import AccessScope
from flows.measurements import MEASURES
from flows.model import Observation
from flows.patient import PatientRecord, Point
from flows.queue import TicketStatus, TicketStatusView
from flows.rules.advice import Advice, PatientTargets

REFRESH_S: Final = 20  # a waiting visit's page reloads itself (meta refresh: no script)
_S = TicketStatus
_CALLED: Final = frozenset({_S.CALLED, _S.RECALLED})
_OVER: Final = frozenset({_S.DONE, _S.TRANSFERRED, _S.CANCELLED, _S.SKIPPED})
_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

STYLE: Final = """
*{box-sizing:border-box;margin:0;padding:0}
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;
background:#f3f5f7;color:#111;max-width:36rem;margin:0 auto;padding:.6rem;line-height:1.5;font-size:16px}
header{display:flex;justify-content:space-between;align-items:baseline;gap:.5rem;padding:.4rem .2rem .6rem}
h1{font-size:1.3rem}header p{color:#444}
nav a{color:#0b57d0;font-size:.95rem}
section{background:#fff;border-radius:.8rem;padding:.8rem .9rem;margin:.6rem 0;box-shadow:0 1px 3px #0002}
h2{font-size:1.1rem;margin-bottom:.4rem}
table+h2{margin-top:.8rem}
.alarm{background:#b71c1c;color:#fff;font-weight:bold;font-size:1.1rem}
.ticket{display:flex;align-items:center;gap:.8rem;padding:.4rem 0;border-top:1px solid #eee}
.ticket:first-of-type{border-top:0}
.num{font-size:2.4rem;font-weight:bold;font-variant-numeric:tabular-nums;min-width:5.5rem}
.st{display:inline-block;padding:0 .6rem;border-radius:1rem;background:#e4e8ec;font-weight:bold}
.st.now{background:#c62828;color:#fff}.st.over{background:#ddd;color:#555}
.muted{color:#666;font-size:.9rem}
ul{list-style:none}li{padding:.2rem 0}
.chips li{display:inline-block;margin:.1rem .3rem .1rem 0;padding:.1rem .7rem;border:1px solid #999;border-radius:1rem}
table{width:100%;border-collapse:collapse}td{padding:.25rem 0;border-top:1px solid #eee}
td.v{text-align:right;font-weight:bold;white-space:nowrap;padding-left:.5rem}
td.d{text-align:right;color:#666;font-size:.85rem;white-space:nowrap;padding-left:.5rem}
.chart{margin:.3rem 0 .6rem}
.chart svg{display:block;width:100%;height:auto}
.warn{border:2px solid #b71c1c}.warn h2{color:#b71c1c}
.warn li:before{content:"● ";color:#b71c1c}
.adv li{border-top:1px solid #eee;padding:.4rem 0}.adv li:first-child{border-top:0}
.adv b{display:block}
.adv ul li{border:0;padding:0 0 0 .8rem}
a.tel{font-weight:bold;color:#0b57d0}
footer{color:#666;font-size:.85rem;text-align:center;padding:.6rem 0 1rem}
footer a{color:#0b57d0}
""".strip()

STYLE_HASH: Final = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()

HEADERS: Final = {
    # No script source at all: the page works without script, so none may ever run on it.
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Cache-Control": "no-store",  # a shared phone's back button must not show a record after the link ends
    "Referrer-Policy": "no-referrer",  # the token is in the URL: it must not leak to another site
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
}


def _day(day: dt.date, lang: Lang, today: dt.date) -> str:
    if lang is Lang.EN:
        text = f"{day.day} {_MONTHS[day.month - 1]}"
        return text if day.year == today.year else f"{text} {day.year}"
    text = f"{day.month}月{day.day}日"
    return text if day.year == today.year else f"{day.year}年{text}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _document(title: str, body: str, lang: Lang, *, refresh: bool = False) -> str:
    meta = f'<meta http-equiv="refresh" content="{REFRESH_S}">' if refresh else ""
    html_lang = "en" if lang is Lang.EN else "zh-CN"
    return (
        f'<!doctype html><html lang="{html_lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">{meta}'
        f'<title>{escape(title)}</title><link rel="icon" href="data:,"><style>{STYLE}</style></head>'
        f"<body>{body}</body></html>"
    )


def _hint(place: TicketStatusView, lang: Lang) -> str:
    room = escape(place.room)
    if place.status is _S.WAITING:
        return t("ahead", lang, n=place.ahead) if place.ahead else t("next_you", lang)
    if place.status in _CALLED:
        return t("go_room", lang, room=room)
    if place.status is _S.IN_SERVICE:
        return t("in_room", lang, room=room)
    key = {_S.SKIPPED: "skipped", _S.TRANSFERRED: "transferred", _S.CANCELLED: "cancelled_t"}
    return t(key.get(place.status, "done_t"), lang)


def _refreshes(record: PatientRecord) -> bool:
    """A ticket's page reloads itself while a ticket can still change; a record page, being read at leisure,
    never does."""
    return record.scope is AccessScope.VISIT and any(p.status not in _OVER for p in record.queue)


def _queue(record: PatientRecord, lang: Lang) -> str:
    if not record.queue and record.visit_step is None:
        return ""
    rows = []
    for place in record.queue:
        css = "now" if place.status in _CALLED else "over" if place.status in _OVER else ""
        rows.append(
            f'<div class="ticket"><span class="num">{escape(place.label)}</span><div>'
            f"<div>{escape(place.queue_name)} "
            f'<span class="st {css}">{escape(pick(TICKET_STATUS[place.status], lang))}</span></div>'
            f"<div>{_hint(place, lang)}</div></div></div>"
        )
    step = ""
    if record.visit_step is not None:
        step = f'<p class="muted">{t("step", lang)}：{escape(pick(STEP[record.visit_step], lang))}</p>'
    note = f'<p class="muted">{t("refresh", lang, n=REFRESH_S)}</p>' if _refreshes(record) else ""
    return f'<section id="queue"><h2>{t("queue", lang)}</h2>{"".join(rows)}{step}{note}</section>'


def _value_rows(values: Iterable[Observation], lang: Lang, today: dt.date, zone: zoneinfo.ZoneInfo) -> str:
    by_code = {v.code: v for v in values}
    rows = []
    for code, value in by_code.items():
        if code == "dbp" and "sbp" in by_code:
            continue  # shown with the systolic value as one blood pressure
        measure = MEASURES[code]
        shown = _number(value.value)
        label = pick((measure.label_zh, measure.label_en), lang)
        if code == "sbp" and "dbp" in by_code:
            label = pick(("血压", "Blood pressure"), lang)
            shown = f"{shown}/{_number(by_code['dbp'].value)}"
        unit = "" if measure.unit == "ratio" else f" {measure.unit}"
        day = _day(value.observed_at.astimezone(zone).date(), lang, today)
        rows.append(
            f'<tr><td>{escape(label)}</td><td class="v">{escape(shown + unit)}</td>'
            f'<td class="d">{escape(day)}</td></tr>'
        )
    return f"<table>{''.join(rows)}</table>" if rows else ""


def _targets(targets: PatientTargets, lang: Lang) -> str:
    items = []
    if targets.sbp_below is not None and targets.dbp_below is not None:
        items.append(t("bp_target", lang, s=targets.sbp_below, d=targets.dbp_below))
    if targets.fpg_min is not None and targets.fpg_max is not None:
        items.append(t("fpg_target", lang, a=_number(targets.fpg_min), b=_number(targets.fpg_max)))
    if targets.hba1c_below is not None:
        items.append(t("hba1c_target", lang, v=_number(targets.hba1c_below)))
    if targets.weight_kg_max is not None:
        items.append(t("weight_target", lang, v=_number(targets.weight_kg_max)))
    if not items:
        return ""
    return f'<h2>{t("my_targets", lang)}</h2><ul class="chips">{"".join(f"<li>{escape(i)}</li>" for i in items)}</ul>'


# The charts' spoken summary (aria-label) and month ticks in English; the Chinese ones are the defaults.
_EN_WORDS: Final = ChartWords(
    latest="{label} {value} {unit} on {d} {date:%b}",
    summary="{title}: {latest}; readings on {count} days",
    joiner="; ",
    empty="{title}: {empty_text}",
)


_ZH_WORDS: Final = ChartWords()


def _series(points: Iterable[Point]) -> list[tuple[dt.date, float]]:
    return [(p.day, p.value) for p in points]


def _charts(record: PatientRecord, targets: PatientTargets, lang: Lang) -> str:
    start, end = record.today - dt.timedelta(days=365), record.today
    empty = t("no_data", lang)
    words, months = (_EN_WORDS, "{date:%b}") if lang is Lang.EN else (_ZH_WORDS, "{m}月")
    charts: list[str] = []
    s = record.series
    if "sbp" in s or "dbp" in s or targets.sbp_below is not None:
        lines = [
            TargetLine(value=v, label=t("target_below", lang, v=v))
            for v in (targets.sbp_below, targets.dbp_below)
            if v is not None
        ]
        charts.append(
            trend_chart(
                words=words,
                date_format=months,
                title=t("bp_chart", lang),
                unit="mmHg",
                series=[
                    Series(
                        label=pick(("收缩压", "systolic"), lang), points=_series(s.get("sbp", ())), kind="a"
                    ),
                    Series(
                        label=pick(("舒张压", "diastolic"), lang), points=_series(s.get("dbp", ())), kind="b"
                    ),
                ],
                start=start,
                end=end,
                targets=lines,
                empty_text=empty,
            )
        )
    if "fpg" in s or targets.fpg_max is not None:
        band = []
        if targets.fpg_min is not None and targets.fpg_max is not None:
            band = [
                TargetLine(
                    value=targets.fpg_min,
                    band_to=targets.fpg_max,
                    label=t("target_range", lang, a=_number(targets.fpg_min), b=_number(targets.fpg_max)),
                )
            ]
        charts.append(
            trend_chart(
                words=words,
                date_format=months,
                title=t("fpg_chart", lang),
                unit="mmol/L",
                series=[Series(label=t("fpg_chart", lang), points=_series(s.get("fpg", ())))],
                start=start,
                end=end,
                targets=band,
                empty_text=empty,
            )
        )
    if "weight" in s:
        weight = []
        if targets.weight_kg_max is not None:
            weight = [
                TargetLine(
                    value=targets.weight_kg_max,
                    label=t("target_below", lang, v=_number(targets.weight_kg_max)),
                )
            ]
        charts.append(
            trend_chart(
                words=words,
                date_format=months,
                title=t("weight_chart", lang),
                unit="kg",
                series=[Series(label=t("weight_chart", lang), points=_series(s["weight"]))],
                start=start,
                end=end,
                targets=weight,
                empty_text=empty,
            )
        )
    if not charts:
        return ""
    drawn = "".join(f'<div class="chart">{c}</div>' for c in charts)
    return f'<section id="trends"><h2>{t("trends", lang)}</h2>{drawn}</section>'


def _medicines(record: PatientRecord, lang: Lang) -> str:
    if not record.medicines:
        return f'<section id="medicines"><h2>{t("medicines", lang)}</h2><p class="muted">{t("no_medicines", lang)}</p></section>'
    rows = []
    for m in record.medicines:
        notes = []
        if m.long_term:
            notes.append(t("long_term", lang))
        if m.end_date is not None:
            notes.append(t("until", lang, d=_day(m.end_date, lang, record.today)))
        extra = (
            f'<div class="muted">{escape("，".join(notes) if lang is Lang.ZH else ", ".join(notes))}</div>'
            if notes
            else ""
        )
        rows.append(f"<li><b>{escape(m.drug)}</b> {escape(m.dose)} · {escape(m.frequency)}{extra}</li>")
    return f'<section id="medicines"><h2>{t("medicines", lang)}</h2><ul class="adv">{"".join(rows)}</ul></section>'


def _advice(advice: Iterable[Advice], lang: Lang) -> str:
    urgent, usual = [], []
    for a in advice:
        text = escape(a.en if lang is Lang.EN else a.zh)
        items = a.items_en if lang is Lang.EN else a.items_zh
        listed = "".join(f"<li>{escape(i)}</li>" for i in items)
        if a.urgent:
            urgent.append(f"<p>{text}</p><ul>{listed}</ul>")
        else:
            usual.append(f"<li>{text}{f'<ul>{listed}</ul>' if listed else ''}</li>")
    out = ""
    if urgent:
        out += f'<section id="warning" class="warn"><h2>{t("warning", lang)}</h2>{"".join(urgent)}</section>'
    if usual:
        out += f'<section id="advice"><h2>{t("advice", lang)}</h2><ul class="adv">{"".join(usual)}</ul></section>'
    return out


def _team(record: PatientRecord, lang: Lang) -> str:
    team = record.team
    if team is None:
        return f'<section id="team"><h2>{t("team", lang)}</h2><p>{t("no_team", lang)}</p></section>'
    lines = [f"<p><b>{escape(team.name)}</b></p>", f"<p>{t('room', lang, room=escape(team.room))}</p>"]
    if team.phone:
        phone = escape(team.phone)
        tel = escape("".join(ch for ch in team.phone if ch.isdigit() or ch == "+"))
        anchor = f'<a class="tel" href="tel:{tel}">{phone}</a>'
        lines.append(f"<p>{t('call', lang, phone=anchor)}</p>")
    if record.contract_end is not None:
        lines.append(
            f'<p class="muted">{t("contract_end", lang, d=_day(record.contract_end, lang, record.today))}</p>'
        )
    return f'<section id="team"><h2>{t("team", lang)}</h2>{"".join(lines)}</section>'


def render_record(
    record: PatientRecord,
    *,
    advice: Iterable[Advice],
    targets: PatientTargets | None,
    lang: Lang,
    zone: zoneinfo.ZoneInfo,
    site_name: str,
    expires_at: dt.datetime,
    qr_href: str | None = None,
) -> str:
    """The page of one valid token."""
    other = "zh" if lang is Lang.EN else "en"
    person = (
        f"{escape(record.masked_name)} · {pick(SEX[record.sex], lang)} · {t('years', lang, n=record.age)}"
    )
    title = t("title" if record.scope is AccessScope.RECORD else "visit_title", lang)
    parts = [
        f"<header><div><h1>{title}</h1><p>{person}</p></div>"
        f'<nav><a href="?lang={other}" hreflang="{other}">{t("switch", lang)}</a></nav></header>'
    ]
    if record.emergency:
        parts.append(f'<section class="alarm" role="alert">{t("emergency", lang)}</section>')
    parts.append(_queue(record, lang))
    if record.visit_values:
        parts.append(
            f'<section id="today"><h2>{t("today_values", lang)}</h2>'
            f"{_value_rows(record.visit_values, lang, record.today, zone)}</section>"
        )
    if record.scope is AccessScope.RECORD:
        names = "".join(f"<li>{escape(pick(CONDITION[c], lang))}</li>" for c in record.conditions)
        body = (
            f'<ul class="chips">{names}</ul>' if names else f'<p class="muted">{t("no_conditions", lang)}</p>'
        )
        parts.append(f'<section id="conditions"><h2>{t("conditions", lang)}</h2>{body}</section>')
        latest = _value_rows(record.latest, lang, record.today, zone)
        target_list = _targets(targets, lang) if targets is not None else ""
        if latest or target_list:
            parts.append(f'<section id="latest"><h2>{t("latest", lang)}</h2>{latest}{target_list}</section>')
        if targets is not None:
            parts.append(_charts(record, targets, lang))
        parts.append(_medicines(record, lang))
        due = (
            t("followup_on", lang, d=_day(record.next_followup, lang, record.today))
            if record.next_followup
            else t("no_followup", lang)
        )
        parts.append(f'<section id="followup"><h2>{t("followup", lang)}</h2><p>{due}</p></section>')
    parts.append(_advice(advice, lang))
    if record.scope is AccessScope.RECORD:
        parts.append(_team(record, lang))
    until = expires_at.astimezone(zone)
    foot = t("valid_until", lang, d=f"{_day(until.date(), lang, record.today)} {until:%H:%M}")
    save = f' · <a href="{escape(qr_href)}" download>{t("save_qr", lang)}</a>' if qr_href else ""
    parts.append(f"<footer><p>{escape(site_name)} · {t('private', lang)}</p><p>{foot}{save}</p></footer>")
    return _document(f"{title} · {site_name}", "".join(parts), lang, refresh=_refreshes(record))


def render_busy(*, site_name: str, lang: Lang) -> str:
    """The database was too busy to count and audit the view: nothing is shown unaudited, so try again."""
    body = (
        f"<header><div><h1>{t('busy_title', lang)}</h1><p>{escape(site_name)}</p></div></header>"
        f"<section><p>{t('busy', lang)}</p></section>"
    )
    return _document(f"{t('busy_title', lang)} · {site_name}", body, lang)


def render_refusal(*, site_name: str, phone: str | None, lang: Lang, throttled: bool = False) -> str:
    """The one page for every link that does not open a record: unknown, expired and revoked alike, so the
    page says nothing about whether a link ever existed; also the page of an address that guessed too often."""
    ask = t("ask_phone", lang, phone=escape(phone)) if phone else t("ask", lang)
    other = "zh" if lang is Lang.EN else "en"
    message = t("throttled" if throttled else "invalid", lang)
    body = (
        f"<header><div><h1>{t('invalid_title', lang)}</h1><p>{escape(site_name)}</p></div>"
        f'<nav><a href="?lang={other}" hreflang="{other}">{t("switch", lang)}</a></nav></header>'
        f'<section><p>{message}</p><p class="muted">{ask}</p></section>'
    )
    return _document(f"{t('invalid_title', lang)} · {site_name}", body, lang)
