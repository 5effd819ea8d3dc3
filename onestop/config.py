"""Configuration: one TOML file plus ONESTOP_<SECTION>_<KEY> overrides, decoded into typed structs.

A leaf module (import-linter): standard library and msgspec only, so the TUI can load it cheaply.
Any unknown key, wrong type or malformed URL raises ConfigError naming the key; the CLI exits 2 on it.
"""

from __future__ import annotations

import os
import re
import tomllib
import zoneinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec

ENV_PREFIX = "ONESTOP_"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key (e.g. `database.url`)."""


class _Section(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class SiteConfig(_Section):
    name: str = "示范镇卫生院"
    region_code: str = "320923"  # 6-digit county code: the first part of every health-record number
    township_code: str = "001"  # 3-digit township code: the second part (BPHS-2017)
    default_village_code: str = "901"  # 901–999 = other; used when the desk does not choose a village
    timezone: str = "Asia/Shanghai"  # queue numbers and "one visit a day" follow local midnight
    phone: str | None = None  # the front desk's number: the patient page's "whom to ask"


class DatabaseConfig(_Section):
    url: str = "sqlite:///var/onestop.db"
    busy_timeout_s: float = 10.0  # SQLite: how long a writer waits for the lock before "database busy"


class ApiConfig(_Section):
    host: str = "127.0.0.1"
    port: int = 8750
    public_url: str = "http://127.0.0.1:8750"  # what QR codes point at
    session_hours: float = 12.0  # a staff bearer token lasts one working day


class PrinterConfig(_Section):
    url: str = "preview://var/tickets"
    paper_mm: int = 80
    native_qr: bool = True
    timeout_s: float = (
        2.0  # connect, send and each DLE EOT answer: a silent printer must not stall the worker
    )
    expire_s: float = 120.0  # a ticket not printed by then is marked and offered for reprint, never replayed
    idle_check_s: float = 15.0  # how often an idle worker asks the printer's status (paper near end…)


class QueueConfig(_Section):
    """A queue of the site (`[[queues]]`). Family doctor teams without an entry get a queue each,
    named after the team and called to the team's room."""

    id: str  # stable key of the queue's tickets, e.g. "gp"
    prefix: str  # 1–2 capital letters starting every number: A001
    name: str  # shown on the ticket and the board: 全科门诊
    kind: str  # team | general_practice | screening | pharmacy | other
    room: str  # where the resident is called to: 3号诊室
    team: str | None = None  # kind = team: the family doctor team's name


def default_queues() -> list[QueueConfig]:
    return [
        QueueConfig(id="gp", prefix="A", name="全科门诊", kind="general_practice", room="全科诊室"),
        QueueConfig(id="screening", prefix="S", name="慢病筛查", kind="screening", room="筛查室"),
        QueueConfig(id="pharmacy", prefix="P", name="药房", kind="pharmacy", room="药房"),
    ]


class BoardConfig(_Section):
    # The waiting-room board speaks each call when a Chinese text-to-speech engine is installed:
    # "auto" finds espeak-ng (Mandarin voice) on PATH, "off" stays silent, anything else is the command
    # (the phrase is appended as its last argument).
    speech: str = "auto"


class AccessConfig(_Section):
    """Patient links (/p/{token}, flows.access): how long they last unless staff choose otherwise. A ticket's
    link always ends with the day."""

    record_days: int = 30  # a record card's QR code
    max_days: int = 365  # the longest a link may be issued for


class DeviceConfig(_Section):
    id: str
    kind: str
    protocol: str  # omron-hbp9030 | tanita | scale-line | astm | cms50 (DEVICES.md §2)
    url: str  # any pyserial URL (/dev/…, socket://, rfc2217://, loop://) or sim:// for the built-in simulator
    station: str
    # The line settings default to the protocol's; set them for a device that differs (a Tanita WB-110S
    # talks 2400 7E1). framing is data bits, parity (N/E/O) and stop bits: "8N1", "7E1".
    baudrate: int | None = None
    framing: str | None = None
    # scale-line only: a built-in preset ("st-gs", "w-h") or a regular expression with named groups
    # (weight, and optionally height, status, unit), for the many vendors' height/weight stations.
    pattern: str | None = None


