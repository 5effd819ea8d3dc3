"""`[referral]`: where the doctor's desk refers (lead hospitals and departments, village clinics, the
emergency destination); defaults usable as they are, every error naming its key, printed by `config check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from onestop.config import ConfigError, load_settings
from tests.cli.test_cli import onestop


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "onestop.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_defaults_name_the_county_hospitals_the_emergency_and_the_demo_villages() -> None:
    r = load_settings(env={}).referral
    assert [h.name for h in r.hospitals] == ["县人民医院", "县中医院"]
    assert "心血管内科" in r.hospitals[0].departments
    assert (r.emergency_hospital, r.emergency_department) == ("县人民医院", "急诊科")
    assert r.village_clinics[0] == "王庄村卫生室"


def test_a_site_names_its_own_hospitals_and_clinics(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[referral]
village_clinics = ["东村卫生室"]
emergency_hospital = "市第一医院"
emergency_department = "急诊医学科"

[[referral.hospitals]]
name = "市第一医院"
departments = ["心内科", "急诊医学科"]
""",
    )
    r = load_settings(path, env={"ONESTOP_REFERRAL_EMERGENCY_DEPARTMENT": "心内科"}).referral
    assert [(h.name, h.departments) for h in r.hospitals] == [("市第一医院", ["心内科", "急诊医学科"])]
    assert (r.village_clinics, r.emergency_department) == (["东村卫生室"], "心内科")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[referral]\nhospitals = []\n", "referral.hospitals"),
        ("[referral]\nemergency_hospital = '市医院'\n", "referral.emergency_hospital"),
        ("[referral]\nemergency_department = '产科'\n", "referral.emergency_department"),
        ("[referral]\nvillage_clinics = ['a', 'a']\n", "referral.village_clinics"),
        ("[referral]\nnope = 1\n", "referral.nope"),
        (
            "[[referral.hospitals]]\nname = '县人民医院'\ndepartments = []\n",
            "referral.hospitals[0].departments",
        ),
    ],
)
def test_a_bad_referral_setting_names_its_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        load_settings(_write(tmp_path, text), env={})


def test_config_check_prints_the_referral_section() -> None:
    done = onestop("config", "check")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)["referral"]
    assert printed["emergency_department"] == "急诊科"
    assert printed["hospitals"][0]["name"] == "县人民医院"
