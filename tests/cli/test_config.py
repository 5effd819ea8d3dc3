"""Configuration: TOML plus ONESTOP_<SECTION>_<KEY>; every error names the key (DESIGN.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from onestop.config import ConfigError, load_settings, redacted, sqlite_path


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "onestop.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_usable_without_a_file() -> None:
    settings = load_settings(env={})
    assert settings.database.url.startswith("sqlite:///")
    assert settings.site.timezone == "Asia/Shanghai"
    assert settings.tui.lang == "zh_CN"


def test_file_values_and_env_overrides(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[site]
name = "某某镇卫生院"
region_code = "320923"

[api]
port = 9000

[[devices]]
id = "bp-1"
kind = "blood_pressure"
protocol = "omron-hbp9030"
url = "sim://"
station = "screening-1"
""",
    )
    settings = load_settings(path, env={"ONESTOP_API_PORT": "9100", "ONESTOP_PRINTER_NATIVE_QR": "false"})
    assert settings.site.name == "某某镇卫生院"
    assert settings.api.port == 9100  # the environment wins over the file
    assert settings.printer.native_qr is False
    assert settings.devices[0].id == "bp-1"


def test_config_path_from_environment(tmp_path: Path) -> None:
    path = write(tmp_path, '[site]\nname = "甲"\n')
    assert load_settings(env={"ONESTOP_CONFIG": str(path)}).site.name == "甲"


@pytest.mark.parametrize(
    ("text", "env", "key"),
    [
        pytest.param('[site]\nnmae = "x"\n', {}, "site.nmae", id="unknown key in a section"),
        pytest.param('[sight]\nname = "x"\n', {}, "sight", id="unknown section"),
        pytest.param("[api]\nport = 'abc'\n", {}, "api.port", id="wrong type in the file"),
        pytest.param("", {"ONESTOP_API_PORT": "abc"}, "api.port", id="wrong type in the environment"),
        pytest.param("", {"ONESTOP_API_BOGUS": "1"}, "api.bogus", id="unknown key in the environment"),
        pytest.param("", {"ONESTOP_NOPE_X": "1"}, "ONESTOP_NOPE_X", id="unknown env section"),
        pytest.param('[database]\nurl = "mysql://x/y"\n', {}, "database.url", id="unsupported database"),
        pytest.param('[database]\nurl = "sqlite://"\n', {}, "database.url", id="sqlite without a path"),
        pytest.param('[database]\nurl = "postgresql:///x"\n', {}, "database.url", id="postgres without host"),
        pytest.param('[api]\npublic_url = "http//x"\n', {}, "api.public_url", id="malformed public url"),
        pytest.param('[api]\npublic_url = "http://h:99999"\n', {}, "api.public_url", id="bad port in url"),
        pytest.param('[printer]\nurl = "lpt://1"\n', {}, "printer.url", id="unknown printer scheme"),
        pytest.param("[printer]\npaper_mm = 70\n", {}, "printer.paper_mm", id="paper width"),
        pytest.param('[site]\nregion_code = "3209"\n', {}, "site.region_code", id="county code digits"),
        pytest.param('[site]\ntimezone = "Mars/Base"\n', {}, "site.timezone", id="unknown time zone"),
        pytest.param('[tui]\nlang = "fr"\n', {}, "tui.lang", id="unknown language"),
        pytest.param(
            '[[devices]]\nid="a"\nkind="bp"\nprotocol="x"\nurl="loop://"\nstation="s"\n',
            {},
            "devices[0].kind",
            id="unknown device kind",
        ),
        pytest.param(
            '[[devices]]\nid="a"\nkind="spo2"\nprotocol="x"\nurl="loop://"\n', {}, "devices", id="missing key"
        ),
        pytest.param(
            '[[devices]]\nid="a"\nkind="spo2"\nprotocol="nonin"\nurl="loop://"\nstation="s"\n',
            {},
            "devices[0].protocol",
            id="unknown device protocol",
        ),
        pytest.param(
            '[[devices]]\nid="a"\nkind="spo2"\nprotocol="cms50"\nurl="loop://"\nstation=""\n',
            {},
            "devices[0].station",
            id="empty station",
        ),
        pytest.param(
            '[[devices]]\nid="a"\nkind="spo2"\nprotocol="cms50"\nurl="loop://"\nstation="s"\nframing="8X1"\n',
            {},
            "devices[0].framing",
            id="bad framing",
        ),
        pytest.param(
            '[[devices]]\nid="a"\nkind="spo2"\nprotocol="cms50"\nurl="loop://"\nstation="s"\nbaudrate=12\n',
            {},
            "devices[0].baudrate",
            id="bad baud rate",
        ),
        pytest.param(
            '[[devices]]\nid="a"\nkind="spo2"\nprotocol="cms50"\nurl="loop://"\nstation="s"\npattern="x"\n',
            {},
            "devices[0].pattern",
            id="pattern on a device that has none",
        ),
        pytest.param("[site\n", {}, "not valid TOML", id="broken TOML"),
    ],
)
def test_bad_configuration_names_the_key(tmp_path: Path, text: str, env: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env=env)
    assert key in str(caught.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", env={})


def test_redacted_hides_the_database_password() -> None:
    settings = load_settings(
        env={"ONESTOP_DATABASE_URL": "postgresql://onestop:s3cret@127.0.0.1:5432/onestop"}
    )
    shown = redacted(settings)
    assert "s3cret" not in str(shown)
    assert shown["database"]["url"] == "postgresql://onestop:***@127.0.0.1:5432/onestop"


def test_sqlite_path_relative_and_absolute() -> None:
    assert sqlite_path("sqlite:///var/onestop.db") == Path("var/onestop.db")
    assert sqlite_path("sqlite:////srv/onestop.db") == Path("/srv/onestop.db")