class MedicineConfig(_Section):
    """An item of the site's essential medicines list (`[[medicines]]`). Given at all, the items replace the
    built-in list (flows.medicines.DEFAULT_MEDICINES, [U]) whole: the site's formulary is its own."""

    drug: str  # the name written on a prescription: 氨氯地平片
    generic: str  # 通用名, from which the drug class is read: 氨氯地平
    form: str  # 片剂, 缓释片, 气雾剂 …
    strength: str  # 5mg
    doses: list[str]  # the dose choices, first = usual
    frequencies: list[str]  # qd, bid, tid, qn, qod, prn …, first = usual
    conditions: list[str]  # hypertension | diabetes | dyslipidaemia | obesity | copd


class TuiConfig(_Section):
    server: str = "http://127.0.0.1:8750"
    lang: str = "zh_CN"
    station: str = "front-desk-1"


class HospitalConfig(_Section):
    """A higher-level hospital of the county medical alliance (医联体牵头医院) that takes referrals up."""

    name: str  # 县人民医院
    departments: list[str] = msgspec.field(default_factory=list)  # where a referral up may go: 心血管内科 …


def default_hospitals() -> list[HospitalConfig]:
    return [
        HospitalConfig(
            name="县人民医院",
            departments=["心血管内科", "内分泌科", "呼吸与危重症医学科", "肾内科", "神经内科", "急诊科"],
        ),
        HospitalConfig(name="县中医院", departments=["心血管科", "内分泌科", "肺病科", "急诊科"]),
    ]


def default_village_clinics() -> list[str]:
    # The demo township's first villages (flows.synthetic.township), each with its clinic.
    return ["王庄村卫生室", "李家村卫生室", "张湾村卫生室", "东河村卫生室", "西山村卫生室", "南岗村卫生室"]


class ReferralConfig(_Section):
    """Where the doctor's desk refers (GUIDE-2025 one-stop flow): up to the lead hospital's departments, down
    to the village clinics, and an emergency at once to the emergency destination. The first hospital is
    the lead hospital (the form's default)."""

    hospitals: list[HospitalConfig] = msgspec.field(default_factory=default_hospitals)
    village_clinics: list[str] = msgspec.field(default_factory=default_village_clinics)
    emergency_hospital: str = "县人民医院"  # one of `hospitals`
    emergency_department: str = "急诊科"  # one of that hospital's departments


class Settings(_Section):
    site: SiteConfig = msgspec.field(default_factory=SiteConfig)
    database: DatabaseConfig = msgspec.field(default_factory=DatabaseConfig)
    api: ApiConfig = msgspec.field(default_factory=ApiConfig)
    printer: PrinterConfig = msgspec.field(default_factory=PrinterConfig)
    tui: TuiConfig = msgspec.field(default_factory=TuiConfig)
    devices: list[DeviceConfig] = msgspec.field(default_factory=list)
    queues: list[QueueConfig] = msgspec.field(default_factory=default_queues)
    board: BoardConfig = msgspec.field(default_factory=BoardConfig)
    access: AccessConfig = msgspec.field(default_factory=AccessConfig)
    referral: ReferralConfig = msgspec.field(default_factory=ReferralConfig)
    medicines: list[MedicineConfig] = msgspec.field(default_factory=list)  # empty: the built-in list
    # [rules.<module>] tables override the clinical rules' settings (the facts CLINICAL_RULES.md tags [U]).
    # Kept raw here, because this module imports no layer; flows.rules.settings.load_rules checks every key
    # (the CLI's `config check` and the API's start-up both call it, naming a bad key as `rules.x.y`).
    rules: dict[str, dict[str, Any]] = msgspec.field(default_factory=dict)


