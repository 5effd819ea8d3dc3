"""The ticket's own status page (/q/{token}), opened from the QR code on the ticket: HTML for a phone, no
name and no ID number, refreshed every 15 s. Every value is escaped; the only inline code is the style,
allowed by its hash."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import zoneinfo
from html import escape
from typing import Final

from flows.queue import TicketStatus, TicketStatusView

REFRESH_S: Final = 15

_S = TicketStatus
STATUS_TEXT: Final[dict[TicketStatus, str]] = {
    _S.WAITING: "等候中",
    _S.CALLED: "请到诊室",
    _S.RECALLED: "请到诊室",
    _S.IN_SERVICE: "就诊中",
    _S.DONE: "已完成",
    _S.SKIPPED: "过号",
    _S.TRANSFERRED: "已转",
    _S.CANCELLED: "已取消",
}
_CALLED: Final = frozenset({_S.CALLED, _S.RECALLED})
_OVER: Final = frozenset({_S.DONE, _S.TRANSFERRED, _S.CANCELLED})  # nothing more will happen: stop refreshing

_STYLE: Final = """
*{box-sizing:border-box;margin:0;padding:0}
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
background:#f3f5f7;color:#111;padding:1.2rem;max-width:32rem;margin:0 auto;line-height:1.5}
.card{background:#fff;border-radius:1rem;padding:1.5rem 1.2rem;text-align:center;box-shadow:0 1px 4px #0002}
.queue{font-size:1.2rem;color:#444}
.label{font-size:4.5rem;font-weight:bold;letter-spacing:.04em;font-variant-numeric:tabular-nums}
.status{display:inline-block;margin:.4rem 0 .8rem;padding:.3rem 1.2rem;border-radius:2rem;font-size:1.5rem;
font-weight:bold;background:#e4e8ec}
.status.now{background:#c62828;color:#fff}
.status.over{background:#ddd;color:#555}
.hint{font-size:1.2rem;margin-bottom:.8rem}
.urgent{color:#c62828;font-weight:bold;margin-bottom:.6rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem;text-align:left;margin-top:.8rem;font-size:1.05rem}
dt{color:#666}
.foot{margin-top:1rem;text-align:center;color:#666;font-size:.9rem}
""".strip()

_STYLE_HASH: Final = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()

TICKET_HEADERS: Final = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Cache-Control": "no-store",  # the status changes every few minutes; never show a stale one
    "Referrer-Policy": "no-referrer",  # the token is in the URL: it must not leak to another site
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex",
}


def _hint(view: TicketStatusView) -> str:
    room = escape(view.room)
    if view.status is _S.WAITING:
        return f"前面还有 <b>{view.ahead}</b> 人" if view.ahead else "下一位就是您，请留意叫号"
    if view.status in _CALLED:
        return f"请到 <b>{room}</b> 就诊"
    if view.status is _S.IN_SERVICE:
        return f"正在 {room} 就诊"
    if view.status is _S.SKIPPED:
        return "您已过号，请到服务台重新排队"
    if view.status is _S.TRANSFERRED:
        return "已转到其他队列，请按服务台给您的新号等候"
    if view.status is _S.CANCELLED:
        return "此号已取消，如有疑问请到服务台"
    return "本次就诊已完成，谢谢"


def _clock(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def _page(title: str, body: str, *, refresh: bool) -> str:
    meta = f'<meta http-equiv="refresh" content="{REFRESH_S}">' if refresh else ""
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="referrer" content="no-referrer">{meta}<title>{escape(title)}</title>'
        '<link rel="icon" href="data:,">'
        f"<style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def render_status(view: TicketStatusView, zone: zoneinfo.ZoneInfo) -> str:
    """The status page of one ticket. Refreshes itself while the ticket can still change."""
    css = "now" if view.status in _CALLED else "over" if view.status in _OVER else ""
    rows = [("取号时间", _clock(view.issued_at, zone))]
    if view.called_at is not None:
        rows.append(("叫号时间", _clock(view.called_at, zone)))
    rows.append(("诊室", view.room))
    details = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    urgent = '<p class="urgent">优先就诊</p>' if view.emergency else ""
    live = view.status not in _OVER
    foot = f"本页每 {REFRESH_S} 秒自动刷新" if live else "本页不再更新"
    body = (
        f'<main class="card"><p class="queue">{escape(view.queue_name)}</p>'
        f'<p class="label">{escape(view.label)}</p>{urgent}'
        f'<p class="status {css}">{escape(STATUS_TEXT[view.status])}</p>'
        f'<p class="hint">{_hint(view)}</p><dl>{details}</dl></main>'
        f'<p class="foot">{foot}</p>'
    )
    return _page(f"排队号 {view.label}", body, refresh=live)


def render_missing() -> str:
    """The 404 page: an unknown, mistyped or expired link."""
    body = (
        '<main class="card"><p class="status over">未找到该排队号</p>'
        '<p class="hint">链接无效或已过期。请核对小票上的二维码，或到服务台询问。</p></main>'
    )
    return _page("未找到排队号", body, refresh=False)
