"""Forms (Flask-WTF: every one carries a CSRF token). Messages follow GOV.UK's error message patterns."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FileField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms lags
from wtforms.validators import URL, DataRequired, InputRequired, NumberRange, Optional, Regexp
from wtforms.validators import Length as _Length
from wtforms.validators import ValidationError as WTFValidationError

from web.code_words import NATION_WORDS, PARTNER_KIND_WORDS
from web.extensions import error_text
from web.forms.dates import DateInput
from web.titles import local
from workflow.engine.errors import InvalidError, Phrase
from workflow.engine.importer import LARGEST_POPULATION
from workflow.engine.kinds import PARTNER_KINDS
from workflow.engine.text import email_problem, labelled, nul_problem, single_line_problem
from workflow.money.entered import pounds
from workflow.money.pounds import parse_pounds

if TYPE_CHECKING:
    from markupsafe import Markup

    class FlaskForm(Form):
        """What mypy sees of :class:`flask_wtf.FlaskForm` (Flask-WTF ships no type information)."""

        def is_submitted(self) -> bool: ...
        def validate_on_submit(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool: ...
        def hidden_tag(self, *fields: Any) -> Markup: ...

else:
    from flask_wtf import FlaskForm


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Choices for a select or radios from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


# --- validators: the engine's rules for what people type (workflow.engine.text), as field errors ----------


class Length(_Length):
    """WTForms' length check, its error naming the field in words ("Programme name must be 200 characters or
    fewer"), not WTForms' own "Field cannot be longer than 200 characters"."""

    def __call__(self, form: Any, field: Any) -> None:
        if self.message is None and self.max != -1 and len(field.data or "") > self.max:
            most = f"{self.max:,}"
            raise WTFValidationError(
                _l("%(label)s must be %(most)s characters or fewer", label=field.label.text, most=most)
            )
        super().__call__(form, field)


class OneLine:
    """One line of plain text: no line break, NUL or other control character (TAB is fine)."""

    def __call__(self, form: Any, field: Any) -> None:
        problem = single_line_problem(field.data or "")
        if problem:
            raise WTFValidationError(_problem_text(field, problem))


class NoNul:
    """Text over several lines: anything but a NUL character, which cannot be stored."""

    def __call__(self, form: Any, field: Any) -> None:
        problem = nul_problem(field.data or "")
        if problem:
            raise WTFValidationError(_problem_text(field, problem))


def _problem_text(field: Any, problem: Phrase) -> str:
    """A text rule's problem with the field's label, in the request's language."""
    return error_text(labelled(problem, field.label.text))


class EmailAddress:
    """An email address, checked as everywhere in banns (email-validator, no DNS look-up)."""

    def __init__(self, message: Any) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if field.data and email_problem(field.data.strip()):
            raise WTFValidationError(self.message)


class Pounds:
    """An amount of money in whole pence, at most £100bn (commas and a £ sign are fine), read as every money
    form reads pounds (:mod:`workflow.money.entered`): 5e9 and negative amounts refused in words."""

    def __call__(self, form: Any, field: Any) -> None:
        if (field.data or "").strip():
            text = field.data.strip()
            if "e" in text.lower() or text.startswith("-") or text.startswith("£-"):
                try:  # 5e9 and negatives: as every money form says it
                    pounds(text, str(field.label.text))
                except InvalidError as exc:
                    raise WTFValidationError(error_text(exc)) from None
            try:
                parse_pounds(text)
            except InvalidError as exc:
                raise WTFValidationError(f"{field.label.text}: {error_text(exc)}") from None