_SECTIONS = {"site", "database", "api", "printer", "tui", "board", "access", "referral"}
DEVICE_PROTOCOLS = frozenset({"omron-hbp9030", "tanita", "scale-line", "astm", "cms50"})
_FRAMING = re.compile(r"[5-8][NEO](1|1\.5|2)")
_DEVICE_KINDS = {
    "blood_pressure",
    "height_weight",
    "body_composition",
    "glucose",
    "hba1c",
    "spo2",
    "peak_flow",
}


def load_settings(path: str | Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read the TOML file (if any), apply environment overrides, decode and check. Raises ConfigError."""
    env = dict(os.environ if env is None else env)
    if path is None and env.get("ONESTOP_CONFIG"):
        path = env["ONESTOP_CONFIG"]
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"configuration file {path} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"configuration file {path} is not valid TOML: {exc}") from None
    _apply_env(raw, env)
    try:
        settings = msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    _check(settings)
    return settings


def _apply_env(raw: dict[str, Any], env: dict[str, str]) -> None:
    """ONESTOP_DATABASE_URL=… sets [database] url. Values are strings; msgspec converts (strict=False)."""
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX) or name == "ONESTOP_CONFIG":
            continue
        rest = name[len(ENV_PREFIX) :].lower()
        section, _, key = rest.partition("_")
        if section not in _SECTIONS or not key:
            raise ConfigError(
                f"environment variable {name}: unknown section {section!r} "
                f"(known: {', '.join(sorted(_SECTIONS))}); devices are configured in the file only"
            )
        target = raw.setdefault(section, {})
        if not isinstance(target, dict):
            raise ConfigError(f"{section} must be a table")
        if value.lower() in ("true", "false"):
            target[key] = value.lower() == "true"
        else:
            target[key] = value


def _describe(exc: msgspec.ValidationError) -> str:
    # msgspec says e.g. "Object contains unknown field `bogus` - at `$.site`"; turn the path into `site.bogus`.
    text = str(exc)
    match = re.match(r"(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", text)
    msg, path = (match.group("msg"), match.group("path")) if match else (text, None)
    key = (path or "").lstrip(".")
    unknown = re.search(r"unknown field `([^`]+)`", msg)
    if unknown:
        key = f"{key}.{unknown.group(1)}" if key else unknown.group(1)
        return f"{key}: unknown key"
    return f"{key or 'configuration'}: {msg}"


def _check(s: Settings) -> None:
    if not re.fullmatch(r"[0-9]{6}", s.site.region_code):
        raise ConfigError(f"site.region_code: must be a 6-digit county code, got {s.site.region_code!r}")
    if not re.fullmatch(r"[0-9]{3}", s.site.township_code):
        raise ConfigError(f"site.township_code: must be 3 digits, got {s.site.township_code!r}")
    if not re.fullmatch(r"[0-9]{3}", s.site.default_village_code):
        raise ConfigError(f"site.default_village_code: must be 3 digits, got {s.site.default_village_code!r}")
    try:
        zoneinfo.ZoneInfo(s.site.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"site.timezone: unknown time zone {s.site.timezone!r}") from None
    _check_url("database.url", s.database.url, {"sqlite", "postgresql", "postgres"})
    _check_url("api.public_url", s.api.public_url, {"http", "https"}, need_host=True)
    _check_url("tui.server", s.tui.server, {"http", "https"}, need_host=True)
    _check_url("printer.url", s.printer.url, {"tcp", "serial", "usb", "file", "preview"})
    if not (0 < s.api.port < 65536):
        raise ConfigError(f"api.port: must be 1–65535, got {s.api.port}")
    if s.printer.paper_mm not in (58, 80):
        raise ConfigError(f"printer.paper_mm: must be 58 or 80, got {s.printer.paper_mm}")
    if s.tui.lang not in ("zh_CN", "en"):
        raise ConfigError(f"tui.lang: must be zh_CN or en, got {s.tui.lang!r}")
    for key in ("timeout_s", "expire_s", "idle_check_s"):
        if not getattr(s.printer, key) > 0:
            raise ConfigError(f"printer.{key}: must be more than 0, got {getattr(s.printer, key)}")
    if not 1 <= s.access.record_days <= s.access.max_days:
        raise ConfigError(
            f"access.record_days: must be 1–{s.access.max_days} (access.max_days), got {s.access.record_days}"
        )
    if not 1 <= s.access.max_days <= 3660:
        raise ConfigError(f"access.max_days: must be 1–3660, got {s.access.max_days}")
    _check_queues(s.queues)
    _check_medicines(s.medicines)
    _check_referral(s.referral)
    seen: set[str] = set()
    for i, dev in enumerate(s.devices):
        if dev.kind not in _DEVICE_KINDS:
            raise ConfigError(
                f"devices[{i}].kind: unknown kind {dev.kind!r} (known: {', '.join(sorted(_DEVICE_KINDS))})"
            )
        if dev.id in seen:
            raise ConfigError(f"devices[{i}].id: duplicate device id {dev.id!r}")
        seen.add(dev.id)
        _check_device(i, dev)


def _check_device(i: int, dev: DeviceConfig) -> None:
    if dev.protocol not in DEVICE_PROTOCOLS:
        known = ", ".join(sorted(DEVICE_PROTOCOLS))
        raise ConfigError(f"devices[{i}].protocol: unknown protocol {dev.protocol!r} (known: {known})")
    for key in ("id", "url", "station"):
        if not getattr(dev, key).strip():
            raise ConfigError(f"devices[{i}].{key}: must not be empty")
    if dev.baudrate is not None and not 300 <= dev.baudrate <= 921600:
        raise ConfigError(f"devices[{i}].baudrate: expected 300–921600, got {dev.baudrate}")
    if dev.framing is not None and not _FRAMING.fullmatch(dev.framing):
        raise ConfigError(
            f"devices[{i}].framing: expected data bits, parity and stop bits like 8N1 or 7E1, got {dev.framing!r}"
        )
    if dev.pattern is not None and dev.protocol != "scale-line":
        raise ConfigError(f"devices[{i}].pattern: only a scale-line device has a line pattern")


def _check_referral(r: ReferralConfig) -> None:
    if not r.hospitals:
        raise ConfigError("referral.hospitals: name at least the lead hospital")
    names = [h.name.strip() for h in r.hospitals]
    for i, (name, hospital) in enumerate(zip(names, r.hospitals, strict=True)):
        if not name or names.index(name) != i:
            raise ConfigError(f"referral.hospitals[{i}].name: empty or named twice ({hospital.name!r})")
        if not hospital.departments or any(not d.strip() for d in hospital.departments):
            raise ConfigError(f"referral.hospitals[{i}].departments: list the departments (none empty)")
    if any(not c.strip() for c in r.village_clinics) or len(set(r.village_clinics)) != len(r.village_clinics):
        raise ConfigError("referral.village_clinics: no empty or repeated clinic names")
    emergency = next((h for h in r.hospitals if h.name == r.emergency_hospital), None)
    if emergency is None:
        raise ConfigError(
            f"referral.emergency_hospital: {r.emergency_hospital!r} is not one of referral.hospitals"
        )
    if r.emergency_department not in emergency.departments:
        raise ConfigError(
            f"referral.emergency_department: {r.emergency_department!r} is not a department of "
            f"{r.emergency_hospital}"
        )


# flows.model.Condition's values (this module imports no layer; tests/flows/test_medicines.py compares them).
_CONDITIONS = {"hypertension", "diabetes", "dyslipidaemia", "obesity", "copd"}


def _check_medicines(medicines: list[MedicineConfig]) -> None:
    drugs: set[str] = set()
    for i, m in enumerate(medicines):
        for key in ("drug", "generic", "form", "strength"):
            if not getattr(m, key).strip():
                raise ConfigError(f"medicines[{i}].{key}: must not be empty")
        for key in ("doses", "frequencies", "conditions"):
            values = getattr(m, key)
            if not values or not all(v.strip() for v in values):
                raise ConfigError(f"medicines[{i}].{key}: at least one, none empty")
        unknown = sorted(set(m.conditions) - _CONDITIONS)
        if unknown:
            raise ConfigError(
                f"medicines[{i}].conditions: unknown {unknown} (known: {', '.join(sorted(_CONDITIONS))})"
            )
        if m.drug in drugs:
            raise ConfigError(f"medicines[{i}].drug: {m.drug!r} is listed twice")
        drugs.add(m.drug)


_QUEUE_KINDS = {"team", "general_practice", "screening", "pharmacy", "other"}


def _check_queues(queues: list[QueueConfig]) -> None:
    ids: set[str] = set()
    prefixes: set[str] = set()
    for i, q in enumerate(queues):
        if q.kind not in _QUEUE_KINDS:
            raise ConfigError(
                f"queues[{i}].kind: unknown kind {q.kind!r} (known: {', '.join(sorted(_QUEUE_KINDS))})"
            )
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,31}", q.id):
            raise ConfigError(f"queues[{i}].id: lower-case letters, digits, - and _ (≤32), got {q.id!r}")
        if not re.fullmatch(r"[A-Z]{1,2}", q.prefix):
            raise ConfigError(f"queues[{i}].prefix: 1–2 capital letters, got {q.prefix!r}")
        if (q.kind == "team") != (q.team is not None):
            raise ConfigError(f"queues[{i}].team: a team queue names its team, and only a team queue does")
        if q.id in ids or q.prefix in prefixes:
            raise ConfigError(f"queues[{i}]: id {q.id!r} or prefix {q.prefix!r} is used twice")
        if not q.name.strip() or not q.room.strip():
            raise ConfigError(f"queues[{i}]: name and room must not be empty")
        ids.add(q.id)
        prefixes.add(q.prefix)
    if not any(q.kind == "general_practice" for q in queues):
        raise ConfigError("queues: one queue must be kind = general_practice (where unsigned residents go)")


def _check_url(key: str, url: str, schemes: set[str], *, need_host: bool = False) -> None:
    parts = urlsplit(url)
    if parts.scheme not in schemes:
        raise ConfigError(f"{key}: malformed URL {url!r}: scheme must be one of {', '.join(sorted(schemes))}")
    try:
        # usb://VID:PID carries hex ids where a port would be (usb://04b8:0e15): not a port to check.
        port = parts.port if parts.scheme != "usb" else None
    except ValueError:
        raise ConfigError(f"{key}: malformed URL {url!r}: bad port") from None
    if need_host and not parts.hostname:
        raise ConfigError(f"{key}: malformed URL {url!r}: no host")
    if parts.scheme.startswith("postgres") and not parts.hostname:
        raise ConfigError(f"{key}: malformed URL {url!r}: no host")
    if parts.scheme == "sqlite" and not parts.path.lstrip("/"):
        raise ConfigError(f"{key}: malformed URL {url!r}: no file path")
    del port


def sqlite_path(url: str) -> Path:
    """sqlite:///var/onestop.db → var/onestop.db (relative); sqlite:////abs/x.db → /abs/x.db."""
    path = urlsplit(url).path
    return Path(path[1:]) if path.startswith("/") else Path(path)


def redacted(settings: Settings) -> dict[str, Any]:
    """The effective configuration for `onestop config check`, with passwords in URLs hidden."""
    data: dict[str, Any] = msgspec.to_builtins(settings)
    db = urlsplit(settings.database.url)
    if db.password:
        data["database"]["url"] = settings.database.url.replace(f":{db.password}@", ":***@")
    return data
