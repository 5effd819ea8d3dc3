"""A questionnaire as a fast keyboard form (COPD-SQ, CDRS, stroke 8+2, TCM 33): one question at a time.

A digit picks an option and moves on to the next question; Backspace goes back; a number question takes its
value and Enter. Answers the visit's measurements already give (BMI, waist, SBP: flows.rules.questionnaires
`prefill`) are filled in and skipped, and can be changed by going back. At the end F10 (or Enter) scores and
saves through the API, and the score and findings are shown. The answers live in the screening screen's
draft, so closing the form loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Footer, Input, Label, Static
from textual.worker import Worker, WorkerState

from flows.rules.questionnaires import AnswerKind, Question, Questionnaire, QuestionnaireResult
from tui import i18n
from tui.client import ApiClientError
from tui.errors import describe
from tui.i18n import _
from tui.screens.base import DeskScreen
from tui.widgets import findings_words as words
from tui.widgets.status_bar import StatusBar


def local(zh: str, en: str) -> str:
    """The API's bilingual texts (questions, options, titles) in the active language."""
    return zh if i18n.language() == "zh_CN" else en


def choices(q: Question) -> list[tuple[object, str]]:
    """(value, label) of each option, in the order the digits choose them: 1 = the first."""
    if q.kind is AnswerKind.YES_NO:
        return [(True, _("yes")), (False, _("no"))]
    return [(o.value, local(o.label_zh, o.label_en)) for o in q.options]


def answer_mark(q: Question, value: object) -> str:
    """One cell of the progress strip: the option's digit, or # for a number."""
    for i, (option, _label) in enumerate(choices(q), start=1):
        if type(option) is type(value) and option == value:
            return str(i)
    return "#"


def result_text(result: QuestionnaireResult) -> Text:
    text = Text()
    if result.score is not None:
        text.append(_("Score {score}").format(score=f"{result.score:g}") + "\n", style="bold")
    for f in result.findings:
        text.append(words.severity_text(f.severity) + " " + words.title(f) + "\n")
    for step in result.next_steps:
        text.append("→ " + words.step_title(step) + "\n")
    return text


class NumberAnswer(Input):
    """The answer of a number question; Backspace in an empty field goes back to the previous question."""

    class Back(Message):
        pass

    def action_delete_left(self) -> None:
        if not self.value:
            self.post_message(self.Back())
            return
        super().action_delete_left()