class WholeNumberField(IntegerField):
    """A whole number as people write it: ``12,000`` is taken; anything else is refused naming the field
    (not WTForms' "Not a valid integer value")."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = str(valuelist[0]).replace(",", "").strip()
        if re.fullmatch(r"-?\d{1,15}", text):
            self.data = int(text)
            return
        self.data = None
        raise ValueError(_l("%(label)s must be a whole number, like 12,000", label=self.label.text))


_LARGEST_POPULATION_WORDS = f"{LARGEST_POPULATION:,}"
POPULATION = NumberRange(
    min=0,
    max=LARGEST_POPULATION,
    message=_l("Population must be a whole number from 0 to %(max)s", max=_LARGEST_POPULATION_WORDS),
)
EMAIL = EmailAddress(_l("Enter an email address in the correct format, like name@example.com"))

KIND_CHOICES = options((k, PARTNER_KIND_WORDS.get(k, k)) for k in PARTNER_KINDS)
NATION_CHOICES = options(NATION_WORDS.items())


class SignInForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address")), EMAIL],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password"))])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("Create a password"), validators=[DataRequired(_l("Enter a password"))])
    confirm = PasswordField(_l("Confirm password"), validators=[DataRequired(_l("Confirm your password"))])

    def validate_confirm(self, field: PasswordField) -> None:
        if field.data != self.password.data:
            raise WTFValidationError(_l("Passwords must match"))


class VersionedForm(FlaskForm):
    """A form that changes a programme carries the version the user saw (optimistic locking)."""

    version = HiddenField(
        validators=[InputRequired(), Regexp(r"^\d{1,9}$", message=_l("Reload the page and try again"))]
    )


class EvidenceForm(VersionedForm):
    # The engine checks the value against the gate; the form only checks one was chosen.
    criterion = SelectField(_l("Criterion"), validate_choice=False, validators=[DataRequired(_l("Select a criterion"))])
    summary = TextAreaField(
        _l("What shows the criterion is met"),
        validators=[DataRequired(_l("Enter a summary of the evidence")), Length(max=4000), NoNul()],
    )
    link = StringField(
        _l("Link to the document (optional)"),
        validators=[
            Optional(),
            OneLine(),
            URL(message=_l("Enter a link in the correct format, like https://example.org/doc")),
            Length(max=1000),
        ],
    )
    #: Checked by content in the engine (:mod:`workflow.engine.documents`), not by its name or type here.
    document = FileField(_l("Upload a document (optional)"))


class WithdrawEvidenceForm(VersionedForm):
    criterion = HiddenField(validators=[DataRequired(_l("Reload the page and try again"))])
    reason = TextAreaField(
        _l("Why the evidence is withdrawn"),
        validators=[DataRequired(_l("Enter why the evidence is withdrawn")), Length(max=4000), NoNul()],
    )


class RequestForm(VersionedForm):
    note = TextAreaField(_l("Note to signatories (optional)"), validators=[Length(max=4000), NoNul()])


class WaiverForm(VersionedForm):
    note = TextAreaField(
        _l("Rationale for waiving this stage"),
        validators=[DataRequired(_l("Enter the rationale for waiving this stage")), Length(max=4000), NoNul()],
    )


class SignForm(VersionedForm):
    decision = RadioField(
        _l("Your decision"),
        choices=options([("approve", _l("Approve")), ("reject", _l("Reject"))]),
        validators=[DataRequired(_l("Select approve or reject"))],
    )
    comment = TextAreaField(_l("Comment"), validators=[Length(max=4000), NoNul()])

    def validate_comment(self, field: TextAreaField) -> None:
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise WTFValidationError(_l("Enter why you reject this gate"))


class DecisionForm(SignForm):
    """A decision carries the round and the decision pack the person was shown, not the programme's version:
    two people deciding at once both succeed, and only a changed pack or a closed round refuses. (The page
    always sends both; a client that sends neither decides on the gate as it stands.)"""

    pack = HiddenField(validators=[Optional(), Regexp(r"^[0-9a-f]{64}$", message=_l("Reload the page"))])
    round = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$", message=_l("Reload the page"))])


class MoveForm(VersionedForm):
    """Advance: nothing to type but the version."""


class ReasonForm(VersionedForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Enter a reason")), Length(max=4000), NoNul()])


class WaiveForm(VersionedForm):
    reason = TextAreaField(_l("Note to add (optional)"), validators=[Optional(), Length(max=4000), NoNul()])


class ReturnForm(ReasonForm):
    stage = SelectField(
        _l("Return to"), validate_choice=False, validators=[DataRequired(_l("Select the stage to return to"))]
    )


class WithdrawForm(ReasonForm):
    partner = SelectField(
        _l("Partner"), coerce=int, validate_choice=False, validators=[DataRequired(_l("Select the partner"))]
    )


class EndForm(ReasonForm):
    move = SelectField(
        _l("Outcome"), validate_choice=False, validators=[DataRequired(_l("Select how the programme ends"))]
    )


class PartnerForm(Form):
    """One partner row inside :class:`ProgrammeForm`; a plain form, so it carries no CSRF token of its own."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=200), OneLine()])
    kind = SelectField(_l("Kind of body"), choices=KIND_CHOICES, default="district_council")
    nation = SelectField(_l("Nation"), choices=NATION_CHOICES, default="england")
    population = WholeNumberField(_l("Population"), validators=[Optional(), POPULATION])
    net_budget = StringField(_l("Annual net budget, in pounds"), validators=[Optional(), Length(max=20), Pounds()])


