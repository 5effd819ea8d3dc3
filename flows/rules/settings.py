"""Every overridable rule setting of a site in one value, read from the `[rules.<module>]` tables.

Facts CLINICAL_RULES.md tags [U] (and a few site choices) are fields of each module's settings struct, with
the published or customary value as default. A site overrides them in its configuration file:

```toml
[rules.hypertension]
screening_age_floor = 35   # back to BPHS-2017 until the county adopts WS/T 872
```

`load_rules` refuses an unknown module, an unknown key or a wrong type, naming it as `rules.module.key`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import msgspec

from flows.rules._plan_data import PlanSettings
from flows.rules.base import RuleError
from flows.rules.contracts import ContractSettings
from flows.rules.copd import CopdSettings
from flows.rules.diabetes import DiabetesSettings
from flows.rules.diagnosis import DiagnosisSettings
from flows.rules.emergency import EmergencySettings
from flows.rules.family import FamilySettings
from flows.rules.hypertension import HypertensionSettings
from flows.rules.indicators import IndicatorSettings
from flows.rules.lipids import LipidSettings
from flows.rules.multimorbidity import MultimorbiditySettings
from flows.rules.questionnaires import QuestionnaireSettings
from flows.rules.screening import ScreeningSettings
from flows.rules.tcm import TcmSettings
from flows.rules.weight import WeightSettings


class RulesSettings(msgspec.Struct, frozen=True, kw_only=True):
    hypertension: HypertensionSettings = msgspec.field(default_factory=HypertensionSettings)
    diabetes: DiabetesSettings = msgspec.field(default_factory=DiabetesSettings)
    lipids: LipidSettings = msgspec.field(default_factory=LipidSettings)
    weight: WeightSettings = msgspec.field(default_factory=WeightSettings)
    copd: CopdSettings = msgspec.field(default_factory=CopdSettings)
    tcm: TcmSettings = msgspec.field(default_factory=TcmSettings)
    emergency: EmergencySettings = msgspec.field(default_factory=EmergencySettings)
    contracts: ContractSettings = msgspec.field(default_factory=ContractSettings)
    multimorbidity: MultimorbiditySettings = msgspec.field(default_factory=MultimorbiditySettings)
    plans: PlanSettings = msgspec.field(default_factory=PlanSettings)
    indicators: IndicatorSettings = msgspec.field(default_factory=IndicatorSettings)
    family: FamilySettings = msgspec.field(default_factory=FamilySettings)

    # Composite settings are views of the module sections, so one [rules.hypertension] override reaches every
    # rule that applies hypertension's facts.
    @property
    def questionnaires(self) -> QuestionnaireSettings:
        return QuestionnaireSettings(copd=self.copd, tcm=self.tcm)

    @property
    def diagnosis(self) -> DiagnosisSettings:
        return DiagnosisSettings(hypertension=self.hypertension, diabetes=self.diabetes, weight=self.weight)

    @property
    def screening(self) -> ScreeningSettings:
        return ScreeningSettings(
            hypertension=self.hypertension,
            diabetes=self.diabetes,
            weight=self.weight,
            emergency=self.emergency,
        )


DEFAULT_RULES: Final = RulesSettings()


def load_rules(raw: Mapping[str, Any]) -> RulesSettings:
    """Build the site's rule settings from the raw `[rules]` tables (defaults for what is not given)."""
    known = {f.name: f.type for f in msgspec.structs.fields(RulesSettings)}
    sections: dict[str, object] = {}
    for name, table in raw.items():
        if name not in known:
            raise RuleError(
                f"rules.{name}: unknown rules module (known: {', '.join(sorted(known))})",
                field=f"rules.{name}",
            )
        if not isinstance(table, Mapping):
            raise RuleError(f"rules.{name}: must be a table of settings", field=f"rules.{name}")
        struct = known[name]
        if not (isinstance(struct, type) and issubclass(struct, msgspec.Struct)):
            raise TypeError(f"RulesSettings.{name} must be a settings struct")
        fields = {f.name for f in msgspec.structs.fields(struct)}
        for key in table:
            if key not in fields:
                raise RuleError(
                    f"rules.{name}.{key}: unknown setting (known: {', '.join(sorted(fields))})",
                    field=f"rules.{name}.{key}",
                )
        try:
            sections[name] = msgspec.convert(dict(table), struct, strict=False)
        except msgspec.ValidationError as exc:
            path = str(exc).rpartition("`$.")[2].rstrip("`") if "`$." in str(exc) else ""
            field = f"rules.{name}.{path}" if path else f"rules.{name}"
            raise RuleError(f"{field}: {str(exc).partition(' - at ')[0]}", field=field) from None
    return RulesSettings(**sections)  # type: ignore[arg-type]
