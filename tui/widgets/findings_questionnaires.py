"""The screening form's list of questionnaires: where each stands, and opening one as a keyboard form.

The list keeps each questionnaire's draft (what the nurse answered so far) and what was filled in from the
visit's measurements (flows.rules.questionnaires `prefill`), so closing a form loses nothing and a value
measured later still fills the questions nobody answered by hand. A scored questionnaire posts `Scored`.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from flows.errors import FlowError
from flows.rules import questionnaires as rules
from flows.rules.questionnaires import Questionnaire, QuestionnaireResult
from tui.i18n import _
from tui.screens.questionnaire import QuestionnaireScreen, local
from tui.widgets import findings_words as words


def fits_age(form: Questionnaire, age: int) -> bool:
    return (form.min_age is None or age >= form.min_age) and (form.max_age is None or age <= form.max_age)


class QuestionnaireList(OptionList):
    class Scored(Message):
        def __init__(self, result: QuestionnaireResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self, *, visit_id: int, age: int, values: Callable[[], dict[str, float]]) -> None:
        super().__init__(id="questionnaire-list", compact=True, markup=False)
        self.visit_id = visit_id
        self.age = age
        self.values = values  # the visit's saved measurements now, for the prefill
        self.forms: dict[str, Questionnaire] = {}
        self.drafts: dict[str, dict[str, object]] = {}
        self.prefilled: dict[str, dict[str, object]] = {}
        self.results: dict[str, QuestionnaireResult] = {}

    def load(self, forms: list[Questionnaire]) -> None:
        self.forms = {f.id: f for f in forms}
        self.redraw()

    def redraw(self) -> None:
        """One line per questionnaire; the highlight stays where it was."""
        highlighted = self.highlighted
        lines = [
            Option(f"{local(f.title_zh, f.title_en)} — {self.state(f)}", id=f.id) for f in self.forms.values()
        ]
        self.set_options(lines)
        if lines:
            self.highlighted = min(highlighted or 0, len(lines) - 1)

    def state(self, form: Questionnaire) -> str:
        result = self.results.get(form.id)
        if result is not None:
            score = (
                _("score {score}").format(score=f"{result.score:g}") + " · "
                if result.score is not None
                else ""
            )
            return "✓ " + score + "; ".join(words.title(f) for f in result.findings[:2])
        if not fits_age(form, self.age):
            return _("not for age {age}").format(age=self.age)
        answered = len(self.drafts.get(form.id, {}))
        if answered:
            return _("{done}/{total} answered").format(done=answered, total=len(form.questions))
        return _("not done")

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        form = self.forms.get(event.option_id or "")
        if form is None:
            return
        if not fits_age(form, self.age):
            self.notify(
                _("This questionnaire is not for a resident aged {age}.").format(age=self.age), timeout=6
            )
            return
        draft = self.drafts.setdefault(form.id, {})
        prefilled = self.prefilled.setdefault(form.id, {})
        try:
            fresh = rules.prefill(form.id, self.values())
        except FlowError:  # a stored value the form's bands refuse: the nurse answers the question instead
            fresh = {}
        for qid, value in fresh.items():
            if qid not in draft or (qid in prefilled and draft[qid] == prefilled[qid]):
                draft[qid] = value
                prefilled[qid] = value

        def done(result: QuestionnaireResult) -> None:
            self.results[form.id] = result
            self.redraw()
            self.post_message(self.Scored(result))

        screen = QuestionnaireScreen(
            form, visit_id=self.visit_id, draft=draft, prefilled=prefilled, done=done
        )
        self.app.push_screen(screen, lambda _closed: self.redraw())