class AddPartnerForm(VersionedForm, PartnerForm):
    """A partner joining a running programme (the lifecycle says until which stage)."""

    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the partner's name")), Length(max=200), OneLine()]
    )
    population = WholeNumberField(_l("Population"), validators=[InputRequired(_l("Enter the population")), POPULATION])


class RemoveRoleForm(VersionedForm):
    person_id = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    role = HiddenField(validators=[InputRequired()])
    partner_id = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])


class ProgrammeForm(FlaskForm):
    name = StringField(
        _l("Programme name"), validators=[DataRequired(_l("Enter the programme's name")), Length(max=200), OneLine()]
    )
    definition = SelectField(_l("Lifecycle"), validators=[DataRequired(_l("Select a lifecycle"))])
    description = TextAreaField(_l("Description (optional)"), validators=[Length(max=4000), NoNul()])
    start = DateInput(_l("Planned start date"))
    partners = FieldList(FormField(PartnerForm), min_entries=3, max_entries=20)
    add_partner = SubmitField(_l("Add another partner"))


class EditProgrammeForm(VersionedForm):
    name = StringField(
        _l("Programme name"), validators=[DataRequired(_l("Enter the programme's name")), Length(max=200), OneLine()]
    )
    description = TextAreaField(_l("Description (optional)"), validators=[Length(max=4000), NoNul()])


def edit_programme_form(plan: Sequence[Any], **kwargs: Any) -> EditProgrammeForm:
    """The edit form with a planned start and end (GOV.UK date inputs) per stage: ``start_<stage>``, ``end_<stage>``."""
    fields: dict[str, DateInput] = {}
    for stage in plan:
        fields[f"start_{stage.stage}"] = DateInput(_l("Planned start of %(stage)s", stage=local(stage.title)))
        fields[f"end_{stage.stage}"] = DateInput(_l("Planned end of %(stage)s", stage=local(stage.title)))
    form_class = type("EditPlanForm", (EditProgrammeForm,), fields)
    return form_class(**kwargs)  # type: ignore[no-any-return]


class StaffTransferForm(VersionedForm):
    headcount = WholeNumberField(
        _l("Number of staff transferring"),
        validators=[
            InputRequired(_l("Enter how many staff transfer")),
            NumberRange(1, 1_000_000, _l("Number of staff transferring must be from 1 to 1,000,000")),
        ],
    )
    roles = TextAreaField(_l("Roles transferring (optional)"), validators=[Length(max=20_000), NoNul()])
    transfer_date = DateInput(_l("Transfer date"), required=True)
    redundancies = WholeNumberField(
        _l("Redundancies proposed"),
        default=0,
        validators=[Optional(), NumberRange(0, 1_000_000, _l("Redundancies proposed must be from 0 to 1,000,000"))],
    )
    eli_given_on = DateInput(_l("Employee liability information given on (optional)"))
    consultation_began_on = DateInput(_l("Consultation began on (optional)"))
    consultation_ended_on = DateInput(_l("Consultation ended on (optional)"))


class ImportForm(FlaskForm):
    source = TextAreaField(
        _l("Programme in YAML"), validators=[DataRequired(_l("Paste the programme's YAML")), Length(max=200_000)]
    )


class AddPersonForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[Optional(), Length(max=200), OneLine()])
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter an email address")), EMAIL])
    role = SelectField(_l("Role"), validators=[DataRequired(_l("Select a role"))])
    partner = SelectField(_l("For partner"), validators=[Optional()])


class NewAccountForm(FlaskForm):
    name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the person's name")), Length(max=200), OneLine()]
    )
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter an email address")), EMAIL])
    is_admin = BooleanField(_l("Administrator"))


__all__ = [
    "AddPersonForm",
    "EndForm",
    "EvidenceForm",
    "ImportForm",
    "MoveForm",
    "NewAccountForm",
    "ProgrammeForm",
    "ReasonForm",
    "RequestForm",
    "ReturnForm",
    "SetPasswordForm",
    "SignForm",
    "SignInForm",
    "StaffTransferForm",
    "WaiveForm",
    "WaiverForm",
    "WithdrawEvidenceForm",
    "WithdrawForm",
]