class QuestionnaireScreen(DeskScreen):
    CSS_PATH = "questionnaire.tcss"
    AUTO_FOCUS = None  # digits go to the screen; only a number question focuses its input
    KEYS: ClassVar[tuple[str, ...]] = (
        "questionnaire.back",
        "questionnaire.next",
        "questionnaire.save",
        "questionnaire.close",
        "app.quit",
    )

    def __init__(
        self,
        form: Questionnaire,
        *,
        visit_id: int,
        draft: dict[str, object],
        prefilled: dict[str, object],
        done: Callable[[QuestionnaireResult], None],
    ) -> None:
        super().__init__()
        self.form = form
        self.visit_id = visit_id
        self.draft = draft  # shared with the screening screen: what is answered stays answered
        self.prefilled = prefilled
        self.done = done
        self.result: QuestionnaireResult | None = None
        self.saving = False
        for qid, value in prefilled.items():
            self.draft.setdefault(qid, value)
        self.index = self._next_open(-1)

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Label(local(self.form.title_zh, self.form.title_en), id="q-title", markup=False)
        yield Static("", id="q-progress")
        yield Label("", id="q-text", markup=False)
        yield Static("", id="q-options")
        yield NumberAnswer(id="q-number", compact=True)
        yield Label("", id="q-hint", markup=False)
        yield Label("", id="q-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._show()

    # --- which question ---------------------------------------------------------------------------

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.form.questions

    def _next_open(self, after: int) -> int:
        """The next question after `after` the nurse has to ask: prefilled ones are skipped (reachable back)."""
        i = after + 1
        while i < len(self.questions):
            q = self.questions[i]
            if q.id not in self.prefilled or self.draft.get(q.id) != self.prefilled[q.id]:
                return i
            i += 1
        return len(self.questions)

    def _show(self) -> None:
        self.query_one("#q-error", Label).update("")
        self.query_one("#q-progress", Static).update(self._progress())
        number = self.query_one("#q-number", NumberAnswer)
        options = self.query_one("#q-options", Static)
        if self.result is not None:
            self._show_end(_("Saved."), result_text(self.result), _("Enter or Esc: back to screening."))
            number.display, number.disabled = False, True
            return
        if self.index >= len(self.questions):
            missing = [q for q in self.questions if q.id not in self.draft]
            hint = _("All answered. F10 or Enter: score and save.") if not missing else ""
            body = (
                Text(
                    _("Not answered: {numbers}").format(
                        numbers=", ".join(str(self.questions.index(q) + 1) for q in missing)
                    )
                )
                if missing
                else Text()
            )
            self._show_end(_("End of the questionnaire"), body, hint)
            number.display, number.disabled = False, True
            return
        q = self.questions[self.index]
        counter = _("Question {n} of {total}").format(n=self.index + 1, total=len(self.questions))
        self.query_one("#q-text", Label).update(f"{counter}\n{local(q.text_zh, q.text_en)}")
        is_number = q.kind in (AnswerKind.NUMBER, AnswerKind.INTEGER)
        number.display = is_number
        number.disabled = not is_number  # a hidden input must not take the digits
        if is_number:
            value = self.draft.get(q.id)
            number.value = "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
            unit = f" {q.unit}" if q.unit else ""
            span = (
                f"{q.minimum:g}–{q.maximum:g}{unit}"
                if q.minimum is not None and q.maximum is not None
                else unit
            )
            options.update(
                Text(_("Type the value{span}, then Enter.").format(span=f" ({span.strip()})" if span else ""))
            )
            number.focus()
        else:
            options.update(self._options(q))
            self.set_focus(None)
        hint = _("Digit: choose and go on · Backspace: previous question · F10: score and save")
        if q.id in self.prefilled and self.draft.get(q.id) == self.prefilled[q.id]:
            hint = _("Filled in from the visit's measurements; a digit changes it.") + "\n" + hint
        self.query_one("#q-hint", Label).update(hint)

    def _show_end(self, heading: str, body: Text, hint: str) -> None:
        self.query_one("#q-text", Label).update(heading)
        self.query_one("#q-options", Static).update(body)
        self.query_one("#q-hint", Label).update(hint)
        self.set_focus(None)

    def _options(self, q: Question) -> Text:
        text = Text()
        chosen = self.draft.get(q.id)
        for i, (value, label) in enumerate(choices(q), start=1):
            picked = chosen is not None and type(value) is type(chosen) and value == chosen
            text.append(f"{'▶' if picked else ' '} {i}  {label}\n", style="bold reverse" if picked else "")
        return text

    def _progress(self) -> Text:
        """`3 1 2 · · ·`: each question's answer digit, the current one highlighted; then the count."""
        text = Text()
        for i, q in enumerate(self.questions):
            mark = answer_mark(q, self.draft[q.id]) if q.id in self.draft else "·"
            text.append(mark, style="bold reverse" if i == self.index else "")
        answered = sum(1 for q in self.questions if q.id in self.draft)
        text.append("  " + _("{done}/{total} answered").format(done=answered, total=len(self.questions)))
        return text

    # --- answering ----------------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        if isinstance(self.focused, Input) or self.saving:
            return
        if self.result is not None and event.key == "enter":
            event.stop()
            self.dismiss()
        elif self.index >= len(self.questions) and event.key == "enter":
            event.stop()
            self.action_save()
        elif self.index < len(self.questions) and event.character and event.character.isdigit():
            event.stop()
            self._choose(int(event.character))
        elif self.index < len(self.questions) and event.key == "enter":
            event.stop()
            self.action_forward()

    def _choose(self, digit: int) -> None:
        q = self.questions[self.index]
        options = choices(q)
        if not 1 <= digit <= len(options):
            self.query_one("#q-error", Label).update(_("Choose 1 to {last}.").format(last=len(options)))
            return
        self.draft[q.id] = options[digit - 1][0]
        self.prefilled.pop(q.id, None)  # the nurse's answer now, not the measurement's
        self.index = self._next_open(self.index)
        self._show()

    @on(Input.Submitted, "#q-number")
    def _number(self, event: Input.Submitted) -> None:
        event.stop()
        q = self.questions[self.index]
        text = event.value.strip().replace(",", ".")
        try:
            value: float | int = int(text) if q.kind is AnswerKind.INTEGER else float(text)
        except ValueError:
            self.query_one("#q-error", Label).update(
                _("Enter a whole number.") if q.kind is AnswerKind.INTEGER else _("Enter a number.")
            )
            return
        if (q.minimum is not None and value < q.minimum) or (q.maximum is not None and value > q.maximum):
            self.query_one("#q-error", Label).update(
                _("Between {low} and {high}.").format(low=f"{q.minimum:g}", high=f"{q.maximum:g}")
            )
            return
        self.draft[q.id] = value
        self.prefilled.pop(q.id, None)
        self.index = self._next_open(self.index)
        self._show()

    @on(NumberAnswer.Back)
    def _number_back(self) -> None:
        self.action_back()

    def action_back(self) -> None:
        if self.result is not None or self.index == 0:
            return
        self.index -= 1
        self._show()

    def action_forward(self) -> None:
        if self.result is not None or self.index >= len(self.questions):
            return
        if self.questions[self.index].id in self.draft:
            self.index += 1
            self._show()

    def action_close(self) -> None:
        self.dismiss()

    # --- scoring -----------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving or self.result is not None:
            return
        missing = next((i for i, q in enumerate(self.questions) if q.id not in self.draft), None)
        if missing is not None:
            self.index = missing
            self._show()
            self.query_one("#q-error", Label).update(_("This question is not answered yet."))
            return
        self.saving = True
        self.query_one("#q-hint", Label).update(_("Scoring…"))
        self._score(dict(self.draft))

    class Scored(Message):
        def __init__(self, result: QuestionnaireResult | None, error: ApiClientError | None) -> None:
            super().__init__()
            self.result = result
            self.error = error

    @work(thread=True, exit_on_error=False, exclusive=True, group="questionnaire-save")
    def _score(self, answers: dict[str, object]) -> None:
        from tui.endpoints.screening import answer_questionnaire

        try:
            result = answer_questionnaire(self.desk.client, self.visit_id, self.form.id, answers)
        except ApiClientError as error:
            if error.code in ("unauthorized", "unreachable"):
                raise
            self.post_message(self.Scored(None, error))
            return
        self.post_message(self.Scored(result, None))

    @on(Scored)
    def _scored(self, message: Scored) -> None:
        self.saving = False
        if message.result is not None:
            self.result = message.result
            self.done(message.result)
            self._show()
            return
        error = message.error
        assert error is not None
        field = (error.field or "").removeprefix("answers.")
        ids = [q.id for q in self.questions]
        if field in ids:
            self.index = ids.index(field)
        self._show()
        self.query_one("#q-error", Label).update("✕ " + describe(error))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "questionnaire-save" and event.state is WorkerState.ERROR:
            self.saving = False
            self._show()
        super().on_worker_state_changed(event)
