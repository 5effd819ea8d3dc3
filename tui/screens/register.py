"""Register a new resident: ID number, name, phone, address and household, each checked next to its field.

Opened over intake with `push_screen(RegisterScreen(id_number=…), callback)`; dismisses with the new
resident's id, with the id of the resident already registered under that ID number (F2), or None (Esc).
Sex and birth date come from the ID number (GB 11643). Nothing is sent while a field is wrong, and the
API's refusals (422 with a field, 409 for a duplicate ID number) are shown at the field they concern.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.binding import BindingsMap
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Label
from textual.worker import Worker, WorkerState

from flows.model import NewResident
from tui import labels
from tui.client import ApiClientError, ApiUnreachable
from tui.endpoints.residents import HouseholdOf, Registered
from tui.errors import describe
from tui.i18n import _
from tui.keys import bindings
from tui.screens import register_fields as check
from tui.screens.register_household import GROUP as HOUSEHOLD_GROUP
from tui.screens.register_household import HouseholdPicker
from tui.state import Connection
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.events import DescendantBlur

    from tui.app import OnestopApp

FIELDS = ("id-number", "name", "phone", "address", "household")
# The API's `field` of a refusal (flows.errors) → the form's field it is shown at.
_API_FIELDS = {
    "id_number": "id-number",
    "name": "name",
    "phone": "phone",
    "address": "address",
    "household_id": "household",
}


class Duplicate(Message):
    """The ID number typed is already registered (found by search, or refused by the API with 409)."""

    def __init__(self, number: str, resident_id: int, who: str) -> None:
        super().__init__()
        self.number, self.resident_id, self.who = number, resident_id, who


class Done(Message):
    def __init__(self, registered: Registered) -> None:
        super().__init__()
        self.registered = registered


class RegisterScreen(Screen[int | None]):
    CSS_PATH = "register.tcss"
    KEYS: ClassVar[tuple[str, ...]] = ("register.save", "register.open_existing", "register.back")

    def _today(self) -> dt.date:
        return self.desk.today()

    def __init__(self, *, id_number: str | None = None) -> None:
        super().__init__()
        # Built per instance, like every desk screen: the descriptions follow the language chosen at run time.
        inherited = [binding for _key, binding in self._bindings]
        self._bindings = BindingsMap([*inherited, *bindings(*self.KEYS)])
        self._prefill = id_number or ""
        self._existing: Duplicate | None = None
        self._busy = False

    @property
    def desk(self) -> OnestopApp:
        return cast("OnestopApp", self.app)

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with VerticalScroll(id="register-form"):
            yield Label(_("Register a new resident"), id="register-title")
            # 20, not 18: a scanner's extra characters are shown as an error, not silently cut off.
            yield from self._row("id-number", _("ID number"), _("typed or scanned"), 20)
            yield from self._row("name", _("Name"), _("as on the ID card"), 30)
            yield from self._row("phone", _("Phone number"), _("optional"), 20)
            yield from self._row("address", _("Address"), _("optional"), 100)
            yield HouseholdPicker(
                self.desk.client, title=_("Lives with"), placeholder=_("name or ID of a registered resident")
            )
            yield Label("", id="register-message", markup=False)
            yield Label(_("Enter: next field · F10: register · Esc: cancel"), id="register-hint")
        yield Footer()

    def _row(self, field: str, title: str, placeholder: str, length: int) -> ComposeResult:
        with Horizontal(classes="field-row", id=f"{field}-row"):
            yield Label(title, classes="field-label")
            value = self._prefill if field == "id-number" else ""
            yield Input(value=value, placeholder=placeholder, max_length=length, id=field)
            yield Label("", id=f"{field}-note", classes="field-note", markup=False)

    def on_mount(self) -> None:
        self._message("")
        if self._prefill and self._judge("id-number", complete=True):
            self.query_one("#name", Input).focus()
        else:
            self.query_one("#id-number", Input).focus()

    # --- checking the fields ------------------------------------------------------------------------

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def _note(self, field: str, text: str, *, error: bool) -> None:
        note = self.query_one(f"#{field}-note", Label)
        note.update(text)
        note.set_class(error and bool(text), "-error")
        note.set_class(not error and bool(text), "-info")
        self.query_one(f"#{field}", Input).set_class(error and bool(text), "-invalid")

    def _judge(self, field: str, *, complete: bool) -> bool:
        """Check one field and say so next to it; True when it holds nothing wrong."""
        value = self._value(field)
        today = self._today()
        if field == "id-number":
            error = check.id_number_error(value, today=today, complete=complete)
            if (
                error is None
                and self._existing is not None
                and self._existing.number == value.strip().upper()
            ):
                error = self._duplicate_text(self._existing)
            if error:
                self._note(field, error, error=True)
                return False
            # 15 digits may be a legacy number, or 18 on their way: judged as legacy only when left.
            whole = complete or len(value.strip()) >= check.ID_LENGTH
            parsed = check.parsed_id_number(value, today=today) if whole else None
            if parsed is None:
                typed = len(value.strip())
                count = _("{count}/18 characters").format(count=typed) if typed else ""
                self._note(field, count, error=False)
                return True
            age = _("{age} y").format(age=labels.age(parsed.birth_date, today))
            sex = labels.word(labels.SEX, parsed.sex)
            self._note(field, f"{sex} · {parsed.birth_date.isoformat()} · {age}", error=False)
            return True
        if field == "name":
            error = check.name_error(value, complete=complete)
        elif field == "phone":
            error = check.phone_error(value, complete=complete)
        elif field == "address":
            error = self._address_error(complete=complete)
        else:
            return True  # the household line says what was chosen; it cannot be wrong
        self._note(field, error or "", error=True)
        return error is None

    def _address_error(self, *, complete: bool) -> str | None:
        chosen = self.query_one(HouseholdPicker).chosen
        alone = chosen is not None and chosen.household is None and not chosen.resident.address
        if complete and alone and not self._value("address").strip():
            return _("A new household is made for both: enter the address.")
        return None

    @on(Input.Changed, "#id-number, #name, #phone, #address")
    def _typed(self, event: Input.Changed) -> None:
        field = event.input.id or ""
        ok = self._judge(field, complete=False)
        if field == "id-number" and ok:
            number = check.parsed_id_number(event.value, today=self._today())
            if number is not None and len(event.value.strip()) == check.ID_LENGTH:
                self._look_for_duplicate(number.number)

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        """Leaving a field judges it whole: an unfinished ID number or a one-character name shows now."""
        widget = event.widget
        if isinstance(widget, Input) and widget.id in FIELDS[:4] and self.is_attached:
            self._judge(widget.id, complete=True)

    @on(Input.Submitted, "#id-number, #name, #phone, #address")
    def _next_field(self, event: Input.Submitted) -> None:
        field = event.input.id or ""
        if self._judge(field, complete=True):
            self.query_one(f"#{FIELDS[FIELDS.index(field) + 1]}", Input).focus()

    # --- an ID number that is already registered -------------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="register-duplicate")
    def _look_for_duplicate(self, number: str) -> None:
        from tui.endpoints.residents import find_residents

        for hit in find_residents(self.desk.client, number, limit=1):
            if hit.matched_on == "id_number":
                self.post_message(Duplicate(number, hit.id, f"{hit.name} ({hit.record_number})"))

    def on_duplicate(self, message: Duplicate) -> None:
        self._existing = message
        self.refresh_bindings()
        if self._value("id-number").strip().upper() == message.number:
            self._note("id-number", self._duplicate_text(message), error=True)

    def _duplicate_text(self, existing: Duplicate) -> str:
        return _("Already registered: {who}. F2 opens that record.").format(who=existing.who)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_existing":
            return self._existing is not None
        return True

    def action_open_existing(self) -> None:
        if self._existing is not None:
            self.dismiss(self._existing.resident_id)

    # --- registering --------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self._busy:
            return
        wrong = [field for field in FIELDS if not self._judge(field, complete=True)]
        if wrong:
            self._message(_("Correct the marked fields; nothing was registered."))
            self.query_one(f"#{wrong[0]}", Input).focus()
            return
        new = NewResident(
            id_number=self._value("id-number").strip().upper(),
            name=check.clean_name(self._value("name")),
            phone=check.clean_phone(self._value("phone")),
            address=" ".join(self._value("address").split()) or None,
        )
        self._busy = True
        self._message(_("Registering…"))
        self._register(new, self.query_one(HouseholdPicker).chosen)

    @work(thread=True, exit_on_error=False, exclusive=True, group="register-save")
    def _register(self, new: NewResident, with_resident: HouseholdOf | None) -> None:
        from tui.endpoints.residents import register

        self.post_message(Done(register(self.desk.client, new, with_resident=with_resident)))

    def on_done(self, message: Done) -> None:
        resident = message.registered.resident
        self.app.notify(
            _("Registered {name}, record number {number}.").format(
                name=resident.name, number=resident.record_number
            ),
            timeout=8,
        )
        if message.registered.household_error:
            self.app.notify(
                _("The household was not made: {error}").format(error=message.registered.household_error),
                severity="warning",
                timeout=15,
            )
        self.dismiss(resident.id)

    def on_household_picker_submitted(self) -> None:
        self.action_save()

    def action_back(self) -> None:
        self.dismiss(None)

    # --- failures: at the field they concern ----------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """As tui/screens/base.py DeskScreen: the connection state, an expired session, the error shown."""
        worker: Worker[object] = event.worker
        if event.state is WorkerState.SUCCESS:
            self.desk.note_connection(Connection.ONLINE)
            return
        if event.state is not WorkerState.ERROR or worker.is_cancelled or worker.error is None:
            return
        if worker.group == "register-save":
            self._busy = False
        error = worker.error
        if isinstance(error, ApiUnreachable):
            self.desk.note_connection(Connection.OFFLINE)
        elif isinstance(error, ApiClientError):
            self.desk.note_connection(Connection.ONLINE)
            if error.code == "unauthorized":
                self.desk.end_session(describe(error))
                return
        if worker.group == "register-duplicate":
            return  # only a courtesy: the API refuses a duplicate when the form is sent
        if worker.group == HOUSEHOLD_GROUP:
            self.query_one(HouseholdPicker).note(describe(error), error=True)
            return
        self.show_error(error)

    def show_error(self, error: BaseException) -> None:
        if isinstance(error, ApiClientError) and error.code == "conflict" and error.field == "id_number":
            existing = error.details.get("existing_id")
            if isinstance(existing, int):
                who = _("record {number}").format(number=error.details.get("record_number", "?"))
                number = self._value("id-number").strip().upper()
                self.on_duplicate(Duplicate(number, existing, who))
                self._message(_("Nothing was registered."))
                self.query_one("#id-number", Input).focus()
                return
        field = _API_FIELDS.get(error.field or "") if isinstance(error, ApiClientError) else None
        if field is not None:
            self._note(field, describe(error), error=True)
            self._message(_("Nothing was registered."))
            self.query_one(f"#{field}", Input).focus()
        else:
            self._message(describe(error))

    def _message(self, text: str) -> None:
        label = self.query_one("#register-message", Label)
        label.update(text)
        label.display = bool(text)
